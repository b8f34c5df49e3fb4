"""One process's connection to the target: reference start, client, preflight, cleanup."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

import requests

from ..checks.allowances import GONE_AFTER_DELETE
from ..checks.positions_api import TargetUser
from ..config.harness_config import HarnessConfig
from ..errors import BudgetExhausted
from ..transport.client import GraphClient
from ..transport.ledger import CleanupLedger, LedgerEntry
from ..transport.pacing import Pacer
from ..transport.redaction import Redactor
from ..transport.safety import NotClaimed, SafetyPolicy, run_tag
from ..transport.transcript import Transcript
from .preflight import preflight
from .reference_process import BundledReference
from .sweep import COLLECTION, sweep


@dataclass
class CleanupReport:
    deleted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class HarnessSession:
    """Opens the target for a run and leaves nothing behind when closed."""

    def __init__(self, config: HarnessConfig) -> None:
        self.config = config
        self.reference: BundledReference | None = None
        self.client: GraphClient | None = None
        self.user = TargetUser(None, None)

    @property
    def tag_id(self) -> str:
        """The run id in the tag of what this process creates. Each pytest-xdist worker tags its
        own, so that its end-of-run sweep leaves the positions other workers still use alone
        (the trailing dot keeps gw1's sweep off gw10's); `sweep RUN_ID` still finds them all."""
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        return f"{self.config.run_id}.{worker}." if worker else self.config.run_id

    def open(self) -> HarnessSession:
        if self.config.uses_bundled_reference:
            self.reference = BundledReference()
            self.config = self.config.with_base_url(self.reference.start())
        assert self.config.base_url is not None
        redactor = Redactor([self.config.token.reveal()])
        limits = self.config.target.limits
        self.client = GraphClient(
            self.config.base_url,
            self.config.token,
            limits=limits,
            ledger=CleanupLedger(),
            transcript=Transcript(redactor, token_variable=self.config.target.token_env),
            safety=SafetyPolicy(read_only=self.config.target.read_only, tag=run_tag(self.tag_id)),
            pacer=Pacer.for_run(limits.request_budget, limits.rate_limit_per_second),
        )
        try:
            self.user = preflight(self.client, self.config.user_id, self.config.user_upn)
            self._protect_existing_positions()
        except BaseException:
            self.close()
            raise
        return self

    def _protect_existing_positions(self) -> None:
        """Lists the positions that exist before the run; the client will never change them."""
        assert self.client is not None
        # An unusable list is the suites' finding to report, not the session's.
        with contextlib.suppress(requests.RequestException, BudgetExhausted):
            self.client.get("/me/profile/positions")  # the client protects every id it sees

    def delete_created(self, entries: list[LedgerEntry]) -> CleanupReport:
        """Deletes these positions of the run's; reports what could not be deleted (those stay
        in the ledger for the end-of-run cleanup)."""
        report = CleanupReport()
        assert self.client is not None
        for entry in entries:
            try:
                response = self.client.delete(entry.item_path)
            except (requests.RequestException, BudgetExhausted) as exc:
                report.problems.append(f"{entry.item_path}: {type(exc).__name__}")
                continue
            status = response.status_code
            if 200 <= status < 300 or status in GONE_AFTER_DELETE:
                self.client.ledger.forget(entry.position_id)
                report.deleted.append(entry.item_path)
            else:
                report.problems.append(f"{entry.item_path}: DELETE answered {status}")
        return report

    def cleanup(self) -> CleanupReport:
        """Deletes every position in the ledger; reports what could not be deleted."""
        if self.client is None:
            return CleanupReport()
        report = self.delete_created(self.client.ledger.entries())
        # A create whose answer never arrived (Ctrl-C, a timeout) is not in the ledger, but it
        # carries this run's tag: sweep for it too.
        try:
            swept = sweep(self.client, self.tag_id)
        except (requests.RequestException, BudgetExhausted, NotClaimed) as exc:
            report.problems.append(f"tag sweep: {type(exc).__name__}")
        else:
            report.deleted += [f"{COLLECTION}/{position_id}" for position_id in swept.deleted]
            report.problems += swept.problems
        return report

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.reference is not None:
            self.reference.stop()
            self.reference = None
