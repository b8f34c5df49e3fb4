"""Which answers a conforming service may give where the docs do not name one, each decision
written once with its reason (DESIGN: "insist only on what a page states; where a page is
silent, accept the whole class HTTP, OData and Graph allow").

The checks read these sets; a selftest proves each with an allowance variant of the reference
(selftest/allowance_variants/) that answers the less common member of the set.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Statuses:
    """Acceptable statuses: an explicit set, or a class (e.g. 4xx) less some codes."""

    codes: frozenset[int] = frozenset()
    status_class: int | None = None  # 4 for any 4xx
    excluded: frozenset[int] = frozenset()
    reason: str = ""

    def __contains__(self, status: object) -> bool:
        if not isinstance(status, int) or status in self.excluded:
            return False
        in_class = self.status_class is not None and status // 100 == self.status_class
        return status in self.codes or in_class

    def __str__(self) -> str:
        parts = [str(code) for code in sorted(self.codes)]
        if self.status_class is not None:
            but = f" but {', '.join(map(str, sorted(self.excluded)))}" if self.excluded else ""
            parts.append(f"any {self.status_class}xx{but}")
        return " or ".join(parts)


def exactly(*codes: int, reason: str = "") -> Statuses:
    return Statuses(codes=frozenset(codes), reason=reason)


INVALID_INPUT = Statuses(
    status_class=4,
    excluded=frozenset({401, 403, 404, 429}),
    reason=(
        "concepts/errors.md lists 400 for a malformed or incorrect request and 422 for one the "
        "server cannot process; no page names the code per invalid value, so any client error "
        "that does not claim the request was unauthenticated, forbidden, aimed at nothing or "
        "throttled is a refusal"
    ),
)
FOREIGN_MEDIA_TYPE = INVALID_INPUT  # 415 is one of them; RFC 9110 §15.5.16
GONE_AFTER_DELETE = exactly(
    404,
    410,
    reason="concepts/errors.md lists 404 Not Found and 410 Gone for a resource no longer there",
)
UNKNOWN_USER = exactly(
    404,
    403,
    reason=(
        "a user the token may not see can be answered 403 as plausibly as 404 "
        "(concepts/errors.md lists both); the pages name neither for this case"
    ),
)
MISSING_CREDENTIALS = exactly(
    401, reason="RFC 6750 §3.1: a request without credentials gets 401 (errors.md: 401)"
)
MALFORMED_CREDENTIALS = exactly(
    401,
    400,
    reason="RFC 6750 §3.1: a malformed request (an empty bearer, another scheme) may get "
    "400 invalid_request as well as 401",
)
UNDEFINED_METHOD = exactly(
    400,
    404,
    405,
    501,
    reason=(
        "the spec lists no TRACE, PUT or QUERY; RFC 9110 §15.5.6 gives 405 for a method the "
        "resource does not allow and §15.6.2 501 for one the server does not recognise; Graph "
        "answers 400 or 404 for routes it does not have"
    ),
)
UNKNOWN_POSITION = exactly(404, reason="concepts/errors.md: 404 for a resource that does not exist")
CLIENT_ERROR = Statuses(status_class=4, reason="a request the API does not define is refused")
# 5xx a service may answer without breaking POS-ERR-002: 503 is transient weather (retried by
# the client; errors.md: Retry-After is optional on it); 501 only for an UNDEFINED_METHOD.
TRANSIENT_SERVER_ERRORS = frozenset({503})
