"""Real-client interop: the official msgraph-beta-sdk (Python, kiota, async httpx) does create,
get, list, update and delete of a workPosition against the bundled reference implementation,
and reads every property back through its own models.

Run with ``make interop``. Each test is one operation, named after what it shows; positions
a test needs are made by fixtures (interop/conftest.py), never by an earlier test. Besides the
values, every test checks that the SDK's models found nothing they do not know: a member the
SDK had to park in ``additional_data`` (other than an OData annotation) is an interop defect.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from kiota_abstractions.serialization import Parsable
from msgraph_beta.generated.models.allowed_audiences import AllowedAudiences
from msgraph_beta.generated.models.company_detail import CompanyDetail
from msgraph_beta.generated.models.identity_set import IdentitySet
from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
from msgraph_beta.generated.models.physical_address import PhysicalAddress
from msgraph_beta.generated.models.physical_address_type import PhysicalAddressType
from msgraph_beta.generated.models.position_detail import PositionDetail
from msgraph_beta.generated.models.work_position import WorkPosition
from msgraph_beta.generated.models.work_position_collection_response import (
    WorkPositionCollectionResponse,
)

from positions_reference import DEFAULT_USERS

if TYPE_CHECKING:  # the fixtures' types, from interop/conftest.py
    from conftest import Reference, Sdk

# The SDK's generated request builders, imported on first use, warn about its own deprecations.
pytestmark = [
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning:msgraph_beta"),
    pytest.mark.filterwarnings(
        "ignore:GetQueryParameters is deprecated:DeprecationWarning:kiota_abstractions"
    ),
]

SIGNED_IN = DEFAULT_USERS[0]  # the reference's /me
CLOCK_SLACK = dt.timedelta(seconds=2)
POSITIONS_PATH = "/beta/me/profile/positions"


# ---------------------------------------------------------------------------- checks


def unknown_members(model: Any, path: str = "$") -> dict[str, Any]:
    """Every member the SDK could not map to a model property, anywhere in ``model``, by
    path. OData annotations (``@odata.context``, ``name@odata.type``...) do not count."""
    if isinstance(model, list):
        found: dict[str, Any] = {}
        for index, item in enumerate(model):
            found.update(unknown_members(item, f"{path}[{index}]"))
        return found
    if not isinstance(model, Parsable) or not dataclasses.is_dataclass(model):
        return {}
    found = {
        f"{path}.{key}": value
        for key, value in (getattr(model, "additional_data", None) or {}).items()
        if "@" not in key
    }
    for member in dataclasses.fields(model):
        if member.name not in ("backing_store", "additional_data"):
            found.update(unknown_members(getattr(model, member.name), f"{path}.{member.name}"))
    return found


def audiences(value: Any) -> list[Any]:
    """allowedAudiences as a list. msgraph-beta-sdk 1.66.0 types it as one AllowedAudiences
    but reads it as a flags enum, i.e. a list; a scalar is accepted too."""
    return value if isinstance(value, list) else [value]


def assert_documented_values(position: Any, *, is_current: bool) -> None:
    """Every property documented_position() sent, read back through the SDK's models, and
    the ones it did not send still unset."""
    assert isinstance(position, WorkPosition)
    assert position.is_current is is_current
    assert audiences(position.allowed_audiences) == [AllowedAudiences.Organization]
    assert position.categories == ["branding", "consulting"]
    assert position.inference is None
    assert position.source is None
    assert position.manager is None
    assert position.colleagues is None

    detail = position.detail
    assert isinstance(detail, PositionDetail)
    assert detail.job_title == "Senior Product Branding Manager II"
    assert detail.role == "consulting"
    assert detail.start_month_year == dt.date(2019, 9, 1)
    assert (detail.end_month_year, detail.description, detail.summary) == (None, None, None)
    assert (detail.level, detail.layer) == (None, None)

    company = detail.company
    assert isinstance(company, CompanyDetail)
    assert company.display_name == "Adventureworks Ltd."
    assert company.department == "Consulting"
    assert company.company_code == "A-101"
    assert company.office_location == "AW23/344"
    assert company.web_url == "https://www.adventureworks.com"
    assert (company.pronunciation, company.secondary_department) == (None, None)

    address = company.address
    assert isinstance(address, PhysicalAddress)
    assert address.type == PhysicalAddressType.Business
    assert address.street == "123 Patriachy Ponds"
    assert address.city == "Moscow"
    assert address.country_or_region == "Russian Federation"
    assert address.postal_code == "RU-34621"
    assert (address.state, address.post_office_box) == (None, None)


def assert_signed_in_user(identity_set: Any) -> None:
    assert isinstance(identity_set, IdentitySet)
    assert identity_set.user is not None
    assert identity_set.user.id == SIGNED_IN.id
    assert identity_set.user.display_name == SIGNED_IN.display_name
    assert (identity_set.application, identity_set.device) == (None, None)


def assert_server_managed(position: Any) -> None:
    """id, the two timestamps (as aware UTC datetimes) and the two identity sets."""
    assert isinstance(position.id, str) and position.id
    for stamp in (position.created_date_time, position.last_modified_date_time):
        assert isinstance(stamp, dt.datetime), stamp
        assert stamp.utcoffset() == dt.timedelta(0), stamp
    assert position.last_modified_date_time >= position.created_date_time
    assert_signed_in_user(position.created_by)
    assert_signed_in_user(position.last_modified_by)


def assert_nothing_unknown(model: Any, reference: Reference) -> None:
    assert unknown_members(model) == {}, "members the SDK's models do not know"
    context = model.additional_data.get("@odata.context", "")
    assert context.startswith(f"{reference.url}/$metadata#"), context


def assert_reference_saw(reference: Reference, mark: int, method: str, path: str) -> Any:
    """The one request sent since ``mark`` reached the reference as ``method path`` with the
    SDK's bearer token; returns it."""
    seen = reference.since(mark)
    assert [(r.method, r.path) for r in seen] == [(method, path)]
    return seen[0]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------------------- tests


