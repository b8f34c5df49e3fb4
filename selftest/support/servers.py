"""Serving a WSGI app on a free 127.0.0.1 port for the length of a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from positions_reference import ReferenceServer


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Yields the base URL (with the app's /beta prefix) while the app is served."""
    server = ReferenceServer(app).start()
    try:
        yield server.url
    finally:
        server.stop()
