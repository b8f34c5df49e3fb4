"""The file every process of a run paces through (transport/pacing.py): made by
`positions-harness run` around its preflight and pytest, handed to pytest-xdist workers, and
removed when the run ends. pytest run without the CLI paces each process on its own.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ..transport.pacing import PACING_FILE_ENV, Pacer

WORKER_KEY = "positions_pacing_file"


@contextmanager
def shared_pace() -> Iterator[Path]:
    """Makes the run's pacing file unless an outer process already has; yields its path."""
    existing = os.environ.get(PACING_FILE_ENV)
    if existing:
        yield Path(existing)
        return
    folder = Path(tempfile.mkdtemp(prefix="positions-pace-"))
    os.environ[PACING_FILE_ENV] = str(folder / "pace")
    try:
        yield folder / "pace"
    finally:
        os.environ.pop(PACING_FILE_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)


def run_folder() -> Path | None:
    """The folder of the run's pacing file, where its processes may leave notes for each
    other (e.g. xdist workers their process ids), if `positions-harness run` made one."""
    path = os.environ.get(PACING_FILE_ENV)
    return Path(path).parent if path else None


def run_totals() -> int | None:
    """Requests the run sent, in all its processes."""
    path = os.environ.get(PACING_FILE_ENV)
    if not path or not Path(path).exists():
        return None
    pacer = Pacer(request_budget=0, shared_file=Path(path))
    try:
        return pacer.totals().sent
    finally:
        pacer.close()


def pytest_configure(config: pytest.Config) -> None:
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None and worker_input.get(WORKER_KEY):
        os.environ[PACING_FILE_ENV] = worker_input[WORKER_KEY]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker paces through the controller's file."""
    node.workerinput[WORKER_KEY] = os.environ.get(PACING_FILE_ENV, "")
