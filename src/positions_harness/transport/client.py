"""The one HTTP client every suite uses: auth, timeouts, pacing, retries, transcript, ledger."""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

import requests

from ..errors import BudgetExhausted
from . import interrupts
from .bodies import Auth, json_object, outgoing, read_bounded
from .ledger import CleanupLedger
from .limits import Limits
from .pacing import Pacer
from .read_lag import WriteMemory
from .redaction import Redactor, Secret
from .retry_policy import RETRYABLE, retry_wait
from .safety import SafetyPolicy, is_collection, position_id_of
from .transcript import Exchange, Transcript, current_test

MAX_CONSECUTIVE_TRANSPORT_FAILURES = 3
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})  # they wait out a quiet spell
READ_LAG_PAUSE_SECONDS = 0.25


class TargetStoppedAnswering(requests.ConnectionError):
    """Several requests in a row got no HTTP answer; the rest of the run fails fast."""


class GraphClient:
    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        limits: Limits | None = None,
        ledger: CleanupLedger | None = None,
        transcript: Transcript | None = None,
        safety: SafetyPolicy | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        # `is None`, not `or`: an empty ledger or transcript is falsy (they have a length).
        self.limits = limits if limits is not None else Limits()
        self.ledger = ledger if ledger is not None else CleanupLedger()
        self.transcript = (
            transcript if transcript is not None else Transcript(Redactor([token.reveal()]))
        )
        self.safety = safety if safety is not None else SafetyPolicy()
        # The run's budget, rate and throttling waits (shared by every worker of the run).
        self.pacer = (
            pacer
            if pacer is not None
            else Pacer(self.limits.request_budget, self.limits.rate_limit_per_second)
        )
        self._sessions: list[requests.Session] = []  # one per thread that sends
        self._per_thread = threading.local()
        self._lock = threading.Lock()
        self._requests_sent = 0
        self._waited = 0.0
        self.throttle_without_retry_after: list[str] = []
        self.retries = 0  # requests sent again after 429/503/504
        self.writes = WriteMemory()  # the run's last write per position, for lagging reads
        self.observers: list[Callable[[Exchange], None]] = []  # told every finished exchange

    # ------------------------------------------------------------------ public API
    @property
    def requests_sent(self) -> int:
        return self._requests_sent

    def url(self, path: str) -> str:
        return self.base_url + path if path.startswith("/") else f"{self.base_url}/{path}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        auth: Auth = True,
    ) -> requests.Response:
        """Sends one request, retrying 429/503/504 per `limits` (Retry-After honoured).

        Raises NotClaimed or UnsafeRequest (see safety.py) instead of sending a request the run
        may not make, and TargetStoppedAnswering once the target has stopped answering.
        """
        bare_path = path.split("?", 1)[0]
        self.safety.check(method, bare_path, self.ledger)
        json = self.safety.tag_body(method, bare_path, json)
        url = self.url(path)
        if params:
            url += "?" + urllib.parse.urlencode(params, safe="$,")
        body, send_headers = outgoing(method, self._token, json, content, headers, auth)
        response = self._send_with_retries(method, url, body, send_headers, bare_path, json)
        position_id = position_id_of(bare_path)
        if method.upper() == "GET" and position_id is not None:
            response = self._after_the_last_write(
                position_id, response, url, send_headers, bare_path
            )
        return response

    def _send_with_retries(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
        bare_path: str,
        sent: Any,
    ) -> requests.Response:
        attempt = 1
        write = method.upper() in WRITES
        while True:
            self._refuse_when_no_longer_answering()
            retry = attempt > 1
            self._pace(write, retry)  # while it waits, it is still interruptible
            wait, retried = 0.0, False  # what the answer asks of the whole run
            try:
                with interrupts.deferred():  # an interrupt never parts a create from the ledger
                    response = self._send_once(method, url, body, headers, attempt)
                    self._track_positions(method, bare_path, response, sent)
                if response.status_code in RETRYABLE:
                    wait, retried = self._wait_asked(response, attempt)
            finally:
                self.pacer.answered(write, retry, wait, retried)  # a retry goes first
            if response.status_code not in RETRYABLE:
                return response
            if not retried:
                raise BudgetExhausted(
                    f"{method} {url} was answered {response.status_code} on {attempt} tries "
                    f"(the limit is {self.limits.max_retries} retries per request); the target "
                    "is throttling or unavailable, so this check could not be decided"
                )
            attempt += 1

    def _after_the_last_write(
        self,
        position_id: str,
        response: requests.Response,
        url: str,
        headers: dict[str, str],
        bare_path: str,
    ) -> requests.Response:
        """Reads the position again, within `limits.read_lag_seconds`, until it shows the
        run's last write to it (see read_lag.py); returns the last answer either way."""
        deadline = time.monotonic() + self.limits.read_lag_seconds
        while not self.writes.shown_by(
            position_id, response.status_code, response.content or b"", url
        ):
            if time.monotonic() + READ_LAG_PAUSE_SECONDS > deadline:
                break
            time.sleep(READ_LAG_PAUSE_SECONDS)
            response = self._send_with_retries("GET", url, None, headers, bare_path, None)
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    @property
    def _session(self) -> requests.Session:
        """This thread's connection pool (a requests.Session is not meant to be shared)."""
        session = getattr(self._per_thread, "session", None)
        if session is None:
            session = self._per_thread.session = requests.Session()
            session.trust_env = False  # no proxies from the environment: traffic stays put
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self.pacer.close()

    # ------------------------------------------------------------------ internals
    def _pace(self, write: bool, retry: bool) -> None:
        self.pacer.wait_for_turn(write, retry)  # raises BudgetExhausted once the budget is spent
        with self._lock:
            self._requests_sent += 1

    def _refuse_when_no_longer_answering(self) -> None:
        failures = self._transport_failures
        if failures >= MAX_CONSECUTIVE_TRANSPORT_FAILURES:
            raise TargetStoppedAnswering(
                f"the target stopped answering ({failures} requests in a row got no HTTP "
                "response); not sending more"
            )

    @property
    def _transport_failures(self) -> int:
        """Requests in a row this thread sent that got no HTTP answer (per thread)."""
        return getattr(self._per_thread, "transport_failures", 0)

    @_transport_failures.setter
    def _transport_failures(self, count: int) -> None:
        self._per_thread.transport_failures = count

    def _send_once(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], attempt: int
    ) -> requests.Response:
        text_body = body.decode("utf-8", "replace") if body is not None else None
        exchange = self.transcript.begin(current_test.nodeid, method, url, headers, text_body)
        exchange.attempt = attempt
        started = time.monotonic()
        try:
            response = self._session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=self.limits.timeout_seconds,
                allow_redirects=False,  # the token must never follow a redirect elsewhere
                stream=True,
            )
            read_bounded(response, started + self.limits.timeout_seconds * 3)
        except requests.RequestException as exc:
            self._transport_failures += 1
            self.transcript.finish(exchange, error=f"{type(exc).__name__}: {exc}", started=started)
            self._notify(exchange)
            raise
        self._transport_failures = 0
        self.transcript.finish(
            exchange,
            status=response.status_code,
            headers=dict(response.headers),
            body=response.text if response.content else None,
            started=started,
        )
        self._notify(exchange)
        return response

    def _notify(self, exchange: Exchange) -> None:
        for observer in self.observers:
            observer(exchange)

    def _wait_asked(self, response: requests.Response, attempt: int) -> tuple[float, bool]:
        """The wait asked for (Retry-After, else 3 s, 6 s, 12 s ...); whether a retry follows."""
        header = response.headers.get("Retry-After")
        if header is None and response.status_code == 429:
            self.throttle_without_retry_after.append(current_test.nodeid or "?")
        wait = retry_wait(header, attempt, self.limits.max_retry_wait_seconds)
        retried = attempt <= self.limits.max_retries
        if retried:
            with self._lock:
                self._waited += wait
                self.retries += 1
        return wait, retried

    @property
    def seconds_waited(self) -> float:
        """How long the run waited out throttling and transient unavailability."""
        return self._waited

    def _track_positions(
        self, method: str, path: str, response: requests.Response, sent: Any = None
    ) -> None:
        """Keeps the ledger, the protected ids and the memory of writes in step with what the
        target answered."""
        if response.status_code >= 300:
            return
        item_id = position_id_of(path)
        if method == "DELETE":
            if item_id:
                self.ledger.forget(item_id)
                self.writes.deleted(item_id)
            return
        body = json_object(response)
        if method == "POST" and is_collection(path):
            position_id = body.get("id") if body else None
            if isinstance(position_id, str) and position_id:
                self.ledger.record(path.rstrip("/"), position_id)
                self.writes.created(position_id)
        else:
            if method == "PATCH" and item_id:
                self.writes.updated(item_id, sent)
            self.safety.observe(method, path, body, self.ledger)
