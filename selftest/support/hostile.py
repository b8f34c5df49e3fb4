"""Broken and hostile HTTP servers on 127.0.0.1, for proving the harness never hangs or leaks.

Each behaviour answers every request (or, with `spare_me=True`, every request but GET /me and
a plain GET of the positions list, which the preflight reads, so the run gets past its
preflight and meets the behaviour in the suites).
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

ME = json.dumps({"id": "u-1", "userPrincipalName": "u@example.test"}).encode()
EMPTY_LIST = json.dumps({"value": []}).encode()
NEVER_ANSWER_SECONDS = 30
BIG_BODY_BYTES = 50 * 1024 * 1024


def _response(
    status: str, body: bytes, content_type: str = "application/json", extra: str = ""
) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n"
    )
    return head.encode() + body


class _Handler(socketserver.BaseRequestHandler):
    server: HostileServer

    def handle(self) -> None:
        request = self._read_request()
        self.server.seen.append(request)
        if self.server.spare_me and request.startswith(b"GET ") and b" /beta/me " in request[:200]:
            self.request.sendall(_response("200 OK", ME))
            return
        if self.server.spare_me and request.startswith(b"GET /beta/me/profile/positions "):
            self.request.sendall(_response("200 OK", EMPTY_LIST))
            return
        getattr(self, f"_{self.server.behaviour.replace('-', '_')}")()

    def _read_request(self) -> bytes:
        data = b""
        self.request.settimeout(5)
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                missing = int(line.split(b":")[1]) - len(body)
                while missing > 0:
                    chunk = self.request.recv(missing)
                    if not chunk:
                        break
                    missing -= len(chunk)
        return head

    def _never_answers(self) -> None:
        time.sleep(NEVER_ANSWER_SECONDS)

    def _huge_body(self) -> None:
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % BIG_BODY_BYTES
        )
        try:
            self.request.sendall(head)
            chunk = b" " * (1024 * 1024)
            for _ in range(BIG_BODY_BYTES // len(chunk)):
                self.request.sendall(chunk)
        except OSError:
            pass  # the client hung up once it had enough: that is the point

    def _resets_connections(self) -> None:
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()

    def _invalid_json(self) -> None:
        self.request.sendall(_response("200 OK", b'{"id": "x", "value": [tru'))

    def _redirects_elsewhere(self) -> None:
        location = f"Location: http://127.0.0.2:{self.server.decoy_port}/beta/me\r\n"
        self.request.sendall(_response("307 Temporary Redirect", b"", extra=location))

    def _errors_always(self) -> None:
        body = b'{"error": {"code": "generalException", "message": "boom"}}'
        self.request.sendall(_response("500 Internal Server Error", body))

    def _echoes_token(self) -> None:
        """Puts the caller's Authorization header into an error body: a leak trap."""
        auth = next(
            (
                line
                for line in self.server.seen[-1].split(b"\r\n")
                if line.lower().startswith(b"authorization:")
            ),
            b"",
        )
        body = json.dumps({"error": {"code": "BadRequest", "message": auth.decode()}}).encode()
        self.request.sendall(_response("400 Bad Request", body))


class HostileServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    BEHAVIOURS = (
        "never-answers",
        "huge-body",
        "resets-connections",
        "invalid-json",
        "redirects-elsewhere",
        "errors-always",
        "echoes-token",
    )

    def __init__(self, behaviour: str, spare_me: bool = False, decoy_port: int = 0) -> None:
        assert behaviour in self.BEHAVIOURS, behaviour
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour, self.spare_me, self.decoy_port = behaviour, spare_me, decoy_port
        self.seen: list[bytes] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/beta"


class Decoy(socketserver.ThreadingTCPServer):
    """The "other host" a redirect points to; it records whatever reaches it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        class Record(socketserver.BaseRequestHandler):
            def handle(inner) -> None:
                inner.request.settimeout(5)
                try:
                    self.seen.append(inner.request.recv(65536))
                    inner.request.sendall(_response("200 OK", ME))
                except OSError:
                    pass

        super().__init__(("127.0.0.2", 0), Record)
        self.seen: list[bytes] = []


@contextmanager
def running(server: socketserver.TCPServer) -> Iterator[socketserver.TCPServer]:
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
