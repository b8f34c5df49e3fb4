"""A failure's report shows the exchange that broke the requirement: for a generated request,
the one Schemathesis names in its "Reproduce with" curl line, not the test's last exchanges."""

from __future__ import annotations

from positions_harness.run.evidence import evidence
from positions_harness.transport.transcript import Exchange

URL = "http://127.0.0.1:9/beta/me/profile/positions"


def exchange(seq: int, method: str, body: str | None, status: int) -> Exchange:
    return Exchange(
        seq, "t", method, URL, {"Authorization": "***"}, body, status, token_variable="ACME_TOKEN"
    )


EXCHANGES = [
    exchange(1, "POST", '{"detail": {"company": null}}', 500),
    exchange(2, "POST", '{"isCurrent": true}', 201),
    exchange(3, "GET", None, 200),
    exchange(4, "DELETE", None, 204),
]
SCHEMATHESIS_REPORT = (
    "- ST101 Server error\n\n[500] Internal Server Error\n\nReproduce with:\n\n"
    "    curl -X POST -H 'Authorization: [Filtered]' "
    f'-d \'{{"detail": {{"company": null}}}}\' {URL}\n'
)


def test_the_failing_generated_request_is_the_evidence_with_the_profiles_token_variable():
    (shown,) = evidence(EXCHANGES, SCHEMATHESIS_REPORT)
    assert shown["seq"] == 1 and shown["status"] == 500
    assert "$ACME_TOKEN" in shown["curl"] and "company" in shown["curl"]


def test_without_a_named_request_the_last_exchanges_are_the_evidence():
    assert [e["seq"] for e in evidence(EXCHANGES, "[POS-UPDATE-003] values written are lost")] == [
        2,
        3,
        4,
    ]
    other = SCHEMATHESIS_REPORT.replace("/positions", "/positions/unknown")
    assert [e["seq"] for e in evidence(EXCHANGES, other)] == [2, 3, 4]
