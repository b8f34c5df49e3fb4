"""`positions-harness sweep`: delete the positions earlier runs left behind, found by their tag.

Only positions whose categories carry a harness run tag are touched; everything else on the
target is left exactly as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..transport.client import GraphClient
from ..transport.safety import RUN_TAG_PREFIX, run_tag, tagged_ids

COLLECTION = "/me/profile/positions"
MAX_PAGES = 100


@dataclass
class SweepReport:
    found: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def list_all(client: GraphClient, collection: str) -> list[Any]:
    """Every position of the collection, following @odata.nextLink on the same service only."""
    positions: list[Any] = []
    path: str | None = collection
    for _ in range(MAX_PAGES):
        if path is None:
            break
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        body = response.json()
        positions += body.get("value") or []
        next_link = body.get("@odata.nextLink")
        path = (
            next_link[len(client.base_url) :]
            if isinstance(next_link, str) and next_link.startswith(client.base_url + "/")
            else None
        )
    return positions


def sweep(client: GraphClient, run_id: str | None = None, dry_run: bool = False) -> SweepReport:
    report = SweepReport()
    prefix = run_tag(run_id) if run_id else RUN_TAG_PREFIX
    try:
        report.found = tagged_ids(list_all(client, COLLECTION), prefix)
    except (RuntimeError, ValueError) as exc:
        report.problems.append(f"cannot list {COLLECTION}: {exc}")
        return report
    for position_id in report.found:
        if dry_run:
            continue
        client.ledger.record(COLLECTION, position_id)  # adopt it: a harness leftover by its tag
        response = client.delete(f"{COLLECTION}/{position_id}")
        if response.status_code in (204, 404):
            report.deleted.append(position_id)
        else:
            report.problems.append(f"{position_id}: DELETE answered {response.status_code}")
    return report
