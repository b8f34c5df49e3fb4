"""A redacted record of every request the harness sent and what came back."""

from __future__ import annotations

import json
import shlex
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .redaction import Redactor

BODY_LIMIT = 64 * 1024  # characters of each body kept in the transcript


@dataclass
class Exchange:
    seq: int
    test: str | None
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    elapsed_ms: float | None = None
    error: str | None = None
    attempt: int = 1
    sent_at: float = field(default_factory=lambda: round(time.time(), 3))  # Unix time, in s
    token_variable: str = "GRAPH_TOKEN"  # where the reader of a curl line keeps the token

    def curl(self) -> str:
        """A curl command that repeats the request; the token is read from the variable the
        target profile names (GRAPH_TOKEN unless it says otherwise)."""
        parts = ["curl", "-sS", "-X", self.method, shlex.quote(self.url)]
        for name, value in self.request_headers.items():
            if name.lower() == "authorization":
                parts += ["-H", f'"Authorization: Bearer ${self.token_variable}"']
            elif name.lower() not in ("content-length", "accept-encoding", "connection"):
                parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.request_body is not None:
            parts += ["--data-binary", shlex.quote(self.request_body)]
        return " ".join(parts)

    def summary(self) -> str:
        outcome = self.error or f"{self.status}"
        return f"{self.method} {self.url} -> {outcome}"

    def as_dict(self) -> dict[str, Any]:
        fields = {k: v for k, v in asdict(self).items() if k != "token_variable"}
        return {**fields, "curl": self.curl()}


def _clip(text: str | None) -> str | None:
    if text is None or len(text) <= BODY_LIMIT:
        return text
    return text[:BODY_LIMIT] + f"... [{len(text) - BODY_LIMIT} more characters]"


class Transcript:
    """Collects exchanges in memory (redacted at the door) and writes them as JSON lines."""

    def __init__(self, redactor: Redactor, token_variable: str = "GRAPH_TOKEN") -> None:
        self.redactor = redactor
        self.token_variable = token_variable
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def begin(
        self, test: str | None, method: str, url: str, headers: dict[str, str], body: str | None
    ) -> Exchange:
        with self._lock:
            exchange = Exchange(
                seq=len(self._exchanges) + 1,
                test=test,
                method=method,
                url=self.redactor.text(url),
                request_headers=self.redactor.headers(headers),
                request_body=_clip(self.redactor.text(body)) if body is not None else None,
                token_variable=self.token_variable,
            )
            self._exchanges.append(exchange)
        return exchange

    def finish(
        self,
        exchange: Exchange,
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        body: str | None = None,
        started: float | None = None,  # time.monotonic() when it was sent
        error: str | None = None,
    ) -> None:
        if started is not None:
            exchange.elapsed_ms = round((time.monotonic() - started) * 1000, 1)
        exchange.status = status
        exchange.response_headers = self.redactor.headers(headers or {})
        exchange.response_body = _clip(self.redactor.text(body)) if body is not None else None
        exchange.error = self.redactor.text(error) if error else None

    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def for_test(self, test: str) -> list[Exchange]:
        with self._lock:
            return [e for e in self._exchanges if e.test == test]

    def __len__(self) -> int:
        with self._lock:
            return len(self._exchanges)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, path.open("w", encoding="utf-8", errors="backslashreplace") as handle:
            for exchange in self._exchanges:
                handle.write(json.dumps(exchange.as_dict(), ensure_ascii=False) + "\n")


class _CurrentTest:
    """The id of the test being run, stamped on every exchange (set by the pytest plugin). A
    helper thread (e.g. one deleting in the background) names its own work with `label_thread`
    instead, so its exchanges are not taken for the running test's."""

    def __init__(self) -> None:
        self._shared: str | None = None
        self._thread = threading.local()

    @property
    def nodeid(self) -> str | None:
        return getattr(self._thread, "label", None) or self._shared

    @nodeid.setter
    def nodeid(self, value: str | None) -> None:
        self._shared = value

    def label_thread(self, label: str) -> None:
        self._thread.label = label


current_test = _CurrentTest()
