"""Ctrl-C and SIGTERM in a run with pytest-xdist workers: the controller stops handing out
tests and waits for every worker to clean up, instead of tearing them down at once.

The controller runs no test and sends no request. Raising KeyboardInterrupt in it at the first
signal would end its session straight away, and xdist would then stop its workers within
seconds, cutting off the cleanup of any worker whose target answers slowly and leaving
positions behind. So the first signal only asks xdist to stop (`shouldstop`, as xdist itself
does when a worker reports an interrupt); each worker finishes or interrupts its test, runs its
cleanup and reports. The run then ends interrupted, as usual. A second signal still interrupts
the controller at once.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import contextlib
import os
import signal
from typing import Any

import pytest

from ..transport import interrupts
from .shared_pace import run_folder

DSESSION = "dsession"  # the name pytest-xdist registers its controller plugin under
REASON = "interrupted: the workers finish their tests and clean up (a second Ctrl-C: at once)"
WORKER_NOTE = "worker-"  # a file per worker in the run's folder, named by its process id


def _ask_workers_to_stop(dsession: Any) -> None:
    if not getattr(dsession, "shouldstop", False):
        dsession.shouldstop = REASON


def _pass_on_to_workers() -> None:
    """Sends the interrupt to every worker too: `kill -INT` or a CI runner's SIGTERM may reach
    the controller alone (Ctrl-C at a terminal reaches them all, and a worker takes the second
    copy for the same interrupt: interrupts.SAME_INTERRUPT_SECONDS)."""
    folder = run_folder()
    if folder is None:
        return
    for note in folder.glob(f"{WORKER_NOTE}*"):
        with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
            os.kill(int(note.name.removeprefix(WORKER_NOTE)), signal.SIGINT)


def _stop(dsession: Any) -> None:
    _ask_workers_to_stop(dsession)
    _pass_on_to_workers()


def pytest_configure(config: pytest.Config) -> None:
    """A worker leaves its process id where the controller can find it."""
    folder = run_folder()
    if hasattr(config, "workerinput") and folder is not None and folder.is_dir():
        (folder / f"{WORKER_NOTE}{os.getpid()}").touch()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Any) -> Any:
    """In a worker, a signal between two tests stops it before the next one (raised inside a
    test, where pytest ends the session and its cleanup runs), not in xdist's loop."""
    if not hasattr(item.config, "workerinput"):
        return (yield)
    if interrupts.received() is not None:
        raise KeyboardInterrupt("interrupted between two tests")
    interrupts.set_between_tests(False)
    try:
        return (yield)
    finally:
        interrupts.set_between_tests(True)


class GentleStop:
    """Installed in the xdist controller only (where the `dsession` plugin is)."""

    def __init__(self, dsession: Any) -> None:
        self.dsession = dsession
        interrupts.stop_gently_on_first_signal(lambda: _stop(dsession))

    def _again_if_interrupted(self) -> None:
        """xdist resets `shouldstop` when its loop starts: a signal that came during start-up
        is passed on again at the next event of the loop."""
        if interrupts.received() is not None:
            _ask_workers_to_stop(self.dsession)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        self._again_if_interrupted()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._again_if_interrupted()


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    dsession = session.config.pluginmanager.get_plugin(DSESSION)
    if dsession is not None:
        session.config.pluginmanager.register(GentleStop(dsession), "positions-gentle-stop")
