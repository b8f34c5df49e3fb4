"""The kill table: `make test`'s engine against every faulty and every conforming variant.

    python -m selftest.kill_table [--jobs 2] [--only SUBSTRING]

A fault counts as detected only when the run fails on one of its expected requirement ids; a
conforming variant counts as a false alarm when the run does not pass. Prints one row per
variant and `faults detected: K/N, false alarms: F/M`; exits 1 unless every fault is detected
and no variant raised a false alarm. Each variant is served in its own process on a free
127.0.0.1 port; runs use PROFILE=quick so the table fits in CI.

Conforming variants always get the whole engine: a false alarm can come from any suite. A fault
first meets the hand-written suites (a few seconds); only when they miss it does it get the whole
engine, property suite included. Adding suites to a run can only add failures, so a fault the
hand-written suites catch is caught by `make test` too; the `found by` column says which run
caught it, and `--whole-engine` runs every variant through everything.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from positions_harness.locations import REPO_ROOT

from .conforming_variants import VARIANTS
from .faults import FAULTS
from .support.harness_run import clean_environment, run_harness

SERVER_START_TIMEOUT = 20
TOKEN = "kill-table-token"
HAND_WRITTEN_SUITES = "suites/examples suites/behaviour"


@dataclass
class Row:
    name: str
    kind: str  # "fault" or "conforming"
    expected: frozenset[str]  # requirement ids a fault must fail; empty for conforming
    exit_code: int | None = None
    failed: frozenset[str] = frozenset()
    seconds: float = 0.0
    problem: str = ""
    found_by: str = ""  # "hand-written" or "whole engine": the run whose verdict counts

    @property
    def verdict(self) -> str:
        if self.problem:
            return "ERROR"
        if self.kind == "fault":
            return "detected" if self.exit_code == 1 and self.expected & self.failed else "MISSED"
        return "passed" if self.exit_code == 0 and not self.failed else "FALSE ALARM"

    @property
    def ok(self) -> bool:
        return self.verdict in ("detected", "passed")


def _serve(kind: str, name: str) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "selftest.serve_variant", kind, name],
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


def _judge(row: Row, url: str, suites: str) -> None:
    """Runs the harness (all suites when `suites` is empty) and records its verdict on `row`."""
    with tempfile.TemporaryDirectory(prefix="kill-table-") as folder:
        env = {"BASE_URL": url, "GRAPH_TOKEN": TOKEN, **({"PYTEST_ARGS": suites} if suites else {})}
        run = run_harness(Path(folder), env=env)
        row.exit_code, row.problem, row.failed = run.exit_code, "", frozenset()
        row.found_by = "hand-written" if suites else "whole engine"
        if len(run.report_dirs) != 1:
            row.problem = (run.stderr.strip() or run.stdout[-300:]).splitlines()[-1]
        else:
            row.failed = frozenset(run.failed())


def run_row(row: Row, whole_engine: bool = False) -> Row:
    started = time.monotonic()
    server = None
    try:
        server, url = _serve(row.kind, row.name)
        if row.kind == "fault" and not whole_engine:
            _judge(row, url, HAND_WRITTEN_SUITES)
        if row.kind == "conforming" or whole_engine or not row.ok:
            _judge(row, url, "")
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        row.problem = f"{type(exc).__name__}: {exc}"
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    row.seconds = time.monotonic() - started
    return row


def rows(only: str | None) -> list[Row]:
    table = [Row(n, "fault", f.expected_failures) for n, f in sorted(FAULTS.items())]
    table += [Row(n, "conforming", frozenset()) for n in sorted(VARIANTS)]
    return [r for r in table if only is None or only in r.name]


def render(table: list[Row]) -> str:
    lines = [
        f"{'variant':<40} {'expected':<34} {'verdict':<12} {'found by':<13} {'seconds':>7}  "
        "failed requirement ids"
    ]
    for row in table:
        expected = "fail: " + ", ".join(sorted(row.expected)) if row.expected else "pass"
        failed = ", ".join(sorted(row.failed)) or "-"
        lines.append(
            f"{row.name:<40} {expected[:34]:<34} {row.verdict:<12} "
            f"{row.found_by if row.kind == 'fault' else '-':<13} {row.seconds:>7.1f}  "
            f"{failed if not row.problem else row.problem}"
        )
    faults = [r for r in table if r.kind == "fault"]
    variants = [r for r in table if r.kind == "conforming"]
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
        "--whole-engine",
        action="store_true",
        help="run every fault through every suite, not the hand-written suites first",
    )
    args = parser.parse_args(argv)
    table = rows(args.only)
    if not table:
        print(f"kill table: no variant matches {args.only!r}.", file=sys.stderr)
        return 2
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        finished = list(pool.map(lambda row: run_row(row, args.whole_engine), table))
    print(render(finished))
    print(
        f"kill table: {len(finished)} runs in {time.monotonic() - started:.0f} s "
        f"with {args.jobs} at a time"
    )
    return 0 if all(r.ok for r in finished) else 1


if __name__ == "__main__":
    sys.exit(main())
