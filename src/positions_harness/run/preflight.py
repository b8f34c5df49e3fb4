"""Before any test: can the target be reached, does it take the token, who is the user?"""

from __future__ import annotations

import requests

from ..checks.positions_api import TargetUser
from ..errors import BudgetExhausted, TargetUnusable
from ..transport.client import GraphClient, ResponseTooLarge, json_object


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


def preflight(client: GraphClient, user_id: str | None, user_upn: str | None) -> TargetUser:
    """Checks the target answers GET /me like Graph; raises TargetUnusable with one sentence."""
    base = client.base_url
    try:
        response = client.get("/me")
    except requests.Timeout:
        raise TargetUnusable(
            f"{base} did not answer GET /me within {client.limits.timeout_seconds:.0f} s; "
            "check BASE_URL and that the service is up (or raise limits.timeout_seconds)."
        ) from None
    except requests.ConnectionError as exc:
        raise TargetUnusable(
            f"Cannot connect to {base} ({_reason(exc)}); check BASE_URL and that the service "
            "is running."
        ) from None
    except ResponseTooLarge:
        raise TargetUnusable(
            f"{base} answered GET /me with a body over 10 MiB; check that BASE_URL points at "
            "the positions service."
        ) from None
    except (requests.RequestException, BudgetExhausted) as exc:
        raise TargetUnusable(
            f"GET {base}/me failed ({type(exc).__name__}); check BASE_URL and the service."
        ) from None

    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        raise TargetUnusable(
            f"{base} redirects GET /me to {response.headers.get('Location', 'elsewhere')}; the "
            "harness never follows redirects (the token would go along), so use the final URL."
        )
    if status == 401:
        raise TargetUnusable(
            f"{base} refused the token (401 on GET /me); set GRAPH_TOKEN to a valid, unexpired "
            "bearer token for this service."
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
            f"{'no JSON object' if body is None else 'an error'}; it does not look like a "
            "Graph service - check BASE_URL (it should end with the version, e.g. /beta)."
        )
    if user_id or user_upn:
        return TargetUser(id=user_id, upn=user_upn)
    raise TargetUnusable(
        f"{base} answered GET /me with {status}, so the user cannot be discovered; check that "
        "BASE_URL ends with the version path (e.g. /beta) or set GRAPH_USER_ID and GRAPH_USER_UPN."
    )
