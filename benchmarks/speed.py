"""Prints what a run costs in wall time and requests, against a fast and a slow target, serial
and with the concurrency the run picks, beside the bare Schemathesis CLI.

    .venv/bin/python benchmarks/speed.py [--profiles quick default] [--latencies 0 300]
        [--skip-serial-above-ms X] [--rows serial chosen property st throttled]

Figures, not a test. Per latency (ms added to each response: the reference's --latency-ms)
and profile, a fresh bundled reference and these rows:

* harness, serial: `positions-harness run --workers 0`, every suite, as `make test` runs it;
* harness, chosen: --workers auto, the concurrency the run picks from the latency its preflight
  measured (it prints `workers: N`); property only, chosen: the same, on suites/property;
* st run --workers N: the Schemathesis CLI, same spec, server and settings (schemathesis.toml,
  checks, phases; going on after failures), N the chosen workers (at least 1); bare: no
  ledger, cleanup, report, verdict or engine-quirk filter;
* throttled, chosen (default profile, latency above 0): the chosen run against the same latency
  in `selftest.serve_variant allowance throttles-one-in-five-uncapped` (429, Retry-After: 1).

Requests: a harness run's in all transcript*.jsonl of its report folder (one per worker),
`generated` those with Schemathesis' X-Schemathesis-TestCaseId header; st run's in its HAR
report, `generated` from its summary. Hypothesis stops early when it runs out of new inputs and
st run sizes its stateful phase itself: compare time per generated case, not only wall time. A
harness without --workers (before issue #15) runs without it, showing `?` chosen workers.

The whole default bench takes about 25 minutes, most of it the serial default run at 300 ms
(--skip-serial-above-ms 0 leaves the serial rows out above 0 ms). Nightly runs its own budget.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from positions_harness.config.profiles import PROFILES
from positions_harness.locations import REPO_ROOT, SPEC_PATH
from positions_harness.property.check_requirements import STATEFUL_CHECKS
from positions_harness.property.schema import schemathesis_settings
from positions_harness.run.reference_process import BundledReference
from positions_reference.latency import latency_ms_argument

TOKEN = "bench-token"
TEST_CASE_HEADER = "x-schemathesis-testcaseid"
ST = Path(sys.executable).with_name("st")
ROWS = ("serial", "chosen", "property", "st", "throttled")
THROTTLED_VARIANT = ("allowance", "throttles-one-in-five-uncapped")


@dataclass
class Row:
    label: str
    seconds: float
    requests: int
    generated: int | None
    workers: str  # what the run chose or was given, "?" when it did not say
    outcome: str

    def ms_per_case(self) -> float | None:
        return self.seconds * 1000 / self.generated if self.generated else None


class Harness:
    """Runs `positions-harness run`; forgets --workers once the harness refuses it."""

    def __init__(self, target: Path, scratch: Path) -> None:
        self.target = target
        self.scratch = scratch
        self.knows_workers = True

    def run(self, label: str, url: str, profile: str, workers: str, suites: str = "") -> Row:
        folder = Path(tempfile.mkdtemp(prefix="run-", dir=self.scratch))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "POSITIONS_"))}
        env |= {"BASE_URL": url, "GRAPH_TOKEN": TOKEN, "PROFILE": profile, "PYTEST_ARGS": suites}
        env |= {"TARGET": str(self.target), "POSITIONS_REPORTS_ROOT": str(folder)}
        command = [sys.executable, "-m", "positions_harness", "run"]
        while True:
            option = ["--workers", workers] if self.knows_workers else []
            started = time.perf_counter()
            done = subprocess.run(
                command + option, cwd=REPO_ROOT, env=env, capture_output=True, text=True
            )
            seconds = time.perf_counter() - started
            said = done.stdout + done.stderr
            if not (option and "unrecognized arguments" in said and "--workers" in said):
                break
            self.knows_workers = False
            print("  (this harness has no --workers option: runs without it)", flush=True)
        exchanges = [  # one JSON document per "\n"; splitlines() would also cut at U+2028
            json.loads(line)
            for path in folder.rglob("transcript*.jsonl")
            for line in path.read_text(encoding="utf-8").split("\n")
            if line.strip()
        ]
        generated = sum(TEST_CASE_HEADER in map(str.lower, e["request_headers"]) for e in exchanges)
        chosen = re.search(r"workers: (\d+)", said)
        verdict = re.search(r"verdict: (\w+)", done.stdout)
        outcome = f"exit {done.returncode}, {verdict.group(1) if verdict else 'no verdict'}"
        shown = chosen.group(1) if chosen else ("0" if workers == "0" else "?")
        return Row(label, seconds, len(exchanges), generated, shown, outcome)


def to_toml(settings: dict[str, Any]) -> str:
    """schemathesis.toml for the settings: one `key = value` line per top-level key, inline."""

    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int | float):
            return str(item)
        if isinstance(item, str):
            return json.dumps(item)
        if isinstance(item, list | tuple):
            return "[" + ", ".join(value(v) for v in item) + "]"
        return "{ " + ", ".join(f"{json.dumps(k)} = {value(v)}" for k, v in item.items()) + " }"

    return "".join(f"{json.dumps(key)} = {value(item)}\n" for key, item in settings.items())


def run_st(url: str, profile: str, workers: int, max_time: float | None, folder: Path) -> Row:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    user = requests.get(f"{url}/me", headers=auth, timeout=30)
    body = {"detail": {"jobTitle": "st run"}}
    position = requests.post(f"{url}/me/profile/positions", json=body, headers=auth, timeout=30)
    parameters = {"user-id": user.json()["id"], "workPosition-id": position.json()["id"]}
    settings = schemathesis_settings(PROFILES[profile], url, parameters, seed=1)
    settings["headers"] = auth
    config = folder / "schemathesis.toml"
    config.write_text(to_toml(settings), encoding="utf-8")
    command = [
        *(str(ST), "--config-file", str(config), "--no-color", "run", str(SPEC_PATH)),
        *("--url", url, "--workers", str(workers)),
        # Like the harness, keep generating after a failure (by default st run stops testing
        # an operation at its first failure, and it fails on checks the harness filters).
        *("--continue-on-failure", "--checks", ",".join(STATEFUL_CHECKS)),
        *("--phases", ",".join(PROFILES[profile].phases)),
        *("--report", "har", "--report-dir", str(folder)),
        *(["--max-time", str(int(max_time))] if max_time else []),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    entries = sum(
        len(json.loads(p.read_text(encoding="utf-8"))["log"]["entries"])
        for p in folder.glob("har-*.json")
    )
    cases = re.search(r"(\d+) generated", done.stdout)
    failures = re.search(r"(\d+) (?:unique )?failures?", done.stdout)
    outcome = f"exit {done.returncode}" + (f", {failures.group(1)} failures" if failures else "")
    generated = int(cases.group(1)) if cases else None
    return Row(f"st run --workers {workers}", seconds, entries, generated, str(workers), outcome)


@contextlib.contextmanager
def variant_server(latency_ms: float) -> Iterator[str]:
    """Serves the throttling variant with the latency and yields the URL it announces."""
    command = [sys.executable, "-m", "selftest.serve_variant", *THROTTLED_VARIANT]
    command += ["--latency-ms", str(latency_ms)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the throttling variant did not start (it said {line!r})")
        yield line.removeprefix("listening on ").strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def ratio(numerator: float | None, denominator: float | None) -> str:
    return f"{numerator / denominator:.2f}x" if numerator and denominator else "?"


def print_table(rows: dict[str, Row]) -> None:
    print(
        f"  {'':<26}{'workers':>8}{'wall s':>9}{'requests':>10}{'generated':>11}"
        f"{'ms/generated':>14}  outcome"
    )
    for row in rows.values():
        generated = "?" if row.generated is None else str(row.generated)
        per_case = row.ms_per_case()
        print(
            f"  {row.label:<26}{row.workers:>8}{row.seconds:>9.1f}{row.requests:>10}"
            f"{generated:>11}{'' if per_case is None else f'{per_case:.1f}':>14}  {row.outcome}"
        )
    serial, chosen = rows.get("serial"), rows.get("chosen")
    prop, bare, throttled = rows.get("property"), rows.get("st"), rows.get("throttled")
    if serial and chosen:
        print(f"  chosen speed-up over serial: {ratio(serial.seconds, chosen.seconds)}")
    if prop and bare:
        print(
            f"  property only vs st run: {ratio(prop.seconds, bare.seconds)} the time, "
            f"{ratio(prop.ms_per_case(), bare.ms_per_case())} the time per generated case"
        )
    if throttled and chosen:
        print(f"  throttled vs unthrottled: {ratio(throttled.seconds, chosen.seconds)} the time")
    print(flush=True)


def bench(
    args: argparse.Namespace, harness: Harness, latency: float, profile: str
) -> dict[str, Row]:
    settings = PROFILES[profile]
    print(
        f"latency {latency:g} ms, profile {profile}: {settings.max_examples} random cases per "
        f"operation, coverage {settings.coverage_scope}, {settings.stateful_scenarios} "
        f"sequences, property budget {settings.time_budget_seconds:.0f} s",
        flush=True,
    )
    wanted = set(args.rows)
    skip = args.skip_serial_above_ms
    if "serial" in wanted and skip is not None and latency > skip:
        print(f"  (serial skipped: {latency:g} ms is above --skip-serial-above-ms {skip:g})")
        wanted.discard("serial")
    rows: dict[str, Row] = {}
    reference = BundledReference(latency_ms=latency)
    url = reference.start()
    try:
        if "serial" in wanted:
            rows["serial"] = harness.run("harness, serial", url, profile, "0")
        if "chosen" in wanted:
            rows["chosen"] = harness.run("harness, chosen", url, profile, "auto")
        if "property" in wanted:
            rows["property"] = harness.run(
                "property only, chosen", url, profile, "auto", "suites/property"
            )
        if "st" in wanted:  # as many workers as the run chose (property only, else whole)
            chosen = [r.workers for k, r in rows.items() if k != "serial" and r.workers.isdigit()]
            workers = max(1, int(chosen[-1])) if chosen else 1
            budget = settings.time_budget_seconds if profile == "nightly" else None
            folder = Path(tempfile.mkdtemp(prefix="st-", dir=harness.scratch))
            rows["st"] = run_st(url, profile, workers, budget, folder)
    finally:
        reference.stop()
    if "throttled" in wanted and latency > 0 and profile == "default":
        with variant_server(latency) as throttled_url:
            rows["throttled"] = harness.run(
                "throttled 1 in 5, chosen", throttled_url, profile, "auto"
            )
    print_table(rows)
    return rows


def print_requests(runs: dict[tuple[float, str], dict[str, Row]]) -> None:
    """Requests sent by each row, one column per latency and profile."""
    print("requests sent")
    print(f"  {'':<26}" + "".join(f"{f'{lat:g} ms {pro}':>16}" for lat, pro in runs))
    for key in ROWS:
        labels = [rows[key].label for rows in runs.values() if key in rows]
        if labels:
            # The st row's label names its workers, which differ by column: say "N" instead.
            label = re.sub(r"--workers \d+", "--workers N", labels[0])
            cells = [str(rows[key].requests) if key in rows else "-" for rows in runs.values()]
            print(f"  {label:<26}" + "".join(f"{cell:>16}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", nargs="+", default=["quick", "default"], choices=PROFILES)
    parser.add_argument("--latencies", nargs="+", type=latency_ms_argument, default=[0.0, 300.0])
    parser.add_argument("--skip-serial-above-ms", type=float, default=None, metavar="X")
    parser.add_argument("--rows", nargs="+", default=list(ROWS), choices=ROWS)
    args = parser.parse_args()
    print(f"command: {shlex.join(['.venv/bin/python', 'benchmarks/speed.py', *sys.argv[1:]])}")
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}\n",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        target = Path(scratch) / "bench-target.yaml"
        target.write_text(
            "name: bench-reference\nlimits: {request_budget: 10000000}\n", encoding="utf-8"
        )
        harness = Harness(target, Path(scratch))
        runs = {
            (latency, profile): bench(args, harness, latency, profile)
            for latency in args.latencies
            for profile in args.profiles
        }
    print_requests(runs)


if __name__ == "__main__":
    main()
