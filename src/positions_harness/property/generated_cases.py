"""Running one generated case of a stateless property test: whether this shard sends it, the
time budget, sending it through the harness client, judging the answer on requirements, and
deleting in the background what it created."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from schemathesis import Case

from ..checks.expect import RequirementViolation
from ..errors import BudgetExhausted
from ..transport.client import GraphClient
from ..transport.tidier import BackgroundTidier
from .check_requirements import STATELESS_CHECKS
from .client_transport import WITH_TOKEN
from .judge import judge
from .progress import PhaseProgress
from .shards import Shard
from .spent_budget import StopOnSpentBudget, stop_on_spent_budget
from .tidying import owned_ids
from .time_budget import RunBudget


@dataclass
class GeneratedCases:
    client: GraphClient
    budget: RunBudget
    shard: Shard
    pinned: Mapping[str, Any]  # path parameters with the run's own values (shards.case_key)
    new_position: Callable[[], str]  # a position of the case's own, for generated deletes
    tidier: BackgroundTidier
    progress: PhaseProgress
    auth_enforced: set[str] = field(default_factory=set)
    spent: list[BudgetExhausted] = field(default_factory=list)
    found: dict[str, list[RequirementViolation]] = field(default_factory=dict)  # per operation

    def run(self, case: Case, addressing_requirement: str | None = None) -> None:
        """Sends and judges `case`, unless another shard sends it; a spent request or
        throttling budget stops the operation's generation at once (StopOnSpentBudget)."""
        if not self.shard.sends(case, self.pinned):
            return
        label = case.operation.label
        if self.budget.single_requests_spent:
            self.budget.operations_cut.add(label)
            if label in self.found:
                return  # send no more; Hypothesis reports the violations it has seen
            # Ends this operation's generation at once (Hypothesis lets a skip through); the
            # report says the rest did not run.
            pytest.skip(f"time budget of {self.budget.seconds:g} s spent")
        self.progress.case_sent(label)
        try:
            with stop_on_spent_budget(self.found.get(label, [])):
                self._send_and_tidy(case, addressing_requirement)
        except RequirementViolation as violation:
            self.found.setdefault(label, []).append(violation)
            raise
        except StopOnSpentBudget as stop:
            if stop.found:  # reported as found; the test ends inconclusive for the rest
                self.spent.append(stop.exhausted)
            raise

    def _send_and_tidy(self, case: Case, addressing_requirement: str | None) -> None:
        before = owned_ids(self.client)
        try:
            if case.method.upper() == "DELETE":  # each delete takes a position of its own
                case.path_parameters["workPosition-id"] = self.new_position()
            response = case.call(**WITH_TOKEN)
            judge(
                case,
                response,
                STATELESS_CHECKS,
                transport_kwargs=WITH_TOKEN,
                redact=self.client.transcript.redactor.text,
                addressing_requirement=addressing_requirement,
                auth_enforced=self.auth_enforced,
            )
        finally:
            self.tidier.delete_created_since(before)
