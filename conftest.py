"""Table of contents of the pytest plugins; nothing else lives here."""

pytest_plugins = [
    "positions_harness.run.empty_run",
    "positions_harness.run.options",
    "positions_harness.run.shared_pace",
    "positions_harness.run.worker_stop",
    "positions_harness.run.plugin",
    "positions_harness.run.findings",
    "positions_harness.run.fixtures",
]
