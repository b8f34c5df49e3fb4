"""Turns a run's allure-results into an Allure HTML report with the real Allure command line,
and serves it: the report loads its data with requests a browser refuses for file:// pages, so
opened as a file it shows nothing but a spinner.

Allure 3 comes from the npm registry and is installed once into .tools/ (no Java needed).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..errors import ConfigError, HarnessError
from ..locations import REPO_ROOT

ALLURE_PACKAGE = "allure@3.18.0"
TOOLS_DIR = REPO_ROOT / ".tools"
ALLURE_BIN = TOOLS_DIR / "node_modules" / ".bin" / "allure"


def ensure_allure() -> Path:
    if ALLURE_BIN.exists():
        return ALLURE_BIN
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise ConfigError(
            "Node.js and npm are needed to build the Allure report (e.g. apt-get install nodejs "
            "npm); the JSON, Markdown and HTML reports are already in the run folder."
        )
    completed = subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(TOOLS_DIR),
            "--no-fund",
            "--no-audit",
            "--loglevel=error",
            ALLURE_PACKAGE,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0 or not ALLURE_BIN.exists():
        raise HarnessError(
            f"npm could not install {ALLURE_PACKAGE} into {TOOLS_DIR} "
            f"({(completed.stderr.strip().splitlines() or ['no message'])[-1]})."
        )
    return ALLURE_BIN


def build_allure_report(run_dir: Path) -> Path:
    results = run_dir / "allure-results"
    if not results.is_dir() or not any(results.iterdir()):
        raise ConfigError(f"{run_dir} has no allure-results; run `make test` first.")
    output = run_dir / "allure-report"
    completed = subprocess.run(
        [str(ensure_allure()), "generate", str(results), "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0 or not (output / "index.html").exists():
        raise HarnessError(f"allure generate failed: {completed.stderr.strip()[-300:]}.")
    return output / "index.html"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per file of the report would bury the URL


def serve_report(index: Path, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """An HTTP server on 127.0.0.1 for the folder of `index` (port 0: a free one), and the URL
    to open; the caller runs `serve_forever()` and closes it."""
    handler = functools.partial(_QuietHandler, directory=str(index.parent))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise ConfigError(
            f"cannot serve the report on 127.0.0.1:{port} ({exc.strerror}); choose another PORT."
        ) from None
    return server, f"http://127.0.0.1:{server.server_address[1]}/{index.name}"
