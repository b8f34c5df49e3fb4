"""Freedoms in answering the List and Get query options ($select, $top, $skip, $orderby,
$filter) and in paging a List.

The List page names the options and says only that the default order is by createdDateTime; it
gives no page size, no ranges and no rule for what a `$select` answer may hold besides the
selected properties. `Listing` is the reference's List with seams (options a variant reads
itself, filtering, server-driven paging); the other variants override one reference hook each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from positions_reference import GraphError, GraphPositionsApp
from positions_reference.graph_types import (
    BOOLEAN,
    COMPLEX,
    DATE,
    ENTITY_TYPE,
    ENUM,
    INT32,
    STRING,
    TYPES,
)
from positions_reference.query import ListOptions
from positions_reference.store import Record, User

from . import Allowance

SKIPTOKEN = "$skiptoken"
FILTER = "$filter"
SERVER_PAGE_SIZE = 3
PAGE_SIZE_UNDER_TOP = 2
ALWAYS_SENT_WITH_SELECT = ("id", "createdDateTime", "lastModifiedDateTime")


def _bad_query(message: str) -> GraphError:
    return GraphError(400, "invalidRequest", message)


class SelectLeavesOutId(GraphPositionsApp):
    """A `$select` answer (List and Get) holds exactly the selected properties: `id` too is left
    out unless selected.

    OData v4.01 Part 1 §11.2.5.1 ($select): the answer holds the selected properties; the key is
    not among them unless selected (the service may add it, it need not). workposition-get.md:
    "Specify a list of properties to include in the response"."""

    def render_position(self, record: Record, select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, select)
        if select is None:
            return position
        return {k: v for k, v in position.items() if k in select}


class SelectAddsProperties(GraphPositionsApp):
    """A `$select` answer also holds `createdDateTime` and `lastModifiedDateTime`, unselected.

    OData v4.01 Part 1 §11.2.5.1 ($select): the service returns at least the selected
    properties and may return more (and clients must accept properties they did not ask for)."""

    def render_position(self, record: Record, select: Sequence[str] | None = None) -> dict:
        position = super().render_position(record, None)
        if select is None:
            return position
        wanted = set(select) | set(ALWAYS_SENT_WITH_SELECT)
        return {k: v for k, v in position.items() if k in wanted}


class OrderbyOnlyCreatedDateTime(GraphPositionsApp):
    """`$orderby` is accepted on `createdDateTime` only; any other property is refused with 400.

    profile-list-positions.md, Optional query parameters: the only order it names is
    createdDateTime; no page promises ordering by lastModifiedDateTime."""

    def parse_list_options(self, args: MultiDict[str, str]) -> ListOptions:
        options = super().parse_list_options(args)
        if any(name != "createdDateTime" for name, _ in options.orderby):
            raise _bad_query("$orderby is supported on createdDateTime only.")
        return options


class TopZeroRefused(GraphPositionsApp):
    """`$top=0` is refused with 400 (an empty page asked for on purpose).

    profile-list-positions.md: $top is "Number of results to be returned" with no range;
    concepts/errors.md lists zeroOrFewerResultsRequested ("Zero or fewer results requested")."""

    def parse_list_options(self, args: MultiDict[str, str]) -> ListOptions:
        options = super().parse_list_options(args)
        if options.top == 0:
            raise _bad_query("$top must be at least 1.")
        return options


class SkipPastTheEndRefused(GraphPositionsApp):
    """A `$skip` that skips every position (when there is at least one to skip) is refused with
    400 instead of answering an empty page.

    profile-list-positions.md: $skip is "Skip the first n results" with no range;
    concepts/errors.md lists invalidStartIndex ("Invalid start index")."""

    def list_positions(self, request: Request, user: User) -> Response:
        options = self.parse_list_options(request.args)
        count = len(self.store.list_records(user.id))
        if options.skip > 0 and options.skip >= count:
            raise _bad_query(f"$skip={options.skip} is past the last of {count} positions.")
        return super().list_positions(request, user)


class Listing(GraphPositionsApp):
    """The reference's List, with the options a variant reads itself (`OWN_OPTIONS`), a
    filtering step and server-driven paging (`PAGE_SIZE`, absolute or relative next links)."""

    OWN_OPTIONS: tuple[str, ...] = ()
    PAGE_SIZE: int | None = None  # None: no server-driven paging
    PAGE_UNDER_TOP = False  # page also when the client gave $top
    RELATIVE_LINKS = False

    def list_positions(self, request: Request, user: User) -> Response:
        own = {k.lower(): v for k, v in request.args.items(multi=True) if self._own(k)}
        rest = MultiDict([(k, v) for k, v in request.args.items(multi=True) if not self._own(k)])
        options = self.parse_list_options(rest)
        records = self.order_records(self.store.list_records(user.id), options.orderby)
        records = self.filter_records(records, own.get(FILTER))
        records = records[options.skip :]
        if options.top is not None:
            records = records[: options.top]
        body: dict[str, Any] = {
            "@odata.context": self.context_url(request, user, options.select, entity=False)
        }
        size = self.PAGE_SIZE if options.top is None or self.PAGE_UNDER_TOP else None
        if size:
            offset = self._offset(own.get(SKIPTOKEN))
            if offset + size < len(records):
                body["@odata.nextLink"] = self.next_link(request, offset + size)
            records = records[offset : offset + size]
        body["value"] = [self.render_position(r, options.select) for r in records]
        return self.json_response(200, body)

    def _own(self, name: str) -> bool:
        return name.lower() in self.OWN_OPTIONS

    def filter_records(self, records: list[Record], expression: str | None) -> list[Record]:
        return records

    @staticmethod
    def _offset(token: str | None) -> int:
        if token is None:
            return 0
        if not token.isdigit() or len(token) > 9:
            raise _bad_query("The $skiptoken is not one this service gave out.")
        return int(token)

    def next_link(self, request: Request, offset: int) -> str:
        pairs = [(k, v) for k, v in request.args.items(multi=True) if k.lower() != SKIPTOKEN]
        query = urlencode([*pairs, (SKIPTOKEN, str(offset))], quote_via=quote, safe="$,'")
        base = request.base_url
        if self.RELATIVE_LINKS:
            base = urlsplit(base).path  # an absolute-path reference: '/beta/me/profile/positions'
        return f"{base}?{query}"


class ServerPagingAbsolute(Listing):
    """A List without `$top` is answered in pages of 3, each but the last with an absolute
    `@odata.nextLink` (`$skiptoken`).

    OData v4.01 Part 1 §11.2.6.7 (Server-Driven Paging): a service may answer a partial
    collection with a next link; profile-list-positions.md names no page size."""

    OWN_OPTIONS = (SKIPTOKEN,)
    PAGE_SIZE = SERVER_PAGE_SIZE


class ServerPagingRelative(ServerPagingAbsolute):
    """As `server-paging-absolute`, with the next link a relative URL: the absolute-path
    reference `/beta/me/profile/positions?$skiptoken=3`.

    OData JSON Format v4.01 §4.3 (Relative URLs) and RFC 3986 §5.2. The absolute-path form
    resolves to the same URL against the request URL and against the context URL (OData's base),
    so it is relative under either reading."""

    RELATIVE_LINKS = True


class PagesUnderTop(Listing):
    """Even a List with `$top` is paged, 2 at a time, the next link carrying the rest up to
    `$top`: `$top=5` is three pages of 2, 2 and 1.

    OData v4.01 Part 1 §11.2.6.7 (Server-Driven Paging) applies whatever the client asked;
    Microsoft REST API guidelines, Pagination: clients must accept "a different page size" than
    the $top they sent."""

    OWN_OPTIONS = (SKIPTOKEN,)
    PAGE_SIZE = PAGE_SIZE_UNDER_TOP
    PAGE_UNDER_TOP = True


_LITERAL = r"true|false|null|-?[0-9]+|'(?:[^']|'')*'"
_CLAUSE = re.compile(rf"\s*([A-Za-z]+(?:/[A-Za-z]+)*)\s+eq\s+({_LITERAL})\s*")
_AND = re.compile(r"and\b")
_FILTERABLE = (STRING, BOOLEAN, INT32, ENUM, DATE)


def _literal(text: str) -> Any:
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    words = {"true": True, "false": False, "null": None}
    return words[text] if text in words else int(text)


def parse_filter(expression: str) -> list[tuple[tuple[str, ...], Any]]:
    """`path eq literal [and path eq literal ...]` over workPosition properties, as
    (property path, value) pairs; anything else is a 400."""
    clauses: list[tuple[tuple[str, ...], Any]] = []
    position = 0
    while True:
        match = _CLAUSE.match(expression, position)
        if match is None:
            raise _bad_query(f"Unsupported $filter expression '{expression[:100]}'.")
        path = tuple(match.group(1).split("/"))
        ctype = TYPES[ENTITY_TYPE]
        for i, name in enumerate(path):
            prop = ctype.props.get(name)
            last = i == len(path) - 1
            if prop is None or prop.collection or (prop.kind == COMPLEX) == last:
                raise _bad_query(f"Cannot filter on '{match.group(1)}'.")
            if not last:
                ctype = TYPES[prop.ref or ""]
        if prop.kind not in _FILTERABLE:
            raise _bad_query(f"Cannot filter on '{match.group(1)}'.")
        clauses.append((path, _literal(match.group(2))))
        position = match.end()
        if position == len(expression):
            return clauses
        more = _AND.match(expression, position)
        if more is None:
            raise _bad_query(f"Unsupported $filter expression '{expression[:100]}'.")
        position = more.end()


def _value_at(record: Record, path: tuple[str, ...]) -> Any:
    value: Any = record
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value


class FilterSupported(Listing):
    """`$filter` is supported for equality on scalar properties, e.g. `isCurrent eq true` or
    `detail/jobTitle eq 'Engineer'` (joined with `and`); other expressions get 400.

    profile-list-positions.md, Optional query parameters: $filter "Limits the response to only
    those objects that contain the specified criteria" (the reference refuses it)."""

    OWN_OPTIONS = (FILTER,)

    def filter_records(self, records: list[Record], expression: str | None) -> list[Record]:
        if expression is None:
            return records
        clauses = parse_filter(expression)
        return [r for r in records if all(_value_at(r, p) == v for p, v in clauses)]


VARIANTS = [
    Allowance(
        "select-leaves-out-id",
        "$select answers (List and Get) hold only the selected properties, id left out",
        SelectLeavesOutId,
        "OData v4.01 Part 1 §11.2.5.1 ($select); workposition-get.md, Optional query parameters",
    ),
    Allowance(
        "select-adds-properties",
        "$select answers also hold createdDateTime and lastModifiedDateTime, unselected",
        SelectAddsProperties,
        "OData v4.01 Part 1 §11.2.5.1 ($select): a service may return more than selected",
    ),
    Allowance(
        "orderby-only-created",
        "$orderby on anything but createdDateTime is refused with 400",
        OrderbyOnlyCreatedDateTime,
        "profile-list-positions.md, Optional query parameters (names createdDateTime only)",
    ),
    Allowance(
        "top-zero-refused",
        "$top=0 is refused with 400",
        TopZeroRefused,
        "profile-list-positions.md ($top: no range); concepts/errors.md, Detailed error codes",
    ),
    Allowance(
        "skip-past-end-refused",
        "$skip skipping every position is refused with 400 instead of an empty page",
        SkipPastTheEndRefused,
        "profile-list-positions.md ($skip: no range); concepts/errors.md, Detailed error codes",
    ),
    Allowance(
        "server-paging-absolute",
        "a List without $top comes in pages of 3 with an absolute @odata.nextLink",
        ServerPagingAbsolute,
        "OData v4.01 Part 1 §11.2.6.7 (Server-Driven Paging)",
    ),
    Allowance(
        "server-paging-relative",
        "a List without $top comes in pages of 3 with a relative @odata.nextLink",
        ServerPagingRelative,
        "OData JSON Format v4.01 §4.3 (Relative URLs); RFC 3986 §5.2",
    ),
    Allowance(
        "pages-under-top",
        "a List with $top is paged too, 2 per page, next links carrying the rest up to $top",
        PagesUnderTop,
        "OData v4.01 Part 1 §11.2.6.7; Microsoft REST API guidelines, Pagination",
    ),
    Allowance(
        "filter-supported",
        "$filter with eq on scalar properties is supported (the reference refuses it)",
        FilterSupported,
        "profile-list-positions.md, Optional query parameters ($filter)",
    ),
]
