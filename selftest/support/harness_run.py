"""Running `positions-harness run` (the engine of `make test`) as a user would, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from positions_harness.locations import REPO_ROOT

RUN_TIMEOUT = 300


@dataclass
class HarnessRun:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    reports_root: Path

    @property
    def report_dirs(self) -> list[Path]:
        return sorted(p.parent for p in self.reports_root.glob("*/*/conformance.json"))

    @property
    def conformance(self) -> dict[str, Any]:
        (folder,) = self.report_dirs
        return json.loads((folder / "conformance.json").read_text(encoding="utf-8"))

    def statuses(self) -> dict[str, str]:
        return {r["id"]: r["status"] for r in self.conformance["requirements"]}

    def failed(self) -> set[str]:
        return {rid for rid, status in self.statuses().items() if status == "failed"}

    def leaks(self, secret: str) -> list[str]:
        """Where `secret` appears: "stdout", "stderr" or a written file, with some context."""
        places = [("stdout", self.stdout), ("stderr", self.stderr)]
        places += [
            (str(p), p.read_text(encoding="utf-8", errors="replace"))
            for p in self.reports_root.rglob("*")
            if p.is_file()
        ]
        return [
            f"{name}: ...{text[max(0, text.index(secret) - 200) : text.index(secret)]}"
            for name, text in places
            if secret in text
        ]

    def all_output(self) -> str:
        """Everything the run printed and wrote, for secret greps."""
        files = [p for p in self.reports_root.rglob("*") if p.is_file()]
        written = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
        return "\n".join((self.stdout, self.stderr, written))


HARNESS_VARIABLES = (
    "BASE_URL",
    "GRAPH_",
    "TARGET",
    "PROFILE",
    "PYTEST",
    "POSITIONS_",
    "STRICT",
    "WORKERS",
)


def clean_environment() -> dict[str, str]:
    """This process's environment without anything that configures a harness run."""
    return {k: v for k, v in os.environ.items() if not k.startswith(HARNESS_VARIABLES)}


def run_harness(
    tmp_path: Path,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    command: str = "run",
) -> HarnessRun:
    """Runs the harness CLI with a clean environment plus `env`; reports go under tmp_path."""
    reports_root = tmp_path / "reports"
    clean = clean_environment()
    # Selftests run the quick profile (deterministic, seconds) unless a test names another.
    clean.update({"POSITIONS_REPORTS_ROOT": str(reports_root), "PROFILE": "quick", **(env or {})})
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "positions_harness", command, *args],
        cwd=REPO_ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    return HarnessRun(
        completed.returncode,
        completed.stdout,
        completed.stderr,
        time.monotonic() - started,
        reports_root,
    )


def assert_one_plain_sentence(run: HarnessRun) -> None:
    """The run ended with exactly one sentence on stderr, and no traceback anywhere."""
    message = run.stderr.strip()
    assert "Traceback" not in run.stdout + run.stderr
    assert len(message.splitlines()) == 1, message
    assert message.startswith("positions-harness: ") and message.endswith("."), message
