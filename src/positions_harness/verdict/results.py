"""Per-requirement results of a run: aggregation of test outcomes, deviations, the verdict."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..config.targets import KnownDeviation
from ..contract.catalogue import Catalogue

# Most severe first: a requirement takes the most severe status any of its tests gave it.
SEVERITY = ("failed", "error", "inconclusive", "passed", "not_claimed", "not_run")
CONFORMING, NONCONFORMING, INCOMPLETE = "conforming", "nonconforming", "incomplete"
INTERRUPTED = "interrupted"  # a limit of the run: a signal stopped it
STATUSES = (*SEVERITY, "known_deviation", "external")
# Statuses that mean the target was actually exercised on the requirement.
CHECKED = ("passed", "failed", "error", "inconclusive", "known_deviation")


@dataclass
class Finding:
    test: str
    status: str
    message: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RequirementResult:
    id: str
    status: str
    findings: list[Finding]
    note: str | None = None

    @property
    def tests(self) -> list[str]:
        return sorted({f.test for f in self.findings})


class RunResults:
    def __init__(
        self,
        catalogue: Catalogue,
        deviations: tuple[KnownDeviation, ...] = (),
        strict: bool = False,
    ) -> None:
        self.catalogue = catalogue
        self.deviations = {d.requirement: d for d in deviations}
        self.strict = strict  # a failed SHOULD counts like a failed MUST
        # Why the run may not have decided everything it claims: "interrupted", "selection: -k
        # delete", "time budget: ...". A selection makes the run partial.
        self.limits: list[str] = []
        self.partial = False
        self.blocking_limits = False  # a limit that alone keeps the run from being conforming
        self._findings: dict[str, list[Finding]] = {rid: [] for rid in catalogue.requirements}

    def limited_by(
        self, reason: str, partial: bool = False, blocks_conforming: bool = False
    ) -> None:
        """Records what kept the run from deciding every claimed requirement; with
        `blocks_conforming` (a harness error) the run is never conforming."""
        if reason not in self.limits:
            self.limits.append(reason)
        self.partial = self.partial or partial
        self.blocking_limits = self.blocking_limits or blocks_conforming

    def add(self, requirement_id: str, finding: Finding) -> None:
        self._findings.setdefault(requirement_id, []).append(finding)

    @property
    def has_findings(self) -> bool:
        return any(self._findings.values())

    def requirement_results(self, today: dt.date | None = None) -> list[RequirementResult]:
        today = today or dt.date.today()
        results = []
        for rid, findings in self._findings.items():
            statuses = {f.status for f in findings}
            status = next((s for s in SEVERITY if s in statuses), "not_run")
            note = None
            requirement = self.catalogue.requirements.get(rid)
            if status == "not_run" and requirement is not None and requirement.external:
                status, note = "external", requirement.external
            deviation = self.deviations.get(rid)
            if deviation is not None:
                if deviation.expired(today):
                    note = f"known deviation expired on {deviation.expires}: {deviation.link}"
                elif status == "failed":
                    status, note = "known_deviation", deviation.link
                elif status == "passed":
                    note = (
                        f"declared as a known deviation ({deviation.link}) but it passes: remove it"
                    )
            results.append(RequirementResult(rid, status, findings, note))
        return results

    def _binding(self, result: RequirementResult) -> bool:
        """Whether the requirement decides the verdict: every MUST, and SHOULD under --strict."""
        return self.strict or self.catalogue.requirements[result.id].level == "MUST"

    def verdict(self, today: dt.date | None = None) -> str:
        """The one rule, read as RFC 2119 and as the OpenID and OCI conformance suites grade:
        a failed binding requirement (every MUST; SHOULD too when strict) makes the target
        nonconforming, whatever else happened; otherwise the target is conforming only when
        every claimed binding requirement was checked and passed, and the run is incomplete
        when one was not decided (interrupted, budget spent, a selection, a harness error)."""
        binding = [r for r in self.requirement_results(today) if self._binding(r)]
        if any(r.status == "failed" for r in binding):
            return NONCONFORMING
        if self.undecided(today) or INTERRUPTED in self.limits or self.blocking_limits:
            return INCOMPLETE  # an interrupted run may not have cleaned up: never conforming
        return CONFORMING

    def undecided(self, today: dt.date | None = None) -> list[RequirementResult]:
        """Claimed binding requirements the run did not decide: error, inconclusive, not run.
        Unclaimed, external and known deviations are not claimed to be met."""
        return [
            r
            for r in self.requirement_results(today)
            if self._binding(r) and r.status in ("error", "inconclusive", "not_run")
        ]

    def warnings(self, today: dt.date | None = None) -> list[RequirementResult]:
        """Failed requirements that do not decide the verdict (SHOULD, when not strict)."""
        return [
            r
            for r in self.requirement_results(today)
            if r.status == "failed" and not self._binding(r)
        ]

    def level_summary(self, today: dt.date | None = None) -> dict[str, dict[str, int]]:
        """Per level: requirements per status, and how many passed of those checked."""
        summary: dict[str, dict[str, int]] = {}
        for result in self.requirement_results(today):
            level = self.catalogue.requirements[result.id].level
            counts = summary.setdefault(
                level, {"total": 0, "checked": 0, **dict.fromkeys(STATUSES, 0)}
            )
            counts["total"] += 1
            counts[result.status] += 1
            counts["checked"] += result.status in CHECKED
        return summary
