"""The conforming variants really show the differences they stand for (else the end-to-end
no-false-alarm runs would prove nothing)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from werkzeug.test import Client

from .conforming_variants import VARIANTS

AUTH = {"Authorization": "Bearer selftest"}
COLLECTION = "/beta/me/profile/positions"
BODY = {
    "detail": {"jobTitle": "Variant check", "startMonthYear": "2021-03-01"},
    "manager": None,
    "isCurrent": True,
}


def client(name: str) -> Client:
    return Client(VARIANTS[name].make_app())


def create(app: Client) -> tuple[Any, dict[str, Any]]:
    response = app.post(COLLECTION, json=BODY, headers=AUTH)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response, json.loads(response.get_data())


def nulls(value: Any) -> int:
    if isinstance(value, dict):
        return sum(v is None or nulls(v) for v in value.values())
    if isinstance(value, list):
        return sum(nulls(v) for v in value)
    return 0


def test_extra_properties_appear_at_every_level_and_in_identity_sets():
    _, position = create(client("extra-properties"))

    assert "vendorExtension" in position and "vendorExtension" in position["detail"]
    assert "applicationInstance" in position["createdBy"]
    assert "vendorExtension" in position["createdBy"]["user"]


def test_omitted_nulls_leave_no_null_anywhere():
    app = client("omits-nulls")
    _, position = create(app)
    listed = json.loads(app.get(COLLECTION, headers=AUTH).get_data())

    assert nulls(position) == nulls(listed) == 0
    assert "manager" not in position


def test_shuffled_keys_change_the_order_between_answers():
    app = client("shuffled-keys")
    _, position = create(app)
    item = f"{COLLECTION}/{position['id']}"
    orders = {tuple(json.loads(app.get(item, headers=AUTH).get_data())) for _ in range(4)}

    assert len(orders) > 1


def test_millisecond_offset_timestamps_and_dates_as_date_times():
    _, position = create(client("millisecond-offset-timestamps"))

    assert re.fullmatch(r".*T\d\d:\d\d:\d\d\.\d{3}\+00:00", position["createdDateTime"])
    assert position["detail"]["startMonthYear"] == "2021-03-01T00:00:00+00:00"


def test_opaque_ids_are_not_guids():
    _, position = create(client("opaque-ids"))

    with pytest.raises(ValueError):
        uuid.UUID(position["id"])


def test_content_type_parameters_are_declared():
    response, _ = create(client("content-type-parameters"))

    assert response.headers["Content-Type"].startswith("Application/JSON; odata.metadata=")


@pytest.mark.parametrize("name", ["throttles-one-in-five", "every-allowed-difference"])
def test_throttling_answers_every_fifth_request_of_a_method_429_twice(name):
    app = client(name)
    statuses = [app.get(COLLECTION, headers=AUTH) for _ in range(16)]

    throttled = [i + 1 for i, r in enumerate(statuses) if r.status_code == 429]
    assert throttled == [5, 10]
    assert all(statuses[i - 1].headers["Retry-After"] == "1" for i in throttled)
    assert "error" in json.loads(statuses[4].get_data())


def test_every_allowed_difference_combines_them():
    app = client("every-allowed-difference")
    response = next(
        r
        for r in (app.post(COLLECTION, json=BODY, headers=AUTH) for _ in range(3))
        if r.status_code == 201
    )
    position = json.loads(response.get_data())

    assert "vendorExtension" in position and nulls(position) == 0
    assert position["createdDateTime"].endswith("+00:00")
    assert response.headers["Content-Type"].startswith("Application/JSON")
    with pytest.raises(ValueError):
        uuid.UUID(position["id"])
