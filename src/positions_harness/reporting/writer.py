"""Writes a run's report folder: reports/<target>/<run-id>/ and the reports/latest link."""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from ..config.harness_config import HarnessConfig
from ..errors import HarnessError
from ..verdict.results import RunResults
from .document import build_document
from .html import render_html
from .markdown import render_markdown

SCHEMA_PATH = Path(__file__).with_name("schema") / "conformance.schema.json"
CONFORMANCE_JSON, CONFORMANCE_MD, CONFORMANCE_HTML = (
    "conformance.json",
    "conformance.md",
    "conformance.html",
)


@cache
def conformance_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_errors(document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        conformance_schema(), format_checker=jsonschema.FormatChecker()
    )
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"
        for e in validator.iter_errors(document)
    ]


def write_run_report(
    config: HarnessConfig,
    results: RunResults,
    *,
    base_url: str | None,
    started: dt.datetime,
    requests_sent: int | None = None,
) -> Path:
    """Writes conformance.json/.md/.html into the run's folder and, unless the run was partial,
    points reports/latest at it."""
    folder = config.report_dir
    folder.mkdir(parents=True, exist_ok=True)
    document = build_document(
        config,
        results,
        base_url=base_url,
        started=started,
        finished=dt.datetime.now(dt.UTC),
        requests_sent=requests_sent,
    )
    problems = schema_errors(document)
    if problems:
        raise HarnessError(f"the report does not match its schema (a harness bug): {problems[0]}")
    (folder / CONFORMANCE_JSON).write_text(
        json.dumps(document, indent=2, ensure_ascii=False),
        encoding="utf-8",
        errors="backslashreplace",
    )
    (folder / CONFORMANCE_MD).write_text(
        render_markdown(document), encoding="utf-8", errors="backslashreplace"
    )
    (folder / CONFORMANCE_HTML).write_text(
        render_html(document), encoding="utf-8", errors="backslashreplace"
    )
    if not results.partial:  # a narrowed run is kept, but is never taken for the latest verdict
        point_latest(config.reports_root, folder)
    return folder


def point_latest(root: Path, folder: Path) -> None:
    """Atomically repoints reports/latest at the newest run folder."""
    latest = root / "latest"
    temporary = root / f".latest-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(folder.relative_to(root), target_is_directory=True)
    os.replace(temporary, latest)
