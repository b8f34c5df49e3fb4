"""Reading the list of positions to the end, page by page (`@odata.nextLink`)."""

from __future__ import annotations

from typing import Any

from ..contract.spec import Contract
from .answers import conforms, describe, json_body, status_is
from .expect import PreconditionFailed, expect
from .positions_api import ME, PositionsApi

COLLECTION_SCHEMA = "workPositionCollectionResponse"
MAX_LIST_PAGES = 20


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
        next_link = body.get("@odata.nextLink")
        base = positions.client.base_url
        if not (follow_next_links and isinstance(next_link, str) and next_link.startswith(base)):
            break
        response = positions.client.get(next_link[len(base) :])
    return items


def item_with_id(items: list[Any], position_id: str) -> dict[str, Any] | None:
    return next((i for i in items if isinstance(i, dict) and i.get("id") == position_id), None)
