"""Writes a run's report folder: reports/<target>/<run-id>/ and the reports/latest link."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from . import __version__
from .config import HarnessConfig
from .locations import REPO_ROOT, SPEC_PATH
from .results import RunResults

CONFORMANCE_FILE = "conformance.json"


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def conformance_document(
    config: HarnessConfig, results: RunResults, base_url: str | None
) -> dict[str, Any]:
    catalogue = results.catalogue
    requirements = []
    for result in results.requirement_results():
        requirement = catalogue[result.id]
        requirements.append(
            {
                "id": result.id,
                "level": requirement.level,
                "area": requirement.area,
                "statement": requirement.statement,
                "source": requirement.source,
                "doc_url": requirement.doc_url,
                "status": result.status,
                "note": result.note,
                "tests": result.tests,
                "failures": [
                    {
                        "test": f.test,
                        "status": f.status,
                        "message": f.message,
                        "evidence": f.evidence,
                    }
                    for f in result.findings
                    if f.status in ("failed", "error", "inconclusive")
                ],
            }
        )
    return {
        "harness": {
            "version": __version__,
            "commit": _git_commit(),
            "python": platform.python_version(),
        },
        "target": {
            "name": config.target.name,
            "base_url": base_url,
            "bundled_reference": config.uses_bundled_reference,
        },
        "run_id": config.run_id,
        "profile": config.profile,
        "spec_sha256": hashlib.sha256(SPEC_PATH.read_bytes()).hexdigest(),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "verdict": results.verdict(),
        "summary": results.level_summary(),
        "requirements": requirements,
    }


def write_run_report(config: HarnessConfig, results: RunResults, base_url: str | None) -> Path:
    folder = config.report_dir
    folder.mkdir(parents=True, exist_ok=True)
    document = conformance_document(config, results, base_url)
    (folder / CONFORMANCE_FILE).write_text(
        json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    _point_latest(config.reports_root, folder)
    return folder


def _point_latest(root: Path, folder: Path) -> None:
    latest = root / "latest"
    temporary = root / f".latest-{os.getpid()}"
    try:
        if temporary.is_symlink() or temporary.exists():
            temporary.unlink()
        temporary.symlink_to(folder.relative_to(root), target_is_directory=True)
        os.replace(temporary, latest)
    except OSError:
        pass  # a missing convenience link is not worth failing a run for
