"""Schema-driven requests: every operation of the contract, with valid and invalid input.

Schemathesis generates requests from openapi/positions.yaml (documented examples, boundary and
invalid values keyword by keyword, random cases); each goes through the harness client with
the target user and an existing position in the path, and its answer is judged by the checks
in positions_harness.property.check_requirements, each failure landing on the requirement it breaks.
Deletes have tests of their own, so a target that does not claim delete keeps the others; so
have the reads with query options, whose failures land on the options' requirements (paging,
$select), so that a target that does not claim the feature keeps the plain reads.
"""

from __future__ import annotations

import pytest
import schemathesis

from positions_harness.property.check_requirements import STATELESS_CHECKS, marker_ids

ME, USERS = "^/me", "^/users/"
BY_ID, BY_UPN = "POS-ADDR-001", "POS-ADDR-002"
KEEPING = ("GET", "POST", "PATCH")

PAGING, SELECT = ("$top", "$skip", "$orderby"), ("$select",)  # as conftest.py generates them
LIST, LIST_AND_GET = "^/me/profile/positions$", "^/me/profile/positions"

via_me = schemathesis.pytest.from_fixture("contract_via_me")
via_me_with_paging = schemathesis.pytest.from_fixture("contract_via_me_with_paging")
via_me_with_select = schemathesis.pytest.from_fixture("contract_via_me_with_select")
via_id = schemathesis.pytest.from_fixture("contract_via_user_id")
via_upn = schemathesis.pytest.from_fixture("contract_via_user_upn")


@via_me.include(path_regex=ME).exclude(method="DELETE").parametrize()
@pytest.mark.requirement(*marker_ids(STATELESS_CHECKS, ME, KEEPING))
def test_generated_requests_to_me_are_answered_as_the_contract_says(case, send_and_judge):
    send_and_judge(case)


@via_id.include(path_regex=USERS).exclude(method="DELETE").parametrize()
@pytest.mark.requirement(*marker_ids(STATELESS_CHECKS, USERS, KEEPING, also=[BY_ID]))
def test_generated_requests_to_a_user_by_id_are_answered_as_the_contract_says(case, send_and_judge):
    send_and_judge(case, addressing_requirement=BY_ID)


@via_upn.include(path_regex=USERS).exclude(method="DELETE").parametrize()
@pytest.mark.requirement(*marker_ids(STATELESS_CHECKS, USERS, KEEPING, also=[BY_UPN]))
def test_generated_requests_to_a_user_by_upn_are_answered_as_the_contract_says(
    case, send_and_judge
):
    send_and_judge(case, addressing_requirement=BY_UPN)


@via_me.include(path_regex=ME, method="DELETE").parametrize()
@pytest.mark.requirement(*marker_ids(STATELESS_CHECKS, ME, ["DELETE"]))
def test_generated_deletes_to_me_are_answered_as_the_contract_says(case, send_and_judge):
    send_and_judge(case)


@via_id.include(path_regex=USERS, method="DELETE").parametrize()
@pytest.mark.requirement(*marker_ids(STATELESS_CHECKS, USERS, ["DELETE"], also=[BY_ID]))
def test_generated_deletes_to_a_user_by_id_are_answered_as_the_contract_says(case, send_and_judge):
    send_and_judge(case, addressing_requirement=BY_ID)


@via_upn.include(path_regex=USERS, method="DELETE").parametrize()
@pytest.mark.requirement(*marker_ids(STATELESS_CHECKS, USERS, ["DELETE"], also=[BY_UPN]))
def test_generated_deletes_to_a_user_by_upn_are_answered_as_the_contract_says(case, send_and_judge):
    send_and_judge(case, addressing_requirement=BY_UPN)


@via_me_with_paging.include(path_regex=LIST, method="GET").parametrize()
@pytest.mark.requirement(*marker_ids(STATELESS_CHECKS, LIST, ["GET"], query_options=PAGING))
def test_generated_paging_and_ordering_of_the_list_are_answered_as_the_contract_says(
    case, send_and_judge
):
    send_and_judge(case)


@via_me_with_select.include(path_regex=LIST_AND_GET, method="GET").parametrize()
@pytest.mark.requirement(*marker_ids(STATELESS_CHECKS, LIST_AND_GET, ["GET"], query_options=SELECT))
def test_generated_selects_are_answered_as_the_contract_says(case, send_and_judge):
    send_and_judge(case)
