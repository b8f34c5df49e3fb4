"""Ctrl-C is never lost: SIGINT at any moment of a run (as the first tests run, as the property
phase starts, during the cleanup) ends it with exit 4, an `incomplete` report and nothing left
on the target. `python -m selftest.support.interrupting --tries 10` repeats each moment ten
times, and also interrupts after 1.5 s."""

from __future__ import annotations

import signal
import threading

import pytest

from positions_harness.run import plugin
from positions_harness.transport import interrupts
from positions_harness.transport.pacing import Pacer

from .support.interrupting import MOMENTS, interrupt_run


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_an_interrupted_run_exits_4_reports_incomplete_and_leaves_nothing_behind(tmp_path, moment):
    result = interrupt_run(tmp_path, moment)

    assert result.exit_code == 4, result.output[-3000:]
    assert result.verdict == "incomplete", result.output[-3000:]
    assert result.positions_left == 0
    assert "Traceback (most recent call last)" not in result.output


# ---------------------------------------------------------------- a swallowed KeyboardInterrupt


@pytest.fixture
def signal_received(monkeypatch):
    """As if SIGINT had come and its KeyboardInterrupt had been swallowed on its way (a signal
    landing in a gc callback is printed as "Exception ignored" and goes no further)."""
    monkeypatch.setattr(interrupts._state, "received", signal.SIGINT)


def test_after_a_signal_a_test_sends_no_more_requests_even_if_its_interrupt_was_swallowed(
    signal_received,
):
    with interrupts.test_phase(), pytest.raises(KeyboardInterrupt):
        Pacer(10).wait_for_turn()


def test_after_a_signal_the_cleanup_still_sends_its_requests(signal_received):
    assert Pacer(10).wait_for_turn() == 0.0  # outside a test's setup and call: the cleanup

    outcome: list[object] = []
    with interrupts.test_phase():
        with interrupts.deferred():  # the request in flight that the signal waits for
            outcome.append(Pacer(10).wait_for_turn())
        background = threading.Thread(target=lambda: outcome.append(Pacer(10).wait_for_turn()))
        background.start()  # the background deletes of the tidier
        background.join()
    assert outcome == [0.0, 0.0]


def test_without_a_signal_a_test_sends_as_usual():
    with interrupts.test_phase():
        assert Pacer(10).wait_for_turn() == 0.0


class TracebackThatCannotBeFormatted:
    """An interrupt landing in generated code: pytest cannot format its last frame, nor the
    exception it was raised while handling (pytest formats that chain too)."""

    def __init__(self) -> None:
        self.traceback = ["pytest's own frame", "a generated frame without a line number"]
        self.value = KeyboardInterrupt("signal 2")
        self.value.__context__ = ValueError("raised in generated code")

    def getrepr(self, funcargs: bool = False) -> str:
        if len(self.traceback) > 1 or self.value.__context__ is not None:
            raise TypeError("'NoneType' object cannot be interpreted as an integer")
        return "KeyboardInterrupt"


def test_an_interrupt_whose_traceback_cannot_be_formatted_is_reported_by_its_first_frame():
    excinfo = TracebackThatCannotBeFormatted()
    wrapper = plugin.pytest_keyboard_interrupt(excinfo)

    next(wrapper)  # pytest's terminal reporter formats it now: it must be able to

    assert excinfo.getrepr(funcargs=True) == "KeyboardInterrupt"
    assert excinfo.traceback == ["pytest's own frame"]
