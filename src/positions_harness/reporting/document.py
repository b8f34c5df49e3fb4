"""The machine-readable result of one run (conformance.json), organised by requirement."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..config.harness_config import HarnessConfig
from ..locations import REPO_ROOT, SPEC_PATH
from ..verdict.results import RunResults
from ..versions import installed_engines
from .request_counts import requests_by_purpose, requests_per_test

SCHEMA_VERSION = 1
FAILING = ("failed", "error", "inconclusive", "known_deviation")


@cache
def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _cleanup_summary(folder: Path) -> dict[str, Any]:
    deleted, problems = 0, []
    for path in sorted(folder.glob("cleanup*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            problems.append(f"{path.name} is unreadable")
            continue
        deleted += len(data.get("deleted", []))
        problems += data.get("problems", [])
    return {"deleted": deleted, "problems": problems}


def _failure(finding: Any, statement: str) -> dict[str, Any]:
    return {
        "test": finding.test,
        "status": finding.status,
        "expected": statement,
        "observed": finding.message or "",
        "evidence": finding.evidence,
    }


def build_document(
    config: HarnessConfig,
    results: RunResults,
    *,
    base_url: str | None,
    started: dt.datetime,
    finished: dt.datetime,
    requests_sent: int | None = None,
) -> dict[str, Any]:
    catalogue = results.catalogue
    per_test = requests_per_test(config.report_dir)
    requirements = []
    for result in results.requirement_results(finished.date()):
        requirement = catalogue[result.id]
        requirements.append(
            {
                "id": result.id,
                "level": requirement.level,
                "area": requirement.area,
                "feature": requirement.feature,
                "statement": requirement.statement,
                "source": requirement.source,
                "doc_url": requirement.doc_url,
                "status": result.status,
                "note": result.note,
                "tests": result.tests,
                "requests": sum(per_test.get(test, 0) for test in result.tests),
                "failures": [
                    _failure(f, requirement.statement)
                    for f in result.findings
                    if f.status in FAILING[:3]
                ],
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "harness": {
            "version": __version__,
            "commit": git_commit(),
            "python": platform.python_version(),
            "engines": installed_engines(),
        },
        "target": {
            "name": config.target.name,
            "base_url": base_url,
            "bundled_reference": config.uses_bundled_reference,
        },
        "run": {
            "id": config.run_id,
            "profile": config.profile,
            "started": started.isoformat(timespec="seconds"),
            "finished": finished.isoformat(timespec="seconds"),
            "duration_seconds": round((finished - started).total_seconds(), 1),
            "requests_sent": requests_sent,
            "requests_by_purpose": requests_by_purpose(per_test),
        },
        "spec": {
            "path": str(SPEC_PATH.relative_to(REPO_ROOT)),
            "sha256": hashlib.sha256(SPEC_PATH.read_bytes()).hexdigest(),
        },
        "verdict": results.verdict(finished.date()),
        "strict": results.strict,
        "partial": results.partial,
        "limits": list(results.limits),
        "undecided": [r.id for r in results.undecided(finished.date())],
        "warnings": [r.id for r in results.warnings(finished.date())],
        "summary": results.level_summary(finished.date()),
        "requirements": requirements,
        "doc_defects": [
            {
                "id": d.id,
                "contradiction": d.contradiction,
                "decision": d.decision,
                "source": d.source,
                "affects": d.affects,
            }
            for d in catalogue.doc_defects.values()
        ],
        "cleanup": _cleanup_summary(config.report_dir),
    }
