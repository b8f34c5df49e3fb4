"""Prints what the property phase costs per profile, and the bare Schemathesis CLI beside it.

    .venv/bin/python benchmarks/property_phase.py [--profiles quick default nightly]
                                                  [--nightly-budget 60]

Figures, not a test. One bundled reference runs for the whole benchmark. Per profile:

* harness, serial and with -n 2: `positions-harness run` on suites/property, as `make test`
  runs it (wall time of the whole command, requests in the run's transcript, generated
  requests among them: those carrying Schemathesis' X-Schemathesis-TestCaseId header);
* st run: the bare Schemathesis CLI on the same spec and server, with the same settings (the
  profile's schemathesis.toml, the same checks, one worker, continuing after failures), its
  requests counted in its HAR report and its test cases in its summary. It has no harness
  around it: no ledger or cleanup, no transcript or report, no requirement verdicts and no
  engine-quirk filter (so it reports failures the harness settles as allowed).

The nightly profile is bounded by time (30 minutes); the benchmark cuts its budget to
--nightly-budget seconds and gives `st run` the same limit (--max-time).

Both run Schemathesis with the same settings, but not to the same count: Hypothesis stops an
operation early when it runs out of new inputs, st run's stateful phase sizes itself, and the
harness also pins path parameters to real data. So beside the wall times the table gives the
time per generated request ("ms/generated"), the like-for-like figure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from positions_harness.config.profiles import PROFILES, property_profile
from positions_harness.locations import REPO_ROOT, SPEC_PATH
from positions_harness.property.check_requirements import STATEFUL_CHECKS
from positions_harness.property.schema import schemathesis_settings
from positions_harness.run.reference_process import BundledReference

TOKEN = "bench-token"
TEST_CASE_HEADER = "x-schemathesis-testcaseid"
ST = Path(sys.executable).with_name("st")


@dataclass
class Measurement:
    label: str
    seconds: float
    requests: int
    generated: int | None
    outcome: str


def run_harness(url: str, profile: str, target: Path, folder: Path, *extra: str) -> Measurement:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "POSITIONS_"))},
        "BASE_URL": url,
        "GRAPH_TOKEN": TOKEN,
        "PROFILE": profile,
        "TARGET": str(target),
        "PYTEST_ARGS": " ".join(("suites/property", *extra)),
        "POSITIONS_REPORTS_ROOT": str(folder),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "positions_harness", "run"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    exchanges = [  # one JSON document per "\n"; splitlines() would also cut at U+2028 in text
        json.loads(line)
        for path in folder.rglob("transcript*.jsonl")
        for line in path.read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    generated = sum(
        1 for e in exchanges if any(h.lower() == TEST_CASE_HEADER for h in e["request_headers"])
    )
    verdict = re.search(r"verdict: (\w+)", done.stdout)
    outcome = f"exit {done.returncode}, {verdict.group(1) if verdict else 'no verdict'}"
    label = "harness" + (f" {' '.join(extra)}" if extra else ", serial")
    return Measurement(label, seconds, len(exchanges), generated, outcome)


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


def run_st(url: str, profile: str, max_time: float | None, folder: Path) -> Measurement:
    user = requests.get(f"{url}/me", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    position = requests.post(
        f"{url}/me/profile/positions",
        json={"detail": {"jobTitle": "st run"}},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    parameters = {"user-id": user.json()["id"], "workPosition-id": position.json()["id"]}
    settings = schemathesis_settings(PROFILES[profile], url, parameters, seed=1)
    settings["headers"] = {"Authorization": f"Bearer {TOKEN}"}
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "schemathesis.toml"
    config.write_text(to_toml(settings), encoding="utf-8")
    command = [
        str(ST),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        str(SPEC_PATH),
        "--url",
        url,
        "--workers",
        "1",
        # Like the harness, keep generating after a failure (by default st run stops testing
        # an operation at its first failure, and it fails on checks the harness filters).
        "--continue-on-failure",
        "--checks",
        ",".join(STATEFUL_CHECKS),
        "--phases",
        ",".join(PROFILES[profile].phases),
        "--report",
        "har",
        "--report-dir",
        str(folder),
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
    outcome = f"exit {done.returncode}" + (
        f", {failures.group(1)} failures reported" if failures else ""
    )
    generated = int(cases.group(1)) if cases else None
    return Measurement("st run, 1 worker", seconds, entries, generated, outcome)


def target_file(folder: Path, nightly_budget: float) -> Path:
    path = folder / "bench-target.yaml"
    path.write_text(
        "name: bench-reference\n"
        f"property:\n  nightly: {{time_budget_seconds: {nightly_budget}}}\n"
        "limits: {request_budget: 10000000}\n",
        encoding="utf-8",
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", nargs="+", default=list(PROFILES), choices=list(PROFILES))
    parser.add_argument("--nightly-budget", type=float, default=60.0)
    args = parser.parse_args()
    reference = BundledReference()
    url = reference.start()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            target = target_file(root, args.nightly_budget)
            print(f"reference at {url}; {os.cpu_count()} CPUs\n")
            for profile in args.profiles:
                settings = property_profile(
                    profile, {"nightly": {"time_budget_seconds": args.nightly_budget}}
                )
                budget = settings.time_budget_seconds
                print(
                    f"profile {profile}: {settings.max_examples} random cases per operation, "
                    f"phases {', '.join(settings.phases)}, coverage {settings.coverage_scope}, "
                    f"{settings.stateful_scenarios} sequences, budget {budget:.0f} s"
                )
                rows = [
                    run_harness(url, profile, target, root / f"{profile}-serial"),
                    run_harness(url, profile, target, root / f"{profile}-n2", "-n", "2"),
                    run_st(
                        url,
                        profile,
                        budget if profile == "nightly" else None,
                        root / f"{profile}-st",
                    ),
                ]
                bare = rows[-1]
                print(
                    f"  {'':<20}{'wall s':>8}{'requests':>10}{'generated':>11}"
                    f"{'ms/generated':>14}{'time vs st':>12}{'per case vs st':>16}  outcome"
                )
                for row in rows:
                    generated = "?" if row.generated is None else str(row.generated)
                    per_case = row.seconds * 1000 / row.generated if row.generated else None
                    bare_per_case = bare.seconds * 1000 / bare.generated if bare.generated else None
                    relative = (
                        f"{per_case / bare_per_case:>15.2f}x" if per_case and bare_per_case else ""
                    )
                    print(
                        f"  {row.label:<20}{row.seconds:>8.1f}{row.requests:>10}{generated:>11}"
                        f"{per_case or 0:>14.1f}{row.seconds / bare.seconds:>11.2f}x{relative}"
                        f"  {row.outcome}"
                    )
                serial, parallel = rows[0].seconds, rows[1].seconds
                print(f"  -n 2 speed-up over serial: {serial / parallel:.2f}x\n")
    finally:
        reference.stop()


if __name__ == "__main__":
    main()
