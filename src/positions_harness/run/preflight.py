"""Before any test: can the target be reached, does it take the token, who is the user, and is
there a positions collection that answers like Graph? Each problem is one sentence and exit 3."""

from __future__ import annotations

import json
import os

import requests

from ..checks.positions_api import TargetUser
from ..errors import BudgetExhausted, TargetUnusable
from ..transport.bodies import ResponseTooLarge, json_object
from ..transport.client import GraphClient


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "No route to host",
        "timed out",
        "Connection reset",
        "Temporary failure in name resolution",
    ):
        if marker.lower() in text.lower():
            return marker.lower()
    return type(exc).__name__


# Set by `positions-harness run` for the pytest processes it starts: the target at this URL
# passed the preflight, and this is its user. They skip asking again (two requests each).
PREFLIGHT_DONE_ENV = "POSITIONS_PREFLIGHT_DONE"


def preflight_result(base_url: str, user: TargetUser) -> str:
    """What the run's preflight found, for PREFLIGHT_DONE_ENV (no secret: URL, id, UPN)."""
    return json.dumps({"base_url": base_url, "id": user.id, "upn": user.upn})


def _earlier_result(base_url: str) -> TargetUser | None:
    try:
        done = json.loads(os.environ.get(PREFLIGHT_DONE_ENV) or "null")
    except ValueError:
        return None
    if not isinstance(done, dict) or done.get("base_url") != base_url:
        return None
    return TargetUser(id=done.get("id"), upn=done.get("upn"))


def preflight(client: GraphClient, user_id: str | None, user_upn: str | None) -> TargetUser:
    """Checks the target answers GET /me and its positions collection like Graph; raises
    TargetUnusable with one sentence. A process that `positions-harness run` started takes the
    answer the run's own preflight got."""
    earlier = _earlier_result(client.base_url)
    if earlier is not None:
        return earlier
    user = _signed_in_user(client, user_id, user_upn)
    _positions_collection(client)
    return user


def _get(client: GraphClient, path: str) -> requests.Response:
    """GET `path`, with every way it can fail to answer said in one sentence."""
    base = client.base_url
    try:
        return client.get(path)
    except requests.exceptions.SSLError as exc:
        plain = "wrong version number" in str(exc).lower() or "record layer" in str(exc).lower()
        hint = (
            "the port speaks plain HTTP; use an http:// BASE_URL"
            if plain
            else "its TLS certificate or handshake was refused"
        )
        raise TargetUnusable(f"Cannot talk TLS to {base}: {hint}.") from None
    except requests.Timeout:
        raise TargetUnusable(
            f"{base} did not answer GET {path} within {client.limits.timeout_seconds:.0f} s; "
            "check BASE_URL and that the service is up (or raise limits.timeout_seconds)."
        ) from None
    except requests.ConnectionError as exc:
        raise TargetUnusable(
            f"Cannot connect to {base} ({_reason(exc)}); check BASE_URL and that the service "
            "is running."
        ) from None
    except ResponseTooLarge:
        raise TargetUnusable(
            f"{base} answered GET {path} with a body over 10 MiB; check that BASE_URL points "
            "at the positions service."
        ) from None
    except (requests.RequestException, BudgetExhausted) as exc:
        raise TargetUnusable(
            f"GET {base}{path} failed ({type(exc).__name__}); check BASE_URL and the service."
        ) from None


def _positions_collection(client: GraphClient) -> None:
    """The signed-in user's positions answer 200 with JSON: without that (HTML, a 404, no
    body), every suite would fail for a reason that is not the service's conformance. Whether
    the JSON has the collection's shape is POS-LIST-001's to judge."""
    path = "/me/profile/positions"
    response = _get(client, path)
    if response.status_code == 200 and _is_json(response):
        return
    kind = response.headers.get("Content-Type", "no Content-Type").split(";")[0] or "no type"
    raise TargetUnusable(
        f"{client.base_url} answered GET {path} with {response.status_code} ({kind}), not a "
        "list of positions; it is not a Graph positions service at that address - check that "
        "BASE_URL is the service root including the version path (e.g. https://host/beta)."
    )


def _signed_in_user(client: GraphClient, user_id: str | None, user_upn: str | None) -> TargetUser:
    base = client.base_url
    response = _get(client, "/me")
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        raise TargetUnusable(
            f"{base} redirects GET /me to {response.headers.get('Location', 'elsewhere')}; the "
            "harness never follows redirects (the token would go along), so use the final URL."
        )
    if status == 401:
        raise TargetUnusable(
            f"{base} refused the token (401 on GET /me); set "
            f"{client.transcript.token_variable} to a valid, unexpired bearer token for this "
            "service."
        )
    body = json_object(response)
    if status == 200 and body is not None and isinstance(body.get("id"), str) and body["id"]:
        upn = body.get("userPrincipalName")
        return TargetUser(
            id=user_id or body["id"], upn=user_upn or (upn if isinstance(upn, str) else None)
        )
    if status >= 500 or (body is None and status == 200):
        raise TargetUnusable(
            f"{base} answered GET /me with {status} and "
            f"{'no JSON object' if body is None else 'an error'}; it is not a Graph service at "
            "that address - check BASE_URL (it should end with the version, e.g. /beta)."
        )
    if status not in (404, 405) and (user_id or user_upn):
        return TargetUser(id=user_id, upn=user_upn)  # /me answers, but not with the user's id
    raise TargetUnusable(
        f"{base} answered GET /me with {status}; there is no Graph service at that address - "
        "check that BASE_URL is the service root including the version path (e.g. /beta)."
    )


def _is_json(response: requests.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True
