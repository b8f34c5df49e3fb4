"""Makes Schemathesis send every request through the harness's GraphClient.

Generated cases, stateful steps and the follow-up requests some checks make (ignored_auth sends
the request again without credentials) all go through `schema.transport`. Binding a loaded
schema to a `ClientTransport` routes them through the one client, so they get the run's auth,
timeouts, `Retry-After` handling, redacted transcript and cleanup ledger like every other test.

Credentials: a request carries the run's token only when its transport arguments hold
`HARNESS_TOKEN` under `auth`. Schemathesis drops `auth` when it re-sends a request to probe
authentication, so its probes go out without the token, as they should; and because `auth` is
set, Schemathesis counts the token as configured (not generated) when it judges `ignored_auth`.
"""

from __future__ import annotations

from typing import Any

import requests
from schemathesis import BaseSchema, Case, Response
from schemathesis.core import NotSet
from schemathesis.transport.requests import REQUESTS_TRANSPORT, RequestsTransport

from ..transport.client import GraphClient


class _HarnessToken:
    """Marker: send this request with the run's bearer token."""

    def __repr__(self) -> str:
        return "HARNESS_TOKEN"


HARNESS_TOKEN = _HarnessToken()
WITH_TOKEN: dict[str, Any] = {"auth": HARNESS_TOKEN}  # transport kwargs of an authorised request


class ClientTransport(RequestsTransport):
    """Serialises a case as Schemathesis' requests transport does, then sends it via GraphClient."""

    def __init__(self, client: GraphClient) -> None:
        super().__init__()
        self._copy_serializers_from(REQUESTS_TRANSPORT)
        self.client = client

    def send(self, case: Case, *, session: Any = None, **kwargs: Any) -> Response:
        send_with_token = kwargs.pop("auth", None) is HARNESS_TOKEN
        kwargs.setdefault("base_url", self.client.base_url)
        data = self.serialize_case(case, **kwargs)
        method = str(data["method"]).upper()
        url = requests.Request(method, data["url"], params=data.get("params")).prepare().url or ""
        if not url.startswith(self.client.base_url + "/"):
            raise ValueError(f"{url} is outside the target {self.client.base_url}")
        json_body, content = _body(data)
        response = self.client.request(
            method,
            url[len(self.client.base_url) :],
            json=json_body,
            content=content,
            headers={str(k): str(v) for k, v in data["headers"].items()},
            auth=send_with_token,
        )
        return Response.from_requests(response, verify=True)


def _body(data: dict[str, Any]) -> tuple[Any, bytes | None]:
    """The serialised body as GraphClient takes it: a JSON value, or raw bytes."""
    if "json" in data and not isinstance(data["json"], NotSet):
        return data["json"], None
    raw = data.get("data")
    if raw is None:
        return None, None
    return None, raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)


class ClientBoundSchema(BaseSchema):
    """Mixed into a loaded schema's class so that `schema.transport` is the harness client."""

    _client_transport: ClientTransport

    @property
    def transport(self) -> ClientTransport:  # type: ignore[override]
        return self._client_transport

    def clone(self, **kwargs: Any) -> Any:  # the pytest integration clones the schema per test
        cloned = super().clone(**kwargs)
        cloned._client_transport = self._client_transport
        return cloned


def bind_to_client(schema: BaseSchema, client: GraphClient) -> BaseSchema:
    """Routes every request made for `schema` (and its clones) through `client`."""
    bound = type(f"ClientBound{type(schema).__name__}", (ClientBoundSchema, type(schema)), {})
    schema.__class__ = bound
    schema._client_transport = ClientTransport(client)  # type: ignore[attr-defined]
    return schema
