"""Addressing: /users/{id} and /users/{userPrincipalName} reach the same positions as /me; an
unknown user answers 404 or 403 and an unknown position id 404, with a Graph error body; an update
never creates."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from positions_harness.checks import samples
from positions_harness.checks.allowances import UNKNOWN_POSITION, UNKNOWN_USER
from positions_harness.checks.answers import describe, json_body, refused, status_is, succeeded
from positions_harness.checks.expect import expect
from positions_harness.checks.listing import item_with_id, listed
from positions_harness.checks.persistence import (
    as_it_was,
    fetched,
    given_deletion,
    given_position,
    listed_position,
)
from positions_harness.checks.position_shape import echoed
from positions_harness.checks.positions_api import (
    ITEM_OPERATIONS,
    ME,
    OPERATIONS,
    USERS_BY_ID,
    USERS_BY_UPN,
)
from positions_harness.checks.suite_params import FORM_REQUIREMENTS, addressing_forms

USERS_FORMS = (USERS_BY_ID, USERS_BY_UPN)
NOT_FOUND_IDS = ("POS-ERR-001", "POS-ERR-002")


def unknown_id() -> str:
    """An id in the form Graph uses that no service has given out."""
    return str(uuid.uuid4())


def addresses_signed_in_user(graph: Any, target_user: Any, via: str) -> bool:
    """Whether the /users form the run uses names the same user as /me (it may be configured)."""
    me = graph.get("/me").json()
    if via == USERS_BY_ID:
        return me.get("id") == target_user.id
    upn = me.get("userPrincipalName")
    return isinstance(upn, str) and upn.casefold() == (target_user.upn or "").casefold()


@pytest.mark.requirement("POS-ME-001", "POS-ERR-003")
def test_get_me_answers_200_with_the_signed_in_users_id(graph):
    response = graph.get("/me")

    status_is(response, 200, "POS-ME-001")
    me = json_body(response)
    expect(
        "POS-ME-001",
        isinstance(me, dict) and isinstance(me.get("id"), str) and me["id"],
        f"GET /me has no id: {me!r}"[:300],
    )
    upn = me.get("userPrincipalName")
    expect("POS-ME-001", upn is None or isinstance(upn, str), f"userPrincipalName is {upn!r}")


@pytest.mark.parametrize("via", addressing_forms("POS-TYPE-001", "POS-ERR-003", forms=USERS_FORMS))
def test_create_get_list_and_update_work_through_the_users_form_on_the_same_data_as_me(
    via, positions, graph, target_user, contract
):
    rid = FORM_REQUIREMENTS[via]
    body = samples.full_position()
    same_as_me = addresses_signed_in_user(graph, target_user, via)

    response = positions.create(body, via=via)
    succeeded(response, rid)
    created = json_body(response)
    expect(rid, isinstance(created, dict) and created.get("id"), f"no id; {describe(response)}")
    position_id = created["id"]
    listed_position(positions, contract, position_id, rid, via=via)
    views_agree(positions, contract, position_id, body, rid, via, same_as_me)

    change = {"isCurrent": True, "allowedAudiences": "contacts"}
    succeeded(positions.update(position_id, change, via=via), rid)
    views_agree(positions, contract, position_id, body, rid, via, same_as_me)


def views_agree(
    positions: Any,
    contract: Any,
    position_id: str,
    body: dict,
    rid: tuple[str, ...],
    via: str,
    same_as_me: bool,
) -> None:
    """A get through the form answers 200 and, for the signed-in user, shows what /me shows."""
    through_form = fetched(positions, contract, position_id, rid, via=via)
    if same_as_me:
        through_me = fetched(positions, contract, position_id, rid, via=ME)
        echoed(as_it_was(through_me, body), through_form, rid)


@pytest.mark.parametrize("via", addressing_forms("POS-DELETE-001", forms=USERS_FORMS))
def test_a_position_deleted_through_the_users_form_is_gone_as_through_me(
    via, positions, graph, target_user
):
    rid = FORM_REQUIREMENTS[via]
    same_as_me = addresses_signed_in_user(graph, target_user, via)
    owner = ME if same_as_me else via
    target = given_position(positions, samples.minimal_position(), via=owner)

    response = positions.delete(target["id"], via=via)

    succeeded(response, rid)
    status_is(response, 204, "POS-DELETE-001")
    # What a GET after a delete answers is POS-DELETE-002's; the form must only agree with /me,
    # so a control position is deleted through /me and read back the same way.
    expected = 404
    if same_as_me:
        control = given_position(positions, samples.minimal_position())
        given_deletion(positions, control["id"])
        expected = positions.get(control["id"]).status_code
    for form in (via, ME) if same_as_me else (via,):
        status = positions.get(target["id"], via=form).status_code
        expect(
            rid,
            status == expected,
            f"after a delete through {via}, a GET through {form} answers {status}; "
            f"expected {expected} as for a position deleted through /me",
        )


@pytest.mark.requirement("POS-ADDR-003", *NOT_FOUND_IDS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_an_unknown_user_answers_404_or_403_with_a_graph_error(operation, graph, contract):
    collection = f"/users/{unknown_id()}/profile/positions"
    path = f"{collection}/{unknown_id()}" if operation.on_item else collection

    response = graph.request(operation.method, path, json=operation.body)

    refused(response, contract, "POS-ADDR-003", UNKNOWN_USER)


@pytest.mark.requirement("POS-ADDR-004", *NOT_FOUND_IDS)
@pytest.mark.parametrize("operation", ITEM_OPERATIONS, ids=lambda o: o.name)
def test_an_unknown_position_id_answers_404_with_a_graph_error(operation, positions, contract):
    position_id = unknown_id()

    response = positions.send(operation, position_id)

    if operation.method == "PATCH" and response.status_code < 300:
        positions.client.ledger.record(positions.collection(), position_id)  # clean it up
    refused(response, contract, "POS-ADDR-004", UNKNOWN_POSITION)


@pytest.mark.requirement("POS-ADDR-005", "POS-ERR-003", "POS-TYPE-001")
def test_updating_an_unknown_position_id_does_not_create_it(positions, contract):
    position_id = unknown_id()

    response = positions.update(position_id, samples.minimal_position())

    if response.status_code < 300:
        positions.client.ledger.record(positions.collection(), position_id)  # clean it up
    after = positions.get(position_id)
    expect(
        "POS-ADDR-005",
        after.status_code == 404,
        f"after PATCH of unknown id {position_id!r} (answered {response.status_code}), "
        f"GET answers {after.status_code}",
    )
    item = item_with_id(listed(positions, contract), position_id)
    expect("POS-ADDR-005", item is None, f"the list now has position {position_id!r}")
