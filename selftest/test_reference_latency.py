"""Added latency in the reference (`python -m positions_reference --latency-ms N`): every
answer comes at least N ms late, and concurrent requests wait side by side, not in a queue.

Bounds are one-sided or wide (4x the latency for requests that should take 1x) so that a slow
machine cannot fail them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from positions_harness.run.reference_process import BundledReference
from positions_reference import create_app
from positions_reference.latency import DelayedApp, with_latency
from selftest.support.servers import serving

LATENCY_MS = 200
SECONDS = LATENCY_MS / 1000
AUTH = {"Authorization": "Bearer latency-test"}
REPO = Path(__file__).resolve().parents[1]
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+/beta)")


def timed_get(url: str) -> tuple[float, int]:
    started = time.monotonic()
    response = requests.get(url, headers=AUTH, timeout=30)
    return time.monotonic() - started, response.status_code


@contextmanager
def served_by(*module_and_args: str) -> Iterator[str]:
    """Starts `python -m MODULE ARGS --port 0` and yields the URL it announces."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", *module_and_args, "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        match = LISTENING.fullmatch(line)
        assert match, line
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_an_answer_comes_no_sooner_than_the_latency() -> None:
    with serving(DelayedApp(create_app(), LATENCY_MS)) as url:
        elapsed, status = timed_get(f"{url}/me/profile/positions")
    assert status == 200
    assert elapsed >= SECONDS


class InFlight:
    """WSGI middleware noting the most requests it held at the same moment."""

    def __init__(self, app: Any) -> None:
        self.app, self.now, self.most = app, 0, 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            return self.app(environ, start_response)
        finally:
            with self._lock:
                self.now -= 1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["app"], name)


def test_concurrent_requests_wait_side_by_side_not_one_after_another() -> None:
    # Judged by overlap at the server, not by a wall-clock bound: in a queue, the server would
    # never hold two delayed requests at once, however fast the machine.
    app = InFlight(DelayedApp(create_app(), LATENCY_MS))
    with serving(app) as url, ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(timed_get, [f"{url}/me/profile/positions"] * 8))
    assert [status for _, status in answers] == [200] * 8
    assert min(seconds for seconds, _ in answers) >= SECONDS
    assert app.most >= 2


def test_the_wrapper_keeps_the_app_visible() -> None:
    app = create_app()
    delayed = DelayedApp(app, LATENCY_MS)
    assert delayed.prefix == "/beta"
    assert delayed.store is app.store
    assert with_latency(app, 0) is app


@pytest.mark.parametrize(
    "module_and_args",
    [
        ("positions_reference",),
        ("selftest.serve_variant", "allowance", "throttles-one-in-five-uncapped"),
    ],
    ids=["reference", "variant"],
)
def test_the_command_line_adds_the_latency(module_and_args: tuple[str, ...]) -> None:
    with served_by(*module_and_args, "--latency-ms", str(LATENCY_MS)) as url:
        elapsed, status = timed_get(f"{url}/me/profile/positions")
    assert status == 200
    assert elapsed >= SECONDS


def test_the_bundled_reference_passes_its_latency_on() -> None:
    reference = BundledReference(latency_ms=LATENCY_MS)
    url = reference.start()
    try:
        elapsed, status = timed_get(f"{url}/me/profile/positions")
    finally:
        reference.stop()
    assert status == 200
    assert elapsed >= SECONDS


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
@pytest.mark.parametrize("module", ["positions_reference", "selftest.serve_variant"])
def test_a_latency_that_is_not_a_number_of_milliseconds_is_one_sentence(
    module: str, value: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, "--latency-ms", value],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        timeout=30,
    )
    assert done.returncode == 2
    error = done.stderr.strip().splitlines()[-1]
    assert "--latency-ms" in error and "milliseconds" in error
    assert "Traceback" not in done.stderr
