"""Errors: no request, however malformed, is answered with a 5xx; every 4xx carries the Graph error
shape as application/json; a request the API does not define answers a 4xx."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from positions_harness.checks import samples
from positions_harness.checks.allowances import CLIENT_ERROR
from positions_harness.checks.answers import json_body, refused, without_server_error
from positions_harness.checks.persistence import given_position


@dataclass(frozen=True)
class Undefined:
    """A request outside what the docs define, on the collection or on a position."""

    name: str
    method: str
    on_item: bool
    params: dict[str, str] = field(default_factory=dict)
    body: dict | None = None


UNDEFINED = (
    Undefined("select-of-an-unknown-property-on-get", "GET", True, {"$select": "salary"}),
    Undefined("select-of-an-unknown-property-on-list", "GET", False, {"$select": "salary"}),
    Undefined("negative-top", "GET", False, {"$top": "-1"}),
    Undefined("top-that-is-not-a-number", "GET", False, {"$top": "many"}),
    Undefined("negative-skip", "GET", False, {"$skip": "-5"}),
    Undefined("post-to-a-position", "POST", True, body={"isCurrent": True}),
)

# Bodies that stress a JSON parser; a service may take some of them, but must not fail on any.
MALFORMED_BODIES = {
    "invalid-utf-8": b'{"detail": {"jobTitle": "caf\xe9 \xff"}}',
    "deeply-nested-arrays": b'{"categories": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "number-beyond-double-range": b'{"inference": {"confidenceScore": 1e400}}',
    "integer-with-5000-digits": b'{"detail": {"layer": 1' + b"0" * 5000 + b"}}",
    "nan-literal": b'{"inference": {"confidenceScore": NaN}}',
    "lone-surrogate-escape": b'{"detail": {"jobTitle": "\\ud800"}}',
    "nul-character": b'{"detail": {"jobTitle": "before\\u0000after"}}',
    "duplicate-keys": b'{"isCurrent": true, "isCurrent": false}',
    "byte-order-mark": b'\xef\xbb\xbf{"isCurrent": true}',
    "property-name-of-10000-characters": b'{"' + b"x" * 10000 + b'": true}',
}
# Position ids no service gave out, in shapes that stress routing.
MALFORMED_IDS = {
    "id-of-5000-characters": "a" * 5000,
    "id-with-a-slash-and-dots": "../../me",
    "id-with-a-nul": "\x00",
    "id-with-non-ascii": "позиция-✓",
    "id-with-odata-key-syntax": "('x')",
}


@pytest.mark.requirement("POS-ERR-004", "POS-ERR-001", "POS-ERR-002", "POS-ERR-003")
@pytest.mark.parametrize("request_", UNDEFINED, ids=lambda u: u.name)
def test_a_request_the_api_does_not_define_answers_4xx_with_a_graph_error(
    request_, positions, graph, contract
):
    position = given_position(positions, samples.minimal_position())
    path = positions.item(position["id"]) if request_.on_item else positions.collection()

    response = graph.request(request_.method, path, params=request_.params, json=request_.body)

    refused(response, contract, "POS-ERR-004", CLIENT_ERROR)
    json_body(response)


@pytest.mark.requirement("POS-ERR-002", "POS-ERR-001")
@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("payload", MALFORMED_BODIES.values(), ids=list(MALFORMED_BODIES))
def test_no_malformed_body_is_answered_with_a_5xx(method, payload, positions, graph, contract):
    if method == "POST":
        path = positions.collection()
    else:
        path = positions.item(given_position(positions, samples.minimal_position())["id"])

    response = graph.request(
        method, path, content=payload, headers={"Content-Type": "application/json"}
    )

    without_server_error(response, contract)


@pytest.mark.requirement("POS-ERR-002", "POS-ERR-001")
@pytest.mark.parametrize("position_id", MALFORMED_IDS.values(), ids=list(MALFORMED_IDS))
def test_no_malformed_position_id_is_answered_with_a_5xx(position_id, positions, contract):
    response = positions.get(position_id)

    without_server_error(response, contract)
