"""Make "no tests collected" a failure with a sentence, never a silent success.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import pytest

EXIT_NOTHING_RAN = 4


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (
            "No test was collected: check the test paths and the -k/-m selection "
            "(PYTEST_ARGS); a run that tests nothing proves nothing."
        )
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = EXIT_NOTHING_RAN
