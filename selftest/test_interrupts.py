"""Ctrl-C is never lost: SIGINT at any moment of a run (as the first tests run, as the property
phase starts, during the cleanup) ends it with exit 4, an `incomplete` report and nothing left
on the target. `python -m selftest.support.interrupting --tries 10` repeats each moment ten
times, and also interrupts after 1.5 s."""

from __future__ import annotations

import pytest

from .support.interrupting import MOMENTS, interrupt_run


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_an_interrupted_run_exits_4_reports_incomplete_and_leaves_nothing_behind(tmp_path, moment):
    result = interrupt_run(tmp_path, moment)

    assert result.exit_code == 4, result.output[-3000:]
    assert result.verdict == "incomplete", result.output[-3000:]
    assert result.positions_left == 0
    assert "Traceback (most recent call last)" not in result.output
