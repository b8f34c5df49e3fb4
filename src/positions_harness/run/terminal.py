"""Saying something on the terminal now, in the middle of a run.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

from typing import Any

import pytest


def say_now(config: pytest.Config, line: str, **markup: Any) -> None:
    """Writes `line` at once, even while pytest captures the test's output (xdist workers and
    runs without a terminal say nothing)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    if capture is None:
        reporter.write_line(line, **markup)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line, **markup)
