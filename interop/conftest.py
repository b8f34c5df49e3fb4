"""Fixtures for the real-client interop suite: the official ``msgraph-beta-sdk`` against the
bundled reference implementation (``src/positions_reference``).

Run it with ``make interop`` (installs the ``interop`` extra, then ``pytest interop``), or
``.venv/bin/python -m pytest interop`` once ``pip install -e '.[dev,interop]'`` is done.

What is real here: the SDK's ``GraphServiceClient``, its request builders, its models, its
kiota JSON (de)serialisers, its beta ``GraphRequestAdapter`` and its default middleware
pipeline (including the ``/users/me-token-to-replace`` -> ``/me`` rewrite). What is not:
the credential. azure-identity insists on https, so kiota's
``BaseBearerTokenAuthenticationProvider`` hands out a fixed fake token (the reference accepts
any bearer token), and the httpx client underneath refuses to send anything to a host other
than 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
from collections.abc import Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest

try:
    from kiota_abstractions.authentication import (
        AccessTokenProvider,
        AllowedHostsValidator,
        BaseBearerTokenAuthenticationProvider,
    )
    from msgraph_beta import GraphRequestAdapter, GraphServiceClient
    from msgraph_beta.generated.models.allowed_audiences import AllowedAudiences
    from msgraph_beta.generated.models.company_detail import CompanyDetail
    from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph_beta.generated.models.physical_address import PhysicalAddress
    from msgraph_beta.generated.models.physical_address_type import PhysicalAddressType
    from msgraph_beta.generated.models.position_detail import PositionDetail
    from msgraph_beta.generated.models.work_position import WorkPosition
    from msgraph_beta.graph_request_adapter import options as sdk_default_options
    from msgraph_core import APIVersion, GraphClientFactory
except ModuleNotFoundError as missing:  # fail loudly: a skipped interop run proves nothing
    raise pytest.UsageError(
        f"the interop suite needs msgraph-beta-sdk ({missing}); run `make interop`, "
        "or `.venv/bin/python -m pip install -e '.[dev,interop]'`"
    ) from None

from positions_reference import ReferenceServer, create_app

if TYPE_CHECKING:  # importing it warns about the SDK's own deprecations; only a type here
    from msgraph_beta.generated.users.item.profile.positions.positions_request_builder import (
        PositionsRequestBuilder,
    )

LOOPBACK = "127.0.0.1"
FAKE_TOKEN = "interop-fake-token"
T = TypeVar("T")


# ---------------------------------------------------------------------------- wiring


class LoopbackOnlyTransport(httpx.AsyncHTTPTransport):
    """The bottom of the SDK's middleware pipeline: every request, retries and redirects
    included, passes here, and none leaves for a host other than 127.0.0.1."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != LOOPBACK:
            raise RuntimeError(f"interop suite: refusing to send {request.method} {request.url}")
        return await super().handle_async_request(request)


class FixedTokenProvider(AccessTokenProvider):
    """A fixed fake bearer token, for 127.0.0.1 only (as kiota's validator decides)."""

    def __init__(self, token: str = FAKE_TOKEN) -> None:
        self._token = token
        self._hosts = AllowedHostsValidator([LOOPBACK])

    async def get_authorization_token(
        self, uri: str, additional_authentication_context: dict[str, Any] | None = None
    ) -> str:
        return self._token if self._hosts.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._hosts


@dataclass(frozen=True)
class SeenRequest:
    """One request as the reference received it."""

    method: str
    path: str
    authorization: str | None
    body: Any  # parsed JSON, or None when there was no body


