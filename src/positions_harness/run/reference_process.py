"""Starts the bundled reference implementation as a child process on a free 127.0.0.1 port.

A child process (not an import) keeps the harness independent of the reference: the harness
only ever sees it as a URL, like any other target.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading

from ..errors import TargetUnusable
from ..locations import SOURCE_DIR

ANNOUNCEMENT = "listening on "
START_TIMEOUT = 20.0


class BundledReference:
    def __init__(self, latency_ms: float = 0) -> None:
        self.latency_ms = latency_ms  # added to every response (positions_reference --latency-ms)
        self._process: subprocess.Popen[str] | None = None
        self.url: str | None = None

    def start(self) -> str:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE_DIR), env.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "positions_reference", "--host", "127.0.0.1", "--port", "0"]
            + (["--latency-ms", str(self.latency_ms)] if self.latency_ms else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        lines: queue.Queue[str] = queue.Queue()
        stdout = self._process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            line = ""
        if not line.startswith(ANNOUNCEMENT):
            self.stop()
            raise TargetUnusable(
                "The bundled reference implementation did not start; run "
                "`python -m positions_reference --port 8080` to see why."
            )
        self.url = line[len(ANNOUNCEMENT) :].strip()
        return self.url

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
