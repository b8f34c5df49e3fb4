"""Reading the list of positions to the end, page by page (`@odata.nextLink`)."""

from __future__ import annotations

import urllib.parse
from typing import Any

from ..contract.spec import Contract
from .answers import conforms, describe, json_body, status_is
from .expect import PreconditionFailed, expect
from .positions_api import ME, PositionsApi

COLLECTION_SCHEMA = "workPositionCollectionResponse"
# A guard against a service whose next links never end, not a limit on honest paging: a run's
# user has at most a few hundred positions, and a page of one item is the smallest page.
MAX_LIST_PAGES = 2000


def listed(
    positions: PositionsApi,
    contract: Contract,
    rid: str | tuple[str, ...] | None = None,
    via: str = ME,
    params: dict[str, str] | None = None,
    follow_next_links: bool = True,
) -> list[Any]:
    """The items of the list, following @odata.nextLink within BASE_URL; each item is checked
    against the workPosition schema (POS-TYPE-001).

    With `rid`, a list that is not 200 with an object whose `value` is an array fails `rid`;
    without, the list is only a means to another check and such a list is PreconditionFailed.
    """
    items: list[Any] = []
    response = positions.list(via=via, params=params)
    seen_links: set[str] = set()
    for _ in range(MAX_LIST_PAGES):
        if rid is None and response.status_code != 200:
            raise PreconditionFailed(f"could not list the positions; {describe(response)}")
        if rid is not None:
            status_is(response, 200, rid)
        body = json_body(response)
        shaped = isinstance(body, dict) and isinstance(body.get("value"), list)
        problem = f"the list is not an object with a `value` array; {describe(response)}"
        if rid is None and not shaped:
            raise PreconditionFailed(problem)
        if rid is not None:
            expect(rid, shaped, problem)
        conforms(contract, COLLECTION_SCHEMA, body)
        items += body["value"]
        next_path = next_page_path(body.get("@odata.nextLink"), response.url, positions)
        if not follow_next_links or next_path is None:
            return items
        if next_path in seen_links:
            raise PreconditionFailed(
                f"@odata.nextLink leads back to a page already read: {next_path}"
            )
        seen_links.add(next_path)
        response = positions.client.get(next_path)
    raise PreconditionFailed(f"the list did not end after {MAX_LIST_PAGES} pages")


def next_page_path(next_link: Any, page_url: str, positions: PositionsApi) -> str | None:
    """The path (under BASE_URL) of the next page, or None on the last page.

    OData JSON allows an absolute or a relative @odata.nextLink; a relative one is resolved
    against the URL of the page it came on. A link that leaves BASE_URL is never followed (the
    token goes to BASE_URL only), and is reported as a broken precondition.
    """
    if next_link is None:
        return None
    if not isinstance(next_link, str) or not next_link:
        raise PreconditionFailed(f"@odata.nextLink is {next_link!r}, not a URL")
    absolute = urllib.parse.urljoin(page_url, next_link)
    base = positions.client.base_url
    if not absolute.startswith(base + "/"):
        raise PreconditionFailed(
            f"@odata.nextLink {next_link!r} leads outside BASE_URL ({base}); not followed"
        )
    return absolute[len(base) :]


def item_with_id(items: list[Any], position_id: str) -> dict[str, Any] | None:
    return next((i for i in items if isinstance(i, dict) and i.get("id") == position_id), None)