class RecordingApp:
    """WSGI wrapper that records what reaches the reference, then passes it on unchanged."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.prefix: str = getattr(app, "prefix", "")
        self.seen: list[SeenRequest] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        raw = environ["wsgi.input"].read()
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        self.seen.append(
            SeenRequest(
                environ["REQUEST_METHOD"],
                environ["PATH_INFO"],
                environ.get("HTTP_AUTHORIZATION"),
                body,
            )
        )
        return self.app(environ, start_response)


@dataclass
class Reference:
    """The running reference: its base URL (ends in /beta) and the requests it received."""

    url: str
    recorder: RecordingApp

    def mark(self) -> int:
        """A bookmark in the record, for :meth:`since`."""
        return len(self.recorder.seen)

    def since(self, mark: int) -> list[SeenRequest]:
        """The requests received after ``mark`` was taken."""
        return self.recorder.seen[mark:]


@dataclass
class Sdk:
    """A ``GraphServiceClient`` bound to one event loop; ``run`` drives its coroutines."""

    client: GraphServiceClient
    loop: asyncio.AbstractEventLoop
    http: httpx.AsyncClient
    token: str

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    @property
    def positions(self) -> PositionsRequestBuilder:
        """``client.me.profile.positions``. In msgraph-beta-sdk 1.66.0 ``me`` is a plain
        method, not a property as in msgraph-sdk and in the docs' snippets, so it is called
        when it is callable."""
        me = self.client.me
        builder = me() if callable(me) else me
        return builder.profile.positions

    def try_delete(self, position_id: str) -> None:
        """Delete through the SDK; a position that is already gone is fine."""
        try:
            self.run(self.positions.by_work_position_id(position_id).delete())
        except ODataError as exc:
            if exc.response_status_code != 404:
                raise


def make_sdk_client(base_url: str, loop: asyncio.AbstractEventLoop) -> Sdk:
    """The SDK the way an application builds it, except for the credential and the transport:
    the beta ``GraphRequestAdapter`` over the SDK's default middleware and options."""
    http = httpx.AsyncClient(
        base_url=base_url,
        transport=LoopbackOnlyTransport(),
        trust_env=False,  # no proxy from the environment
        timeout=httpx.Timeout(30.0),
    )
    http = GraphClientFactory.create_with_default_middleware(
        api_version=APIVersion.beta, client=http, options=sdk_default_options
    )
    adapter = GraphRequestAdapter(
        BaseBearerTokenAuthenticationProvider(FixedTokenProvider(FAKE_TOKEN)), client=http
    )
    adapter.base_url = base_url
    return Sdk(GraphServiceClient(request_adapter=adapter), loop, http, FAKE_TOKEN)


# ---------------------------------------------------------------------------- the request body


def documented_position(*, is_current: bool = True) -> WorkPosition:
    """The Adventureworks position of the beta "Create workPosition" page, built with the
    SDK's models, plus a few properties that example leaves out so that every kind of value
    makes the round trip: an enum (allowedAudiences, as in the docs' responses), a string
    collection (categories), companyCode (from the Get page's response) and an Edm.Date."""
    address = PhysicalAddress(
        type=PhysicalAddressType.Business,
        street="123 Patriachy Ponds",
        city="Moscow",
        country_or_region="Russian Federation",
        postal_code="RU-34621",
    )
    company = CompanyDetail(
        display_name="Adventureworks Ltd.",
        department="Consulting",
        company_code="A-101",
        office_location="AW23/344",
        address=address,
        web_url="https://www.adventureworks.com",
    )
    detail = PositionDetail(
        company=company,
        job_title="Senior Product Branding Manager II",
        role="consulting",
        start_month_year=dt.date(2019, 9, 1),
    )
    return WorkPosition(
        detail=detail,
        is_current=is_current,
        allowed_audiences=AllowedAudiences.Organization,
        categories=["branding", "consulting"],
    )


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def reference() -> Iterator[Reference]:
    """The reference on a free 127.0.0.1 port, one per test module."""
    recorder = RecordingApp(create_app())
    with ReferenceServer(recorder, host=LOOPBACK, prefix=recorder.prefix) as server:
        assert server.url.endswith("/beta"), server.url
        yield Reference(server.url, recorder)


@pytest.fixture(scope="module")
def sdk(reference: Reference) -> Iterator[Sdk]:
    """The SDK client pointed at the reference, with its own event loop (httpx's connection
    pool belongs to the loop it was used on, so all calls of a module share one)."""
    loop = asyncio.new_event_loop()
    client = make_sdk_client(reference.url, loop)
    try:
        yield client
    finally:
        loop.run_until_complete(client.http.aclose())
        loop.close()


@pytest.fixture
def documented_body() -> Callable[..., WorkPosition]:
    """Factory of fresh request bodies (SDK models remember what was set on them)."""
    return documented_position


def _created(sdk: Sdk, body: WorkPosition) -> Iterator[WorkPosition]:
    position = sdk.run(sdk.positions.post(body))
    assert position is not None and position.id, "POST through the SDK returned no position"
    try:
        yield position
    finally:
        sdk.try_delete(position.id)


@pytest.fixture
def position(sdk: Sdk) -> Iterator[WorkPosition]:
    """A position created through the SDK from the documented body (isCurrent true)."""
    yield from _created(sdk, documented_position())


@pytest.fixture
def former_position(sdk: Sdk) -> Iterator[WorkPosition]:
    """The documented position, but created with isCurrent false, for the update test."""
    yield from _created(sdk, documented_position(is_current=False))
