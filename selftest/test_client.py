"""The one HTTP client: Retry-After, budgets, redirects, body limits, transcript, ledger."""

from __future__ import annotations

import itertools
import json
import time

import pytest
import requests

from positions_harness.errors import BudgetExhausted
from positions_harness.transport.bodies import ResponseTooLarge
from positions_harness.transport.client import GraphClient
from positions_harness.transport.limits import Limits
from positions_harness.transport.pacing import Pacer
from positions_harness.transport.redaction import REDACTED, Secret
from positions_harness.transport.retry_policy import parse_retry_after
from positions_reference import ReferenceServer

TOKEN = "client-test-token-5b1f"


def served(app):
    return ReferenceServer(app, prefix="")


def throttled_then_ok(throttled_answers: int, retry_after: str | None = "0"):
    counter = itertools.count()

    def app(environ, start_response):
        if next(counter) < throttled_answers:
            headers = [("Content-Type", "application/json")]
            if retry_after is not None:
                headers.append(("Retry-After", retry_after))
            start_response("429 Too Many Requests", headers)
            return [b'{"error": {"code": "activityLimitReached", "message": "slow down"}}']
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"seen": environ.get("HTTP_AUTHORIZATION")}).encode()]

    return app


def throttled_every_other_request(status: str = "429 Too Many Requests", retry_after: str = "1"):
    counter = itertools.count()

    def app(environ, start_response):
        if next(counter) % 2 == 0:
            start_response(
                status, [("Content-Type", "application/json"), ("Retry-After", retry_after)]
            )
            return [b'{"error": {"code": "activityLimitReached", "message": "slow down"}}']
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    return app


def test_429_with_retry_after_is_waited_out_and_retried():
    with served(throttled_then_ok(2, "1")) as server:
        client = GraphClient(server.url, Secret(TOKEN))
        response = client.get("/x")
    assert response.status_code == 200
    assert client.seconds_waited == 2.0
    assert [e.attempt for e in client.transcript.exchanges()] == [1, 2, 3]


def test_throttling_past_the_retries_of_one_request_is_inconclusive_not_a_failure():
    limits = Limits(max_retries=2, max_retry_wait_seconds=0.1)
    with served(throttled_then_ok(10, "1")) as server:
        client = GraphClient(server.url, Secret(TOKEN), limits=limits)
        with pytest.raises(BudgetExhausted, match="2 retries per request"):
            client.get("/x")
    assert [e.attempt for e in client.transcript.exchanges()] == [1, 2, 3]


def test_each_request_gets_its_own_retries_so_a_long_run_is_never_cut_by_throttling():
    limits = Limits(max_retries=1, max_retry_wait_seconds=0.1)
    with served(throttled_every_other_request()) as server:
        client = GraphClient(server.url, Secret(TOKEN), limits=limits)
        statuses = [client.get("/x").status_code for _ in range(6)]
    assert statuses == [200] * 6
    assert client.seconds_waited == pytest.approx(0.6)


class RecordingPacer(Pacer):
    def __init__(self) -> None:
        super().__init__(request_budget=100)
        self.calls: list[tuple[str, bool]] = []
        self.waits: list[float] = []

    def wait_for_turn(self, write: bool = False, retry: bool = False) -> float:
        self.calls.append(("turn, retry" if retry else "turn", write))
        return super().wait_for_turn(write, retry)

    def answered(
        self, write: bool = False, retry: bool = False, wait: float = 0.0, retried: bool = False
    ) -> None:
        self.calls.append(
            ("answered" + (", retry" if retry else "") + (", retried" if retried else ""), write)
        )
        self.waits.append(wait)
        super().answered(write, retry, wait, retried)


def test_a_throttled_request_announces_its_retry_with_its_answer_and_retries_as_one():
    # The pace then sends and answers it before the other workers' requests (test_concurrency).
    pacer = RecordingPacer()
    with served(throttled_then_ok(2, "0")) as server:
        client = GraphClient(server.url, Secret(TOKEN), pacer=pacer)
        assert client.post("/x", json={}).status_code == 200
    assert pacer.calls == [
        ("turn", True),
        ("answered, retried", True),
        ("turn, retry", True),
        ("answered, retry, retried", True),
        ("turn, retry", True),
        ("answered, retry", True),
    ]
    assert pacer.totals().retries_due == {}


def test_a_retry_that_gets_no_answer_leaves_no_retry_for_the_run_to_wait_for(monkeypatch):
    pacer = RecordingPacer()
    with served(throttled_then_ok(1, "0")) as server:
        client = GraphClient(server.url, Secret(TOKEN), pacer=pacer)
        send_once = client._send_once

        def no_answer_to_the_retry(method, url, body, headers, attempt):
            if attempt > 1:
                raise requests.ConnectionError("connection reset")
            return send_once(method, url, body, headers, attempt)

        monkeypatch.setattr(client, "_send_once", no_answer_to_the_retry)
        with pytest.raises(requests.ConnectionError):
            client.get("/x")
    assert pacer.calls[-1] == ("answered, retry", False)
    assert pacer.totals().retries_due == {}


