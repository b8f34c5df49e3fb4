"""Ctrl-C and SIGTERM in the middle of a test, and in a run with pytest-xdist workers: the
controller stops handing out tests and waits for every worker to clean up, instead of tearing
them down at once.

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
from collections.abc import Generator
from typing import Any

import pytest

from ..contract.requirement_marker import is_suite_item
from ..transport import interrupts
from .shared_pace import run_folder

DSESSION = "dsession"  # the name pytest-xdist registers its controller plugin under
STOPPED_BY_SIGNAL = "interrupted by a signal"
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


@pytest.hookimpl(trylast=True)  # after interrupts.install() (run/plugin.py)
def pytest_configure(config: pytest.Config) -> None:
    """A worker leaves its process id where the controller can find it, and takes a signal
    outside its tests' setup and call for a note (see `_interrupt_ends_only_the_test`)."""
    if not _in_worker(config):
        return
    interrupts.only_note_outside_tests()
    folder = run_folder()
    if folder is not None and folder.is_dir():
        (folder / f"{WORKER_NOTE}{os.getpid()}").touch()


def _in_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _interrupt_ends_only_the_test(item: pytest.Item) -> Generator[None, Any, Any]:
    """Setup and call are the test's own phases: after a signal the client sends none of their
    requests, even if the KeyboardInterrupt got lost on its way (interrupts.test_phase).

    In an xdist worker, KeyboardInterrupt must end a test, never the worker: raised anywhere
    else it ends the worker's session with exit status 2, which xdist takes for a crash, and
    replaces the worker with a new one that runs more tests. So a worker raises it only inside
    a test's setup or call, which then end skipped as interrupted (their requirements stay
    undecided); elsewhere the signal is noted, and the next setup or call does not start. The
    test's teardown and the session's cleanup run in full, and the worker stops after the test.
    """
    if not is_suite_item(item):  # e.g. the project's own selftests
        return (yield)
    if not _in_worker(item.config):
        with interrupts.test_phase():
            return (yield)
    try:
        with interrupts.test_phase():  # from here on a signal raises
            interrupts.stop_test_if_interrupted()  # one came before: the test does not start
            return (yield)
    except KeyboardInterrupt:  # the run stops after this test (plugin.py)
        pytest.skip(STOPPED_BY_SIGNAL)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    return (yield from _interrupt_ends_only_the_test(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    return (yield from _interrupt_ends_only_the_test(item))


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
