"""The property suite's time budget for one run (one budget per process under pytest-xdist,
where the property tests start first in every worker, so each budget runs alongside the rest).

Run serially, generated single requests may use the budget up to the stateful share; the
stateful scenarios then get what is left, but never less than their share, so a slow target
still sees sequences. Split into shards on several workers, the scenarios run beside the single
requests, and each may use the whole budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

STATEFUL_SHARE = 0.25


@dataclass
class RunBudget:
    seconds: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=-1.0)
    operations_cut: set[str] = field(default_factory=set)
    scenarios_not_run: int = 0
    # True when the stateful scenarios run in other processes at the same time (property
    # shards on xdist workers): single requests may then use the whole budget.
    sequences_alongside: bool = False

    def __post_init__(self) -> None:
        if self.started < 0:
            self.started = self.clock()

    @property
    def single_requests_spent(self) -> bool:
        share = 1.0 if self.sequences_alongside else 1 - STATEFUL_SHARE
        return self.clock() > self.started + self.seconds * share

    def sequences_deadline(self) -> float:
        """When the stateful scenarios starting now must stop (a value of `clock`)."""
        return max(self.started + self.seconds, self.clock() + self.seconds * STATEFUL_SHARE)

    def sequences_may_go_on(self, deadline: float) -> bool:
        return self.clock() < deadline

    def shortfall(self) -> str | None:
        """What the budget cut, in one sentence, or None when everything ran."""
        if not (self.operations_cut or self.scenarios_not_run):
            return None
        return (
            f"the time budget of {self.seconds:g} s ran out: generated requests stopped early "
            f"for {len(self.operations_cut)} operation(s) and {self.scenarios_not_run} stateful "
            "scenarios did not run"
        )
