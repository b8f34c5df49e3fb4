"""The one HTTP client: Retry-After, budgets, redirects, body limits, transcript, ledger."""

from __future__ import annotations

import itertools
import json
import time

import pytest
import requests

from positions_harness.errors import BudgetExhausted
from positions_harness.transport.client import GraphClient, ResponseTooLarge, parse_retry_after
from positions_harness.transport.limits import Limits
from positions_harness.transport.redaction import REDACTED, Secret
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


def test_429_with_retry_after_is_waited_out_and_retried():
    with served(throttled_then_ok(2, "1")) as server:
        client = GraphClient(server.url, Secret(TOKEN))
        started = time.monotonic()
        response = client.get("/x")
    assert response.status_code == 200
    assert 2.0 <= time.monotonic() - started < 5
    assert [e.attempt for e in client.transcript.exchanges()] == [1, 2, 3]


def test_throttling_past_the_retry_budget_is_inconclusive_not_a_failure():
    limits = Limits(retry_budget_seconds=1.5)
    with served(throttled_then_ok(10, "1")) as server:
        client = GraphClient(server.url, Secret(TOKEN), limits=limits)
        with pytest.raises(BudgetExhausted, match="retry budget"):
            client.get("/x")


def test_429_without_retry_after_is_retried_and_remembered():
    with served(throttled_then_ok(1, None)) as server:
        client = GraphClient(server.url, Secret(TOKEN))
        assert client.get("/x").status_code == 200
    assert len(client.throttle_without_retry_after) == 1


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


@pytest.mark.parametrize(("header", "seconds"), [("3", 3.0), ("nonsense", 1.0)])
def test_retry_after_forms(header, seconds):
    assert parse_retry_after(header) == seconds
