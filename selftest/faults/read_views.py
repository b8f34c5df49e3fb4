"""Faults in get and list: what they return, $select and the shape of the list."""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from positions_reference import GraphPositionsApp
from positions_reference.store import User

from . import Fault


class SelectIgnoredOnGet(GraphPositionsApp):
    """Accepts $select on a single position but always returns every property."""

    def parse_entity_options(self, args: MultiDict[str, str]) -> tuple[str, ...] | None:
        super().parse_entity_options(args)
        return None


class ListIsABareArray(GraphPositionsApp):
    """Answers the list with a JSON array instead of an object with `value`."""

    def list_positions(self, request: Request, user: User) -> Response:
        response = super().list_positions(request, user)
        body = json.loads(response.get_data())
        return self.json_response(200, body["value"])


class GetDropsCompanyCode(GraphPositionsApp):
    """A get reads the company from an older view that has no companyCode (list is right)."""

    def get_position(self, request: Request, user: User, position_id: str) -> Response:
        response = super().get_position(request, user, position_id)
        body = json.loads(response.get_data())
        company = (body.get("detail") or {}).get("company") or {}
        company.pop("companyCode", None)
        return self.json_response(200, body)


FAULTS = [
    Fault(
        "select-ignored-on-get",
        "GET with $select returns every property, not only the selected ones",
        SelectIgnoredOnGet,
        {"POS-GET-004"},
    ),
    Fault(
        "list-is-a-bare-array",
        "the list answers a JSON array instead of an object with `value`",
        ListIsABareArray,
        {"POS-LIST-001"},
    ),
    Fault(
        "get-drops-company-code",
        "GET of one position leaves out detail.company.companyCode",
        GetDropsCompanyCode,
        {"POS-GET-002"},
    ),
]
