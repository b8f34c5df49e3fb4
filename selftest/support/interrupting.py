"""Interrupting a harness run with SIGINT at a chosen moment, as a user's Ctrl-C does.

    python -m selftest.support.interrupting [--tries 10]

prints, per moment, how many tries ended with exit 4, an `incomplete` report and no position
left on the target (the figures for the closing note of the signals work).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from positions_harness.locations import REPO_ROOT
from positions_reference import ReferenceServer, create_app

from .harness_run import clean_environment

TOKEN = "tok-selftest-interrupt"
RUN_TIMEOUT = 120
# When to send SIGINT: once the run's output shows a marker, or after some seconds (the figure
# the issue reported; a machine fast enough to finish a run sooner would not be interrupted, so
# the selftests use the markers only).
MOMENTS: dict[str, float | str] = {
    "as-the-first-tests-run": "suites/behaviour/",
    "at-the-start-of-the-property-phase": "suites/property/",
    "during-cleanup": "cleanup: deleting",
}
TIMED_MOMENTS: dict[str, float | str] = {"after-1.5-s": 1.5}
# With several xdist workers the output names no test; the signal goes when the target holds
# this many positions of the run's (so workers are in the middle of their tests).
HOLDING_POSITIONS = 3
WHILE_WORKERS_HOLD_POSITIONS = "while-workers-hold-positions"
SLOW_SECONDS = 0.5


class SlowOnDemand:
    """The reference, answering every request after `seconds` once `slow` is set (when the
    signal is sent): it keeps requests in flight when the signal comes, and makes the cleanup
    as slow as a distant service's."""

    def __init__(self, app: Any, seconds: float = SLOW_SECONDS) -> None:
        self.app = app
        self.seconds = seconds
        self.slow = threading.Event()
        self.creates_after_signal = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.slow.is_set():
            self.creates_after_signal += environ.get("REQUEST_METHOD") == "POST"
            time.sleep(self.seconds)
        return self.app(environ, start_response)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


@dataclass
class Interrupted:
    exit_code: int
    verdict: str | None
    positions_left: int
    output: str
    creates_after_signal: int = 0

    @property
    def as_promised(self) -> bool:
        return self.exit_code == 4 and self.verdict == "incomplete" and self.positions_left == 0


def interrupt_run(
    reports_root: Path,
    moment: str,
    workers: int = 0,
    slow_seconds: float = SLOW_SECONDS,
    to_group: bool | None = None,
) -> Interrupted:
    """Runs the harness against a fresh reference and sends SIGINT at `moment`, after which
    every answer takes `slow_seconds`. With `workers`, the run has that many xdist workers and
    the signal goes to its whole process group, as Ctrl-C at a terminal does (`to_group`
    False: to the harness process alone, as `kill -INT` does)."""
    app = SlowOnDemand(create_app(), slow_seconds)
    group = bool(workers) if to_group is None else to_group
    server = ReferenceServer(app).start()

    def held() -> int:
        return sum(len(server.app.store.list_records(user.id)) for user in server.app.users)

    try:
        env = clean_environment()
        env.update(
            BASE_URL=server.url,
            GRAPH_TOKEN=TOKEN,
            PROFILE="quick",
            POSITIONS_REPORTS_ROOT=str(reports_root),
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "positions_harness", "run", "--workers", str(workers)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=group,
        )
        when: float | str | Callable[[], bool] = (
            (lambda: held() >= HOLDING_POSITIONS)
            if moment == WHILE_WORKERS_HOLD_POSITIONS
            else {**MOMENTS, **TIMED_MOMENTS}[moment]
        )
        output = _signal_at(process, when, app.slow, to_group=group)
        left = held()
    finally:
        server.stop()
    reports = sorted(reports_root.glob("*/*/conformance.json"))
    verdict = json.loads(reports[-1].read_text())["verdict"] if reports else None
    return Interrupted(process.returncode, verdict, left, output, app.creates_after_signal)


def _signal_at(
    process: subprocess.Popen[bytes],
    when: float | str | Callable[[], bool],
    slow: threading.Event,
    to_group: bool = False,
) -> str:
    assert process.stdout is not None
    output, started, sent = b"", time.monotonic(), False
    os.set_blocking(process.stdout.fileno(), False)
    while process.poll() is None and time.monotonic() - started < RUN_TIMEOUT:
        chunk = process.stdout.read() or b""
        output += chunk
        if isinstance(when, float):
            due = time.monotonic() - started >= when
        elif isinstance(when, str):
            due = when.encode() in output
        else:
            due = when()
        if due and not sent:
            slow.set()
            if to_group:
                os.killpg(process.pid, signal.SIGINT)
            else:
                process.send_signal(signal.SIGINT)
            sent = True
        time.sleep(0.02)
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    output += process.stdout.read() or b""
    return output.decode("utf-8", "replace")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=10)
    args = parser.parse_args(argv)
    import tempfile

    all_kept = True
    for moment in (*TIMED_MOMENTS, *MOMENTS):
        kept = 0
        for _ in range(args.tries):
            with tempfile.TemporaryDirectory() as folder:
                result = interrupt_run(Path(folder), moment)
            kept += result.as_promised
            if not result.as_promised:
                print(
                    f"  {moment}: exit {result.exit_code}, verdict {result.verdict}, "
                    f"{result.positions_left} left"
                )
        all_kept = all_kept and kept == args.tries
        print(f"{moment}: {kept}/{args.tries} tries exit 4, incomplete, no position left")
    return 0 if all_kept else 1


if __name__ == "__main__":
    sys.exit(main())
