"""The kill table: `make test`'s engine against every faulty, conforming and allowance variant.

    python -m selftest.kill_table [--jobs 2] [--only SUBSTRING] [--kind KIND ...]
                                  [--keep-reports DIR]

A fault counts as detected only when the run fails on one of its expected requirement ids; a
conforming or allowance variant counts as a false alarm when the run does not pass. Prints one
row per variant and `faults detected: K/N, false alarms: F/M` (M counts conforming and allowance
variants together); exits 1 unless every fault is detected and no variant raised a false alarm.
Each variant is served in its own process on a free 127.0.0.1 port. Faults run PROFILE=quick so
the table fits in CI; conforming and allowance variants run PROFILE=default, because a false
alarm hides as well in the cases only the longer profile generates (`make check` passes
`--passing-profile quick`: the same cases on every run, so CI is never red by chance).

Conforming and allowance variants always get the whole engine: a false alarm can come from any
suite. A fault first meets the hand-written suites (a few seconds); only when they miss it does
it get the whole engine, property suite included. Adding suites to a run can only add failures,
so a fault the hand-written suites catch is caught by `make test` too; the `found by` column
says which run caught it, and `--whole-engine` runs every variant through everything.
`--kind allowance` (repeatable) limits the table to one kind of variant; `--keep-reports DIR`
keeps every run's report for reading the failures of a false alarm.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from positions_harness.locations import REPO_ROOT

from .allowance_variants import ALLOWANCES
from .conforming_variants import VARIANTS
from .faults import FAULTS
from .support.harness_run import clean_environment, run_harness

SERVER_START_TIMEOUT = 20
TOKEN = "kill-table-token"
HAND_WRITTEN_SUITES = "suites/examples suites/behaviour"
KINDS = ("fault", "conforming", "allowance")
FAULT_PROFILE = "quick"
PASSING_PROFILE = "default"  # for the variants that must pass: conforming and allowance


@dataclass
class Row:
    name: str
    kind: str  # "fault", "conforming" or "allowance"
    expected: frozenset[str]  # requirement ids a fault must fail; empty for the others
    exit_code: int | None = None
    failed: frozenset[str] = frozenset()  # every failed requirement, MUST and SHOULD
    warnings: frozenset[str] = frozenset()  # the failed SHOULDs among them: warnings, exit 0
    seconds: float = 0.0
    problem: str = ""
    found_by: str = ""  # "hand-written" or "whole engine": the run whose verdict counts

    @property
    def verdict(self) -> str:
        if self.problem:
            return "ERROR"
        if self.kind == "fault":
            # Caught on a MUST, the run fails; caught on a SHOULD only, it is a warning every
            # report lists, and the run exits 0 (DESIGN.md: levels and the verdict).
            caught = self.expected & self.failed
            reported = self.exit_code == 1 or (self.exit_code == 0 and caught <= self.warnings)
            return "detected" if caught and reported else "MISSED"
        # A failed SHOULD is a warning (DESIGN.md): the run still passes, the row shows it.
        passed = self.exit_code == 0 and not self.failed - self.warnings
        return "passed" if passed else "FALSE ALARM"

    @property
    def ok(self) -> bool:
        return self.verdict in ("detected", "passed")


@dataclass(frozen=True)
class Settings:
    """How every row of one table runs."""

    whole_engine: bool = False  # every fault through every suite, not hand-written first
    keep: Path | None = None  # keep each run's report folder under keep/<kind>/<name>/
    passing_profile: str = PASSING_PROFILE
    workers: str = "auto"  # the harness's --workers
    latency_ms: float = 0.0  # added to every answer of the variant


def _serve(kind: str, name: str, latency_ms: float = 0.0) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [
            sys.executable,
            *("-m", "selftest.serve_variant", kind, name),
            *("--latency-ms", str(latency_ms)),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_environment(),
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    if not line.startswith("listening on "):
        server.kill()
        raise RuntimeError(f"variant server did not start (got {line!r})")
    return server, line.removeprefix("listening on ").strip()


def _judge(row: Row, url: str, suites: str, settings: Settings) -> None:
    """Runs the harness (all suites when `suites` is empty) and records its verdict on `row`."""
    with tempfile.TemporaryDirectory(prefix="kill-table-") as folder:
        env = {
            "BASE_URL": url,
            "GRAPH_TOKEN": TOKEN,
            "PROFILE": FAULT_PROFILE if row.kind == "fault" else settings.passing_profile,
            "WORKERS": settings.workers,
            **({"PYTEST_ARGS": suites} if suites else {}),
        }
        run = run_harness(Path(folder), env=env)
        keep = settings.keep
        if keep is not None and run.report_dirs:
            target = keep / row.kind / row.name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(run.report_dirs[-1], target)
        row.exit_code, row.problem = run.exit_code, ""
        row.failed = row.warnings = frozenset()
        row.found_by = "hand-written" if suites else "whole engine"
        if len(run.report_dirs) != 1:
            row.problem = (run.stderr.strip() or run.stdout[-300:]).splitlines()[-1]
        else:
            row.failed = frozenset(run.failed())
            row.warnings = frozenset(
                r["id"]
                for r in run.conformance["requirements"]
                if r["status"] == "failed" and r["level"] == "SHOULD"
            )


def run_row(row: Row, settings: Settings) -> Row:
    started = time.monotonic()
    server = None
    try:
        server, url = _serve(row.kind, row.name, settings.latency_ms)
        if row.kind == "fault" and not settings.whole_engine:
            _judge(row, url, HAND_WRITTEN_SUITES, settings)
        if row.kind != "fault" or settings.whole_engine or not row.ok:
            _judge(row, url, "", settings)
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        row.problem = f"{type(exc).__name__}: {exc}"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    row.seconds = time.monotonic() - started
    return row


def rows(only: str | None, kinds: Sequence[str] = KINDS) -> list[Row]:
    table = [Row(n, "fault", f.expected_failures) for n, f in sorted(FAULTS.items())]
    table += [Row(n, "conforming", frozenset()) for n in sorted(VARIANTS)]
    table += [Row(n, "allowance", frozenset()) for n in sorted(ALLOWANCES)]
    return [r for r in table if r.kind in kinds and (only is None or only in r.name)]


def render(table: list[Row]) -> str:
    lines = [
        f"{'variant':<40} {'expected':<34} {'verdict':<12} {'found by':<13} {'seconds':>7}  "
        "failed requirement ids"
    ]
    for row in table:
        expected = "fail: " + ", ".join(sorted(row.expected)) if row.expected else "pass"
        if row.kind == "allowance":
            expected = "pass (allowance)"
        failed = (
            ", ".join(f"{i} (SHOULD)" if i in row.warnings else i for i in sorted(row.failed))
            or "-"
        )
        lines.append(
            f"{row.name:<40} {expected[:34]:<34} {row.verdict:<12} "
            f"{row.found_by if row.kind == 'fault' else '-':<13} {row.seconds:>7.1f}  "
            f"{failed if not row.problem else row.problem}"
        )
    faults = [r for r in table if r.kind == "fault"]
    variants = [r for r in table if r.kind != "fault"]
    lines.append(
        f"faults detected: {sum(r.ok for r in faults)}/{len(faults)}, "
        f"false alarms: {sum(not r.ok for r in variants)}/{len(variants)}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="variants run at once (default 2)")
    parser.add_argument("--only", help="run only variants whose name contains this")
    parser.add_argument(
        "--kind",
        action="append",
        choices=KINDS,
        help="run only variants of this kind (repeatable; default: every kind)",
    )
    parser.add_argument(
        "--keep-reports",
        type=Path,
        metavar="DIR",
        help="keep each run's report folder as DIR/<kind>/<variant>/",
    )
    parser.add_argument(
        "--whole-engine",
        action="store_true",
        help="run every fault through every suite, not the hand-written suites first",
    )
    parser.add_argument(
        "--passing-profile",
        choices=("quick", "default", "nightly"),
        default=PASSING_PROFILE,
        help="profile of the variants that must pass (default: default; make check: quick, "
        "whose cases are the same on every run)",
    )
    parser.add_argument(
        "--workers",
        default="auto",
        help="the harness's --workers for every run (default auto: serial at 0 ms latency)",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="milliseconds each variant adds to every answer (a slow target; default 0)",
    )
    args = parser.parse_args(argv)
    settings = Settings(
        args.whole_engine, args.keep_reports, args.passing_profile, args.workers, args.latency_ms
    )
    table = rows(args.only, args.kind or KINDS)
    if not table:
        print(
            f"kill table: no variant of kind {', '.join(args.kind or KINDS)} matches "
            f"{args.only!r}.",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        finished = list(
            pool.map(
                lambda row: run_row(row, settings),
                table,
            )
        )
    print(render(finished))
    print(
        f"kill table: {len(finished)} runs in {time.monotonic() - started:.0f} s "
        f"with {args.jobs} at a time"
    )
    return 0 if all(r.ok for r in finished) else 1


if __name__ == "__main__":
    sys.exit(main())
