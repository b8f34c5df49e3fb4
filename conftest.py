"""Table of contents of the pytest plugins; nothing else lives here."""

pytest_plugins = [
    "positions_harness.empty_run",
    "positions_harness.plugin",
    "positions_harness.fixtures",
]
