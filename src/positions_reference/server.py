"""Threaded HTTP/1.1 server (werkzeug's) with working keep-alive, for tests and the CLI.

werkzeug's own ``WSGIRequestHandler.run_wsgi`` always answers ``Connection: close``
and, after each response, waits ~10 ms draining the socket, so keep-alive never
happens. :class:`Handler` replaces ``run_wsgi``: it frames the request body itself
(Content-Length or chunked), buffers the application's response, sends it with a
Content-Length in one write, then discards any unread request body so the next
request on the connection parses cleanly.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import uuid
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from werkzeug.http import http_date
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .wire import JSON_CONTENT_TYPE, encode_json, error_body

DRAIN_LIMIT = 64 * 1024 * 1024  # unread request bytes we are willing to discard
_PROTOCOL_ERROR_CODES = {414: "RequestUriTooLong", 431: "RequestHeaderFieldsTooLarge"}


class _BodyReader(io.RawIOBase):
    """The request body: ``length`` bytes of ``source``, or (``length`` None) whatever a
    self-terminating source such as werkzeug's DechunkedInput yields. After a framing error
    or a short read it stays at EOF and reports ``failed``."""

    def __init__(self, source: Any, length: int | None) -> None:
        super().__init__()
        self._source = source
        self.remaining = length
        self.failed = False
        self.finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.failed or self.finished:
            return 0
        size = len(buffer) if self.remaining is None else min(len(buffer), self.remaining)
        if size <= 0:
            self.finished = True
            return 0
        try:
            count = self._source.readinto(memoryview(buffer)[:size]) or 0
        except (OSError, ValueError):
            self.failed = True
            raise OSError("malformed or truncated request body") from None
        if count == 0:
            self.finished = True
            self.failed = bool(self.remaining)
        elif self.remaining is not None:
            self.remaining -= count
        return count


def _drain(stream: _BodyReader, limit: int = DRAIN_LIMIT) -> bool:
    """Read the rest of the body; False if the connection cannot be reused afterwards."""
    total = 0
    try:
        while total <= limit:
            chunk = stream.read(65536)
            if not chunk:
                return not stream.failed
            total += len(chunk)
    except OSError:
        return False
    return False


class Handler(WSGIRequestHandler):
    """Quiet, Nagle-free, keep-alive request handler."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = -1

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, *args: Any) -> None:
        pass

    def log_message(self, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        tracker = getattr(self.server, "connection_tracker", None)
        if tracker is not None:
            tracker.add(self.connection)

    def finish(self) -> None:
        tracker = getattr(self.server, "connection_tracker", None)
        if tracker is not None:
            tracker.discard(self.connection)
        super().finish()

    def _body_stream(self, environ: dict[str, Any]) -> _BodyReader:
        if environ.get("wsgi.input_terminated"):  # chunked: werkzeug wrapped it already
            stream = _BodyReader(environ["wsgi.input"], None)
        else:
            text = (self.headers.get("Content-Length") or "0").strip()
            if not (text.isascii() and text.isdigit()):
                self.close_connection = True  # framing unknown: cannot reuse the socket
                text = "0"
            stream = _BodyReader(self.rfile, int(text))
        environ["wsgi.input"] = stream
        environ["wsgi.input_terminated"] = True
        return stream

    def run_wsgi(self) -> None:
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        body_stream = self._body_stream(environ)
        try:
            status, headers, body = self._call_app(environ)
        except Exception:  # the app failed outright: still answer with a Graph error body
            status, headers, body = self._error_parts(
                500, "generalException", "An unexpected error occurred."
            )
            self.close_connection = True
        if not _drain(body_stream):
            self.close_connection = True
        self._send(status, headers, body)

    def _call_app(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: list[Any] = []
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            captured[:] = [status, list(headers)]
            return chunks.append

        result: Iterable[bytes] = self.server.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return captured[0], captured[1], b"".join(chunks)

    def _error_parts(
        self, code: int, error_code: str, message: str
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        request_id = str(uuid.uuid4())
        client_request_id = self.headers.get("client-request-id") if self.headers else None
        body = encode_json(error_body(error_code, message, request_id, client_request_id))
        headers = [
            ("Content-Type", JSON_CONTENT_TYPE),
            ("request-id", request_id),
            ("client-request-id", client_request_id or request_id),
            ("Date", http_date()),
        ]
        return f"{code} {self.responses.get(code, ('Error',))[0]}", headers, body

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level failures found by http.server (bad request line, oversized
        headers, HTTP/2 request line...) get a Graph error body too, and never a 5xx."""
        code = code if 400 <= code < 500 else 400
        self.close_connection = True
        if not str(self.request_version).startswith("HTTP/1."):
            self.request_version = "HTTP/1.0"  # so a status line is written
        self.headers = getattr(self, "headers", None)
        reason = message or self.responses.get(code, ("Bad Request",))[0]
        status, headers, body = self._error_parts(
            code, _PROTOCOL_ERROR_CODES.get(code, "BadRequest"), reason
        )
        self._send(status, headers, body)

    def _send(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        self.send_response_only(code, reason or None)
        has_length = False
        for key, value in headers:
            if key.lower() == "content-length":
                has_length = True
            self.send_header(key, value)  # a "Connection: close" header sets close_connection
        bodiless = code < 200 or code in (204, 304)
        if not has_length and not bodiless:
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body and not bodiless and self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


class _ConnectionTracker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self.accepted = 0

    def add(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
            self.accepted += 1

    def discard(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def close_all(self) -> None:
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class ReferenceServer:
    """Serve a WSGI app on ``host:port`` (0 = any free port) in a daemon thread."""

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, prefix: str | None = None
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.prefix = prefix if prefix is not None else getattr(app, "prefix", "")
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._tracker = _ConnectionTracker()

    def start(self) -> ReferenceServer:
        if self._server is not None:
            return self
        server = make_server(self.host, self.port, self.app, threaded=True, request_handler=Handler)
        server.connection_tracker = self._tracker  # type: ignore[attr-defined]
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"ReferenceServer:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.prefix}"

    @property
    def accepted_connections(self) -> int:
        """TCP connections accepted so far (keep-alive reuse keeps this low)."""
        return self._tracker.accepted

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        self._tracker.close_all()
        if thread is not None:
            thread.join()
        server.server_close()

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
