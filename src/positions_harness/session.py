"""One process's connection to the target: reference start, client, preflight, cleanup."""

from __future__ import annotations

from dataclasses import dataclass, field

import requests

from .client import GraphClient
from .config import HarnessConfig
from .errors import BudgetExhausted
from .ledger import CleanupLedger
from .preflight import TargetUser, preflight
from .redaction import Redactor
from .reference_process import BundledReference
from .transcript import Transcript


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

    def open(self) -> HarnessSession:
        if self.config.uses_bundled_reference:
            self.reference = BundledReference()
            self.config = self.config.with_base_url(self.reference.start())
        assert self.config.base_url is not None
        redactor = Redactor([self.config.token.reveal()])
        self.client = GraphClient(
            self.config.base_url,
            self.config.token,
            limits=self.config.target.limits,
            ledger=CleanupLedger(),
            transcript=Transcript(redactor),
        )
        try:
            self.user = preflight(self.client, self.config.user_id, self.config.user_upn)
        except BaseException:
            self.close()
            raise
        return self

    def cleanup(self) -> CleanupReport:
        """Deletes every position in the ledger; reports what could not be deleted."""
        report = CleanupReport()
        if self.client is None:
            return report
        for entry in self.client.ledger.entries():
            try:
                response = self.client.delete(entry.item_path)
            except (requests.RequestException, BudgetExhausted) as exc:
                report.problems.append(f"{entry.item_path}: {type(exc).__name__}")
                continue
            if response.status_code in (204, 404):
                self.client.ledger.forget(entry.position_id)
                report.deleted.append(entry.item_path)
            else:
                report.problems.append(f"{entry.item_path}: DELETE answered {response.status_code}")
        return report

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.reference is not None:
            self.reference.stop()
            self.reference = None
