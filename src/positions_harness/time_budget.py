"""The property suite's time budget for one run (one budget per process under pytest-xdist).

Generated single requests may use the budget up to the stateful share; the stateful scenarios
then get what is left, but never less than their share, so a slow target still sees sequences.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

STATEFUL_SHARE = 0.25


@dataclass
class RunBudget:
    seconds: float
    started: float = field(default_factory=time.monotonic)
    operations_cut: set[str] = field(default_factory=set)
    scenarios_not_run: int = 0

    @property
    def single_requests_spent(self) -> bool:
        return time.monotonic() > self.started + self.seconds * (1 - STATEFUL_SHARE)

    def sequences_deadline(self) -> float:
        """When the stateful scenarios starting now must stop (a time.monotonic() value)."""
        return max(self.started + self.seconds, time.monotonic() + self.seconds * STATEFUL_SHARE)

    def shortfall(self) -> str | None:
        """What the budget cut, in one sentence, or None when everything ran."""
        if not (self.operations_cut or self.scenarios_not_run):
            return None
        return (
            f"the time budget of {self.seconds:.0f} s ran out: generated requests stopped early "
            f"for {len(self.operations_cut)} operation(s) and {self.scenarios_not_run} stateful "
            "scenarios did not run"
        )