def test_the_last_throttled_answer_still_holds_the_whole_run():
    # concepts/throttling.md: a throttled client waits before its next requests, even when
    # this one request is given up.
    pacer = RecordingPacer()
    limits = Limits(max_retries=1, max_retry_wait_seconds=0.1)
    with served(throttled_then_ok(10, "1")) as server:
        client = GraphClient(server.url, Secret(TOKEN), pacer=pacer, limits=limits)
        with pytest.raises(BudgetExhausted):
            client.get("/x")
    assert pacer.calls[-1] == ("answered, retry", False)  # given up: no retry announced
    assert pacer.waits[-1] == pytest.approx(0.1)  # but the run waits all the same


def test_429_without_retry_after_is_retried_after_a_back_off_and_remembered():
    limits = Limits(max_retry_wait_seconds=0.2)
    with served(throttled_then_ok(1, None)) as server:
        client = GraphClient(server.url, Secret(TOKEN), limits=limits)
        assert client.get("/x").status_code == 200
    assert len(client.throttle_without_retry_after) == 1
    assert client.seconds_waited == 0.2  # the back-off (3 s) capped by the profile


@pytest.mark.parametrize("status", ["503 Service Unavailable", "504 Gateway Timeout"])
def test_transient_unavailability_is_retried_like_throttling(status):
    limits = Limits(max_retry_wait_seconds=0.1)
    with served(throttled_every_other_request(status)) as server:
        client = GraphClient(server.url, Secret(TOKEN), limits=limits)
        assert client.get("/x").status_code == 200
    assert [e.status for e in client.transcript.exchanges()] == [int(status[:3]), 200]


def test_request_budget_is_enforced():
    with served(throttled_then_ok(0)) as server:
        client = GraphClient(server.url, Secret(TOKEN), limits=Limits(request_budget=2))
        client.get("/x")
        client.get("/x")
        with pytest.raises(BudgetExhausted, match="request budget"):
            client.get("/x")


def test_redirects_are_not_followed_so_the_token_stays_home():
    def redirect(environ, start_response):
        start_response("307 Temporary Redirect", [("Location", "http://127.0.0.2:9/steal")])
        return [b""]

    with served(redirect) as server:
        response = GraphClient(server.url, Secret(TOKEN)).get("/x")
    assert response.status_code == 307


def test_an_oversized_body_is_cut_off_with_an_error():
    def flood(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return (b"x" * 1024 * 1024 for _ in range(12))

    with served(flood) as server, pytest.raises(ResponseTooLarge):
        GraphClient(server.url, Secret(TOKEN)).get("/x")


def test_a_silent_server_times_out():
    def silent(environ, start_response):
        time.sleep(3)
        start_response("200 OK", [])
        return [b""]

    with served(silent) as server:
        client = GraphClient(server.url, Secret(TOKEN), limits=Limits(timeout_seconds=0.5))
        with pytest.raises(requests.Timeout):
            client.get("/x")


def test_transcript_redacts_the_token_even_when_the_server_echoes_it():
    with served(throttled_then_ok(0)) as server:
        client = GraphClient(server.url, Secret(TOKEN))
        client.get("/x")
    (exchange,) = client.transcript.exchanges()
    dumped = json.dumps(exchange.as_dict())
    assert TOKEN not in dumped
    assert exchange.request_headers["Authorization"] == REDACTED
    assert REDACTED in exchange.response_body
    assert "$GRAPH_TOKEN" in exchange.curl()


def test_secret_never_shows_itself():
    secret = Secret(TOKEN)
    assert TOKEN not in f"{secret} {secret!r} {[secret]}"
    assert secret.reveal() == TOKEN


def test_ledger_follows_creates_and_deletes_through_the_client():
    state = {}

    def positions(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST":
            state["id"] = "p-1"
            start_response("201 Created", [("Content-Type", "application/json")])
            return [b'{"id": "p-1"}']
        start_response("204 No Content", [])
        return [b""]

    with served(positions) as server:
        client = GraphClient(server.url, Secret(TOKEN))
        client.post("/me/profile/positions", json={})
        assert [e.item_path for e in client.ledger.entries()] == ["/me/profile/positions/p-1"]
        client.delete("/me/profile/positions/p-1")
        assert client.ledger.entries() == []


@pytest.mark.parametrize(("header", "seconds"), [("3", 3.0), ("nonsense", 3.0)])
def test_retry_after_forms(header, seconds):
    assert parse_retry_after(header) == seconds