def test_sdk_creates_the_documented_position_and_reads_it_back(
    sdk: Sdk, reference: Reference, documented_body: Callable[..., WorkPosition]
) -> None:
    mark, before = reference.mark(), now()
    created = sdk.run(sdk.positions.post(documented_body()))
    after = now()
    assert created is not None
    try:
        seen = assert_reference_saw(reference, mark, "POST", POSITIONS_PATH)
        assert seen.authorization == f"Bearer {sdk.token}"
        assert seen.body["@odata.type"] == "#microsoft.graph.workPosition"  # the SDK wrote it
        assert seen.body["detail"]["company"]["address"]["city"] == "Moscow"

        assert_documented_values(created, is_current=True)
        assert_server_managed(created)
        assert before - CLOCK_SLACK <= created.created_date_time <= after + CLOCK_SLACK
        assert created.last_modified_date_time == created.created_date_time
        assert_nothing_unknown(created, reference)
    finally:
        if created.id:
            sdk.try_delete(created.id)


def test_sdk_gets_the_position_by_id(
    sdk: Sdk, reference: Reference, position: WorkPosition
) -> None:
    assert position.id is not None
    mark = reference.mark()
    got = sdk.run(sdk.positions.by_work_position_id(position.id).get())
    assert_reference_saw(reference, mark, "GET", f"{POSITIONS_PATH}/{position.id}")

    assert got is not None and got.id == position.id
    assert_documented_values(got, is_current=True)
    assert_server_managed(got)
    assert got.created_date_time == position.created_date_time
    assert got.last_modified_date_time == position.last_modified_date_time
    assert_nothing_unknown(got, reference)


def test_sdk_lists_positions_including_the_new_one(
    sdk: Sdk, reference: Reference, position: WorkPosition
) -> None:
    mark = reference.mark()
    page = sdk.run(sdk.positions.get())
    assert_reference_saw(reference, mark, "GET", POSITIONS_PATH)

    assert isinstance(page, WorkPositionCollectionResponse)
    assert page.value and all(isinstance(item, WorkPosition) for item in page.value)
    assert page.odata_next_link is None
    listed = [item for item in page.value if item.id == position.id]
    assert len(listed) == 1, [item.id for item in page.value]
    assert_documented_values(listed[0], is_current=True)
    assert_server_managed(listed[0])
    assert listed[0].created_date_time == position.created_date_time
    assert_nothing_unknown(page, reference)  # every listed position, too


def test_sdk_patch_changes_only_is_current(
    sdk: Sdk, reference: Reference, former_position: WorkPosition
) -> None:
    before = former_position
    assert before.id is not None and before.is_current is False
    item = sdk.positions.by_work_position_id(before.id)

    mark = reference.mark()
    updated = sdk.run(item.patch(WorkPosition(is_current=True)))  # the Update page's example
    seen = assert_reference_saw(reference, mark, "PATCH", f"{POSITIONS_PATH}/{before.id}")
    assert {k: v for k, v in seen.body.items() if "@" not in k} == {"isCurrent": True}

    assert updated is not None and updated.id == before.id
    assert_documented_values(updated, is_current=True)
    assert_server_managed(updated)
    assert updated.created_date_time == before.created_date_time
    assert updated.last_modified_date_time > before.last_modified_date_time
    assert_nothing_unknown(updated, reference)

    reread = sdk.run(item.get())
    assert reread is not None
    assert_documented_values(reread, is_current=True)
    assert reread.last_modified_date_time == updated.last_modified_date_time


def test_sdk_delete_removes_the_position(
    sdk: Sdk, reference: Reference, position: WorkPosition
) -> None:
    assert position.id is not None
    item = sdk.positions.by_work_position_id(position.id)

    mark = reference.mark()
    assert sdk.run(item.delete()) is None
    assert_reference_saw(reference, mark, "DELETE", f"{POSITIONS_PATH}/{position.id}")

    with pytest.raises(ODataError) as caught:
        sdk.run(item.get())
    error = caught.value
    assert error.response_status_code == 404
    assert error.error is not None
    assert error.error.code == "itemNotFound"  # concepts/errors.md
    assert error.error.message
    assert error.error.inner_error is not None and error.error.inner_error.request_id
    assert unknown_members(error.error) == {}

    page = sdk.run(sdk.positions.get())
    assert page is not None and page.value is not None
    assert position.id not in [listed.id for listed in page.value]
