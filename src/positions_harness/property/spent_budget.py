"""Stopping a property test at once when the client's request or throttling budget is spent.

Hypothesis catches every Exception a test raises: it replays the case, shrinks it, and calls a
failure it cannot replay flaky, or gathers several into "found N distinct failures". A spent
budget is none of these: nothing about the target was decided, and the run must report the
requirements `inconclusive` (run/findings.py maps BudgetExhausted so). So the property glue
turns the client's BudgetExhausted into `StopOnSpentBudget`, a BaseException that Hypothesis
lets through untouched (as it does KeyboardInterrupt), and turns it back where the test's
outcome is reported (`reported`, called by suites/property/conftest.py and by the stateful
runner).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..checks.expect import RequirementViolation, merged_violation
from ..errors import BudgetExhausted


class StopOnSpentBudget(BaseException):
    """The budget ran out inside a Hypothesis test; carries what to report instead."""

    def __init__(
        self, exhausted: BudgetExhausted, found: Sequence[RequirementViolation] = ()
    ) -> None:
        super().__init__(str(exhausted))
        self.exhausted = exhausted
        self.found = tuple(found)

    def reported(self) -> BaseException:
        """The violations found before the budget ran out (a found failure is decided, budget
        or not), or else the BudgetExhausted itself."""
        if not self.found:
            return self.exhausted
        if len(self.found) == 1:
            return self.found[0]
        merged = merged_violation(ExceptionGroup("found before the budget ran out", self.found))
        return merged if merged is not None else self.exhausted


@contextmanager
def stop_on_spent_budget(found: Sequence[RequirementViolation] = ()) -> Iterator[None]:
    """Re-raises the client's BudgetExhausted as StopOnSpentBudget (with `found`)."""
    try:
        yield
    except BudgetExhausted as exhausted:
        raise StopOnSpentBudget(exhausted, found) from exhausted


def reported(exc: BaseException | None) -> BaseException | None:
    """What the run reports for an exception that ended a test or an operation."""
    return exc.reported() if isinstance(exc, StopOnSpentBudget) else exc
