"""Self-tests for the reference workPosition service (src/positions_reference)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from positions_reference import GraphPositionsApp, ReferenceServer, create_app

ME_ID = "db789417-4ccb-41d1-a0a9-47b01a09ea49"
ME_UPN = "innocenty.popov@contoso.example"
JSON_CT = (
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8"
)
TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z")
GUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SRC = Path(__file__).resolve().parents[1] / "src"

SAMPLE = {
    "detail": {
        "company": {
            "displayName": "Adventureworks Ltd.",
            "department": "Consulting",
            "officeLocation": "AW23/344",
            "address": {
                "type": "business",
                "street": "123 Patriachy Ponds",
                "city": "Moscow",
                "countryOrRegion": "Russian Federation",
                "postalCode": "RU-34621",
            },
            "webUrl": "https://www.adventureworks.com",
        },
        "jobTitle": "Senior Product Branding Manager II",
        "role": "consulting",
    },
    "isCurrent": True,
}
TOP_LEVEL = [
    "id",
    "allowedAudiences",
    "inference",
    "createdDateTime",
    "createdBy",
    "lastModifiedDateTime",
    "lastModifiedBy",
    "source",
    "categories",
    "detail",
    "manager",
    "colleagues",
    "isCurrent",
]


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer(create_app()) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _clean_store(server: ReferenceServer) -> None:
    server.app.store.clear()


@pytest.fixture
def api(server: ReferenceServer) -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers["Authorization"] = "Bearer test-token"
    yield session
    session.close()


@pytest.fixture
def base(server: ReferenceServer) -> str:
    return server.url


@pytest.fixture
def positions(base: str) -> str:
    return f"{base}/me/profile/positions"


def create(api: requests.Session, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = api.post(url, json=SAMPLE if body is None else body)
    assert response.status_code == 201, response.text
    return response.json()


def assert_error(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == JSON_CT
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    inner = error["innerError"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", inner["date"])
    assert inner["request-id"] == response.headers["request-id"]
    assert inner["client-request-id"] == response.headers["client-request-id"]
    return error


# ---------------------------------------------------------------- happy paths


def test_get_me(api: requests.Session, base: str) -> None:
    response = api.get(f"{base}/me")
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"].endswith("/beta/$metadata#users/$entity")
    assert body["id"] == ME_ID
    assert body["userPrincipalName"] == ME_UPN
    assert body["displayName"] == "Innocenty Popov"


def test_create_returns_full_representation(api: requests.Session, positions: str) -> None:
    response = api.post(positions, json=SAMPLE)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == JSON_CT
    body = response.json()
    assert list(body) == ["@odata.context", *TOP_LEVEL]
    assert body["@odata.context"].endswith(f"/$metadata#users('{ME_ID}')/profile/positions/$entity")
    assert GUID_RE.fullmatch(body["id"])
    assert TIMESTAMP_RE.fullmatch(body["createdDateTime"])
    assert body["createdDateTime"] == body["lastModifiedDateTime"]
    who = {
        "application": None,
        "device": None,
        "user": {"displayName": "Innocenty Popov", "id": ME_ID},
    }
    assert body["createdBy"] == who and body["lastModifiedBy"] == who
    for unset in ("allowedAudiences", "inference", "source", "categories", "manager", "colleagues"):
        assert body[unset] is None
    detail = body["detail"]
    assert set(detail) == {
        "company",
        "description",
        "endMonthYear",
        "jobTitle",
        "layer",
        "level",
        "role",
        "startMonthYear",
        "summary",
    }
    assert detail["description"] is None and detail["jobTitle"] == SAMPLE["detail"]["jobTitle"]
    company = detail["company"]
    assert set(company) == {
        "displayName",
        "pronunciation",
        "department",
        "companyCode",
        "secondaryDepartment",
        "officeLocation",
        "address",
        "webUrl",
    }
    assert company["pronunciation"] is None
    assert company["address"] == {
        "type": "business",
        "postOfficeBox": None,
        "street": "123 Patriachy Ponds",
        "city": "Moscow",
        "state": None,
        "countryOrRegion": "Russian Federation",
        "postalCode": "RU-34621",
    }
    assert body["isCurrent"] is True
    location = response.headers["Location"]
    assert location.endswith(f"/beta/users/{ME_ID}/profile/positions/{body['id']}")
    fetched = api.get(location)
    assert fetched.status_code == 200
    assert {k: v for k, v in fetched.json().items() if k != "@odata.context"} == {
        k: v for k, v in body.items() if k != "@odata.context"
    }


def test_nested_object_set_but_empty_has_all_properties(
    api: requests.Session, positions: str
) -> None:
    body = create(api, positions, {"detail": {}, "inference": {"confidenceScore": 1}})
    assert body["detail"]["company"] is None and body["detail"]["jobTitle"] is None
    assert body["inference"] == {"confidenceScore": 1.0, "userHasVerifiedAccuracy": None}


def test_every_settable_property_round_trips(api: requests.Session, positions: str) -> None:
    person = {
        "displayName": "Anna",
        "relationship": "manager",
        "userId": "u1",
        "userPrincipalName": "anna@contoso.example",
    }
    full = {
        "allowedAudiences": "organization",
        "inference": {"confidenceScore": 0.75, "userHasVerifiedAccuracy": False},
        "source": {"type": "LinkedIn"},
        "categories": ["digital transformation", "ms graph"],
        "detail": {
            "company": {
                "companyCode": "A-101",
                "secondaryDepartment": "R&D",
                "pronunciation": "ad-ven-ture",
            },
            "description": "d",
            "endMonthYear": "2021-12-01",
            "layer": -3,
            "level": "L5",
            "startMonthYear": "2019-02-28",
            "summary": "s",
        },
        "manager": person,
        "colleagues": [{**person, "relationship": "colleague"}, {"displayName": "Bo"}],
        "isCurrent": False,
    }
    body = create(api, positions, full)
    assert body["allowedAudiences"] == "organization"
    assert body["inference"] == full["inference"]
    assert body["source"] == {"type": "LinkedIn"}
    assert body["categories"] == full["categories"]
    assert body["detail"]["layer"] == -3
    assert body["detail"]["startMonthYear"] == "2019-02-28"
    assert body["detail"]["company"]["companyCode"] == "A-101"
    assert body["manager"] == person
    assert body["colleagues"][1] == {
        "displayName": "Bo",
        "relationship": None,
        "userId": None,
        "userPrincipalName": None,
    }
    assert body["isCurrent"] is False


def test_strings_are_stored_exactly(api: requests.Session, positions: str) -> None:
    odd = "  \U0001f600 Zoë \u4e2d\u6587\t\n\u200b\U00010348 "
    body = create(api, positions, {"detail": {"jobTitle": odd}, "categories": ["", odd]})
    fetched = api.get(f"{positions}/{body['id']}").json()
    assert fetched["detail"]["jobTitle"] == odd
    assert fetched["categories"] == ["", odd]


def test_list_sorted_by_created_with_paging_and_orderby(
    api: requests.Session, positions: str
) -> None:
    ids = [create(api, positions, {"detail": {"jobTitle": f"job {i}"}})["id"] for i in range(5)]
    listed = api.get(positions)
    assert listed.status_code == 200
    body = listed.json()
    assert body["@odata.context"].endswith(f"/$metadata#users('{ME_ID}')/profile/positions")
    assert [p["id"] for p in body["value"]] == ids
    assert all(list(p) == TOP_LEVEL for p in body["value"])
    page = api.get(positions, params={"$top": "2", "$skip": "1"}).json()["value"]
    assert [p["id"] for p in page] == ids[1:3]
    assert api.get(positions, params={"$top": "0"}).json()["value"] == []
    desc = api.get(positions, params={"$orderby": "createdDateTime desc"}).json()["value"]
    assert [p["id"] for p in desc] == ids[::-1]
    api.patch(f"{positions}/{ids[0]}", json={"isCurrent": True})
    by_modified = api.get(positions, params={"$orderby": "lastModifiedDateTime desc"}).json()
    assert by_modified["value"][0]["id"] == ids[0]


@pytest.mark.parametrize(
    "params",
    [
        {"$top": "-1"},
        {"$top": "abc"},
        {"$top": "1.5"},
        {"$skip": "x"},
        {"$top": "99999999999"},
        {"$orderby": "jobTitle"},
        {"$orderby": "createdDateTime sideways"},
        {"$orderby": ""},
        {"$select": "nope"},
        {"$select": ""},
        {"$select": "detail/jobTitle"},
        {"$count": "true"},
        {"$expand": "detail"},
    ],
)
def test_invalid_list_query_options(
    api: requests.Session, positions: str, params: dict[str, str]
) -> None:
    assert_error(api.get(positions, params=params), 400, "BadRequest")


def test_filter_is_rejected(api: requests.Session, positions: str) -> None:
    error = assert_error(
        api.get(positions, params={"$filter": "isCurrent eq true"}), 400, "BadRequest"
    )
    assert "$filter" in error["message"]


def test_select_on_get_and_list(api: requests.Session, positions: str) -> None:
    created = create(api, positions)
    one = api.get(f"{positions}/{created['id']}", params={"$select": "detail,isCurrent"})
    assert one.status_code == 200
    body = one.json()
    assert set(body) == {"@odata.context", "id", "detail", "isCurrent"}
    assert body["detail"] == created["detail"]
    listed = api.get(positions, params={"$select": "categories"}).json()["value"]
    assert listed == [{"id": created["id"], "categories": None}]
    bad = api.get(f"{positions}/{created['id']}", params={"$select": "detail,bogus"})
    assert "bogus" in assert_error(bad, 400, "BadRequest")["message"]


def test_patch_merges_recursively(api: requests.Session, positions: str) -> None:
    created = create(
        api,
        positions,
        {
            **SAMPLE,
            "categories": ["a", "b"],
            "colleagues": [{"displayName": "X"}, {"displayName": "Y"}],
            "inference": {"confidenceScore": 0.5, "userHasVerifiedAccuracy": True},
        },
    )
    url = f"{positions}/{created['id']}"
    response = api.patch(
        url,
        json={
            "detail": {
                "company": {"address": {"city": "Kazan"}, "department": None},
                "summary": "new",
            },
            "categories": ["c"],
            "colleagues": [{"displayName": "Z"}],
            "inference": {"confidenceScore": 0.9},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    company = body["detail"]["company"]
    assert company["address"]["city"] == "Kazan"
    assert company["address"]["street"] == "123 Patriachy Ponds"
    assert company["department"] is None
    assert company["displayName"] == "Adventureworks Ltd."
    assert body["detail"]["jobTitle"] == SAMPLE["detail"]["jobTitle"]
    assert body["detail"]["summary"] == "new"
    assert body["categories"] == ["c"]
    assert [c["displayName"] for c in body["colleagues"]] == ["Z"]
    assert body["inference"] == {"confidenceScore": 0.9, "userHasVerifiedAccuracy": True}
    assert body["isCurrent"] is True
    assert api.get(url).json() | {"@odata.context": None} == body | {"@odata.context": None}


def test_patch_null_clears_and_absent_keeps(api: requests.Session, positions: str) -> None:
    created = create(api, positions, {**SAMPLE, "allowedAudiences": "everyone"})
    url = f"{positions}/{created['id']}"
    body = api.patch(url, json={"isCurrent": None, "detail": {"company": None}}).json()
    assert body["isCurrent"] is None
    assert body["detail"]["company"] is None
    assert body["detail"]["role"] == "consulting"
    assert body["allowedAudiences"] == "everyone"
    body = api.patch(url, json={"detail": None}).json()
    assert body["detail"] is None
    body = api.patch(url, json={"detail": {"level": "L1"}}).json()
    assert body["detail"]["level"] == "L1" and body["detail"]["jobTitle"] is None


def test_patch_moves_last_modified_only(api: requests.Session, positions: str) -> None:
    created = create(api, positions)
    url = f"{positions}/{created['id']}"
    previous = created["lastModifiedDateTime"]
    for _ in range(20):
        body = api.patch(url, json={}).json()
        assert body["lastModifiedDateTime"] > previous
        previous = body["lastModifiedDateTime"]
        assert TIMESTAMP_RE.fullmatch(previous)
        for key in ("id", "createdDateTime", "createdBy"):
            assert body[key] == created[key]


def test_server_managed_fields_are_ignored(api: requests.Session, positions: str) -> None:
    someone = {
        "application": None,
        "device": None,
        "user": {"displayName": "Mallory", "id": "00000000-0000-0000-0000-000000000001"},
    }
    fake = {
        "id": "my-own-id",
        "createdDateTime": "2001-01-01T00:00:00Z",
        "lastModifiedDateTime": "2001-01-01T00:00:00.1234567+02:00",
        "createdBy": someone,
        "lastModifiedBy": someone,
    }
    created = create(api, positions, {**SAMPLE, **fake})
    assert created["id"] != "my-own-id"
    assert not created["createdDateTime"].startswith("2001")
    assert created["createdBy"]["user"]["id"] == ME_ID
    assert created["lastModifiedBy"]["user"]["id"] == ME_ID
    url = f"{positions}/{created['id']}"
    patched = api.patch(url, json=fake)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["id"] == created["id"]
    assert body["createdDateTime"] == created["createdDateTime"]
    assert body["lastModifiedDateTime"] > created["lastModifiedDateTime"]
    assert body["lastModifiedBy"]["user"]["id"] == ME_ID
    assert api.get(f"{positions}/my-own-id").status_code == 404


def test_odata_type_annotations(api: requests.Session, positions: str) -> None:
    ok = {
        "@odata.type": "#microsoft.graph.workPosition",
        "detail": {
            "@odata.type": "microsoft.graph.positionDetail",
            "company": {
                "@odata.type": "#microsoft.graph.companyDetail",
                "address": {"@odata.type": "#microsoft.graph.physicalAddress"},
            },
        },
        "colleagues": [{"@odata.type": "#microsoft.graph.relatedPerson"}],
    }
    body = create(api, positions, ok)
    assert "@odata.type" not in body["detail"]
    wrong = {"detail": {"@odata.type": "#microsoft.graph.companyDetail"}}
    assert_error(api.post(positions, json=wrong), 400, "BadRequest")
    assert_error(
        api.post(positions, json={"@odata.type": "#microsoft.graph.user"}), 400, "BadRequest"
    )


def test_delete_then_404(api: requests.Session, positions: str) -> None:
    created = create(api, positions)
    url = f"{positions}/{created['id']}"
    response = api.delete(url)
    assert response.status_code == 204
    assert response.content == b""
    assert GUID_RE.fullmatch(response.headers["request-id"])
    assert_error(api.delete(url), 404, "itemNotFound")
    assert_error(api.get(url), 404, "itemNotFound")
    assert api.get(positions).json()["value"] == []


def test_patch_unknown_id_is_404_and_creates_nothing(api: requests.Session, positions: str) -> None:
    missing = str(uuid.uuid4())
    assert_error(api.patch(f"{positions}/{missing}", json={"isCurrent": True}), 404, "itemNotFound")
    assert api.get(positions).json()["value"] == []
    assert_error(api.get(f"{positions}/{missing}"), 404, "itemNotFound")


# ---------------------------------------------------------------- users


def test_upn_and_id_forms_share_the_me_collection(
    api: requests.Session, base: str, positions: str
) -> None:
    created = create(api, f"{base}/users/{ME_UPN.upper()}/profile/positions")
    assert [p["id"] for p in api.get(positions).json()["value"]] == [created["id"]]
    by_id = api.get(f"{base}/users/{ME_ID}/profile/positions/{created['id']}")
    assert by_id.status_code == 200
    escaped = ME_UPN.replace("@", "%40")
    assert (
        api.get(f"{base}/users/{escaped}/profile/positions").json()["value"][0]["id"]
        == (created["id"])
    )


def test_second_user_is_separate(
    api: requests.Session, server: ReferenceServer, base: str, positions: str
) -> None:
    other = server.app.users[1]
    url = f"{base}/users/{other.user_principal_name}/profile/positions"
    created = create(api, url)
    assert created["createdBy"]["user"]["id"] == ME_ID  # the caller, not the profile owner
    assert api.get(positions).json()["value"] == []
    assert_error(api.get(f"{positions}/{created['id']}"), 404, "itemNotFound")
    assert api.get(f"{base}/users/{other.id}/profile/positions/{created['id']}").ok


def test_unknown_user(api: requests.Session, base: str) -> None:
    for url in (
        f"{base}/users/nobody@contoso.example/profile/positions",
        f"{base}/users/{uuid.uuid4()}/profile/positions/x",
    ):
        assert_error(api.get(url), 404, "Request_ResourceNotFound")
    assert_error(
        api.post(f"{base}/users/nobody/profile/positions", json=SAMPLE),
        404,
        "Request_ResourceNotFound",
    )


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "Token abc"]
)
def test_auth_required(server: ReferenceServer, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    for method, path in (
        ("GET", "/me"),
        ("GET", "/me/profile/positions"),
        ("POST", "/me/profile/positions"),
        ("DELETE", "/me/profile/positions/x"),
        ("GET", "/no/such/route"),
    ):
        response = requests.request(method, server.url + path, headers=headers, json=SAMPLE)
        assert_error(response, 401, "InvalidAuthenticationToken")


def test_unknown_route_and_wrong_method(api: requests.Session, base: str, positions: str) -> None:
    for url in (
        f"{base}/me/profile",
        f"{base}/me/profile/positions/a/b",
        f"{base}/nope",
        f"{base}/me/profile/positions/",
        f"{base}/users//profile/positions",
    ):
        assert_error(api.get(url), 404, "Request_ResourceNotFound")
    response = api.delete(positions)
    assert_error(response, 405, "MethodNotAllowed")
    assert response.headers["Allow"] == "GET, POST"
    response = api.put(f"{positions}/x", json={})
    assert_error(response, 405, "MethodNotAllowed")
    assert response.headers["Allow"] == "GET, PATCH, DELETE"


def test_error_and_common_headers(api: requests.Session, positions: str) -> None:
    response = api.get(f"{positions}/nope", headers={"client-request-id": "abc-123"})
    assert_error(response, 404, "itemNotFound")
    assert response.headers["client-request-id"] == "abc-123"
    assert response.json()["error"]["innerError"]["client-request-id"] == "abc-123"
    assert GUID_RE.fullmatch(response.headers["request-id"])
    assert response.headers["Date"].endswith("GMT")
    plain = api.get(positions)
    assert plain.headers["client-request-id"] == plain.headers["request-id"]


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/xml", "application/jsonx", "multipart/form-data"],
)
def test_unsupported_media_type(
    api: requests.Session, positions: str, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.post(positions, data=json.dumps(SAMPLE).encode(), headers=headers)
    assert_error(response, 415, "UnsupportedMediaType")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=utf-8",
        "APPLICATION/JSON;odata.metadata=minimal",
        "Application/Json",
    ],
)
def test_json_media_type_parameters_accepted(
    api: requests.Session, positions: str, content_type: str
) -> None:
    response = api.post(
        positions, data=json.dumps(SAMPLE).encode(), headers={"Content-Type": content_type}
    )
    assert response.status_code == 201, response.text


def test_unknown_properties_are_rejected(api: requests.Session, positions: str) -> None:
    error = assert_error(api.post(positions, json={**SAMPLE, "foo": 1}), 400, "BadRequest")
    assert "'foo'" in error["message"] and "microsoft.graph.workPosition" in error["message"]
    nested = {"detail": {"company": {"address": {"planet": "Earth"}}}}
    error = assert_error(api.post(positions, json=nested), 400, "BadRequest")
    assert "'planet'" in error["message"] and "physicalAddress" in error["message"]
    created = create(api, positions)
    url = f"{positions}/{created['id']}"
    error = assert_error(api.patch(url, json={"source": {"type": "x"}}), 400, "BadRequest")
    assert "source" in error["message"]
    assert_error(api.patch(url, json={"colleagues": [{"nickname": "x"}]}), 400, "BadRequest")
    assert api.get(url).json()["lastModifiedDateTime"] == created["lastModifiedDateTime"]


@pytest.mark.parametrize(
    "value",
    [
        "datetime-value",
        "Date",
        "2021-02-30",
        "2021-13-01",
        "2021-1-01",
        "2021-01-01T00:00:00Z",
        "\uff12\uff10\uff12\uff11-01-01",
        "2021-01-01\n",
        20210101,
    ],
)
def test_bad_dates_are_rejected(api: requests.Session, positions: str, value: Any) -> None:
    error = assert_error(
        api.post(positions, json={"detail": {"startMonthYear": value}}), 400, "BadRequest"
    )
    assert "startMonthYear" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"isCurrent": 1},
        {"isCurrent": "true"},
        {"detail": {"layer": 1.5}},
        {"detail": {"layer": True}},
        {"detail": {"layer": 2**31}},
        {"detail": {"layer": "1"}},
        {"inference": {"confidenceScore": True}},
        {"inference": {"confidenceScore": "0.5"}},
        {"inference": {"userHasVerifiedAccuracy": 0}},
        {"categories": "a"},
        {"categories": [1]},
        {"categories": [None]},
        {"colleagues": {}},
        {"colleagues": ["x"]},
        {"colleagues": [{"relationship": "boss"}]},
        {"manager": {"relationship": "Manager"}},
        {"allowedAudiences": "world"},
        {"detail": {"company": {"address": {"type": "work"}}}},
        {"detail": "x"},
        {"detail": {"jobTitle": 5}},
        {"source": {"type": ["x"]}},
        {"createdBy": "me"},
        {"createdDateTime": "yesterday"},
        {"id": 7},
        {"@odata.context": 1},
    ],
)
def test_type_validation(api: requests.Session, positions: str, body: dict[str, Any]) -> None:
    assert_error(api.post(positions, json=body), 400, "BadRequest")
    assert api.get(positions).json()["value"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"isCurrent": None},
        {"detail": {"layer": -(2**31)}},
        {"inference": {"confidenceScore": 10**20}},
        {"categories": []},
        {"colleagues": None},
        {},
    ],
)
def test_edge_values_accepted(api: requests.Session, positions: str, body: dict[str, Any]) -> None:
    assert api.post(positions, json=body).status_code == 201


FUZZ_BODIES = [
    b"",
    b"   ",
    b"\xff\xfe\x00",
    b'{"detail": {"jobTitle": "\xc3\x28"}}',
    b"null",
    b"[]",
    b'"text"',
    b"42",
    b"{",
    b'{"isCurrent": true} trailing',
    b'{"layer": NaN}',
    b'{"inference": {"confidenceScore": Infinity}}',
    b'{"inference": {"confidenceScore": 1e400}}',
    b'{"detail": {"layer": ' + str(10**400).encode() + b"}}",
    b'{"detail": {"layer": ' + b"9" * 5000 + b"}}",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"detail":' * 50_000 + b"{}" + b"}" * 50_000,
    b'{"isCurrent": true, "isCurrent": false}',
    b'{"detail": {"jobTitle": "\\ud800"}}',
    b'{"\\ud800": 1}',
]


@pytest.mark.parametrize("raw", FUZZ_BODIES, ids=range(len(FUZZ_BODIES)))
def test_fuzzy_bodies_give_400(api: requests.Session, positions: str, raw: bytes) -> None:
    created = create(api, positions)
    for method, url in (("POST", positions), ("PATCH", f"{positions}/{created['id']}")):
        response = api.request(method, url, data=raw, headers={"Content-Type": "application/json"})
        assert_error(response, 400, "BadRequest")
    assert len(api.get(positions).json()["value"]) == 1


def test_body_over_4_mib_is_413(api: requests.Session, positions: str) -> None:
    big = json.dumps({"detail": {"summary": "x" * (4 * 1024 * 1024)}}).encode()
    assert_error(
        api.post(positions, data=big, headers={"Content-Type": "application/json"}),
        413,
        "RequestEntityTooLarge",
    )
    assert api.get(positions).status_code == 200  # the connection is still usable
    fits = json.dumps({"detail": {"summary": "y" * (4 * 1024 * 1024 - 100)}}).encode()
    assert (
        api.post(positions, data=fits, headers={"Content-Type": "application/json"}).status_code
        == 201
    )


def test_odd_paths_give_4xx(api: requests.Session, base: str) -> None:
    for suffix in (
        "/me/profile/positions/%zz",
        "/me/profile/positions/%ff%fe",
        "/users/%E2%82/profile/positions",
        "/%",
        "/me/%00",
        "/../me",
    ):
        response = api.get(base + suffix)
        assert 400 <= response.status_code < 500, (suffix, response.status_code)
        assert "error" in response.json()


# ---------------------------------------------------------------- server mechanics


def test_keep_alive_is_fast() -> None:
    with ReferenceServer(create_app()) as srv:
        session = requests.Session()
        session.headers["Authorization"] = "Bearer t"
        url = f"{srv.url}/me/profile/positions"
        session.post(url, json=SAMPLE)
        started = time.perf_counter()
        for _ in range(200):
            assert session.get(url).status_code == 200
        elapsed = time.perf_counter() - started
        session.close()
        assert srv.accepted_connections == 1
    assert elapsed < 2.0, f"200 keep-alive requests took {elapsed:.2f}s (Nagle on?)"


def test_concurrent_patches_lose_nothing(
    api: requests.Session, server: ReferenceServer, positions: str
) -> None:
    created = create(api, positions, {"detail": {}})
    url = f"{positions}/{created['id']}"
    fields = ["description", "jobTitle", "level", "role", "summary"]
    errors: list[str] = []

    def worker(field: str) -> None:
        with requests.Session() as session:
            session.headers["Authorization"] = "Bearer t"
            for i in range(20):
                response = session.patch(url, json={"detail": {field: f"{field}-{i}"}})
                if response.status_code != 200:
                    errors.append(response.text)
            created_here = session.post(positions, json={"categories": [field]})
            if created_here.status_code != 201:
                errors.append(created_here.text)

    threads = [threading.Thread(target=worker, args=(f,)) for f in fields]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    detail = api.get(url).json()["detail"]
    assert all(detail[f] == f"{f}-19" for f in fields)
    assert len(api.get(positions).json()["value"]) == 1 + len(fields)


def test_fault_subclass_is_small(api: requests.Session) -> None:
    class ShallowMerge(GraphPositionsApp):
        def merge_update(self, existing: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
            return {**existing, **patch}

    class FrozenClock(GraphPositionsApp):
        def now(self) -> int:
            return 15_940_000_000_000_000

    with ReferenceServer(ShallowMerge()) as srv:
        url = f"{srv.url}/me/profile/positions"
        created = create(api, url)
        patched = api.patch(f"{url}/{created['id']}", json={"detail": {"level": "L2"}}).json()
        assert patched["detail"]["jobTitle"] is None  # the injected fault is visible
    with ReferenceServer(FrozenClock()) as srv:
        url = f"{srv.url}/me/profile/positions"
        created = create(api, url)
        assert created["createdDateTime"] == "2020-07-06T01:46:40.0000000Z"
        patched = api.patch(f"{url}/{created['id']}", json={}).json()
        assert patched["lastModifiedDateTime"] == "2020-07-06T01:46:40.0000001Z"


def test_custom_prefix_and_users() -> None:
    users = [
        {
            "id": "11111111-2222-3333-4444-555555555555",
            "userPrincipalName": "a@b.example",
            "displayName": "A B",
        }
    ]
    with ReferenceServer(create_app(prefix="/v1.0", users=users)) as srv:
        assert srv.url.endswith("/v1.0")
        response = requests.get(f"{srv.url}/me", headers={"Authorization": "Bearer t"})
        assert response.json()["userPrincipalName"] == "a@b.example"
        assert (
            requests.get(
                f"{srv.url.replace('/v1.0', '/beta')}/me", headers={"Authorization": "Bearer t"}
            ).status_code
            == 404
        )


def test_stop_closes_kept_alive_connections() -> None:
    srv = ReferenceServer(create_app()).start()
    session = requests.Session()
    session.headers["Authorization"] = "Bearer t"
    assert session.get(f"{srv.url}/me").status_code == 200
    srv.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(f"{srv.url}/me", timeout=5)
    session.close()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_cli_prints_url_and_exits_cleanly(signum: int) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen(
        [sys.executable, "-m", "positions_reference", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+/beta)", line)
        assert match, line
        response = requests.get(
            f"{match.group(1)}/me", headers={"Authorization": "Bearer t"}, timeout=5
        )
        assert response.status_code == 200
        process.send_signal(signum)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    assert "Traceback" not in err
    assert out == ""


def _raw_exchange(server: ReferenceServer, payload: bytes, expect_responses: int = 1) -> bytes:
    """Send raw bytes on one connection; read until that many responses are complete."""
    host, port = "127.0.0.1", server.port
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(payload)
        data = b""
        while data.count(b"HTTP/1.1 ") < expect_responses or not _complete(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


def _complete(data: bytes) -> bool:
    last = data.rfind(b"HTTP/1.1 ")
    head, sep, body = data[last:].partition(b"\r\n\r\n")
    if not sep:
        return False
    match = re.search(rb"(?i)content-length: (\d+)", head)
    return match is None or len(body) >= int(match.group(1))


def test_unread_bodies_do_not_break_keep_alive(server: ReferenceServer) -> None:
    body = json.dumps(SAMPLE).encode()
    first = (
        b"POST /beta/me/profile/positions HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
    ) + body  # no Authorization: answered 401 without reading the body
    second = b"GET /beta/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n"
    data = _raw_exchange(server, first + second, expect_responses=2)
    assert data.startswith(b"HTTP/1.1 401 ")
    assert b"HTTP/1.1 200 " in data and b"innocenty.popov" in data


def test_chunked_request_body(server: ReferenceServer) -> None:
    body = json.dumps(SAMPLE).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    request = (
        b"POST /beta/me/profile/positions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ) + chunked
    data = _raw_exchange(server, request)
    assert data.startswith(b"HTTP/1.1 201 "), data[:200]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /beta/me HTTP/2.0\r\nHost: x\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET /beta/me HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n",
        b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n",
        b"POST /beta/me/profile/positions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
        b"Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
        b"POST /beta/me/profile/positions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["http2", "garbage", "bad-header", "long-uri", "bad-length", "bad-chunk"],
)
def test_protocol_errors_are_graph_shaped_4xx(
    server: ReferenceServer, request_bytes: bytes
) -> None:
    data = _raw_exchange(server, request_bytes)
    status = int(data.split(b" ", 2)[1])
    assert 400 <= status < 500, data[:300]
    body = data.partition(b"\r\n\r\n")[2]
    assert json.loads(body)["error"]["code"]


def test_head_has_no_body(api: requests.Session, positions: str) -> None:
    response = api.head(positions)
    assert response.status_code == 405
    assert response.content == b""
    assert api.get(positions).status_code == 200


def test_integral_float_layer_is_the_integer(api: requests.Session, positions: str) -> None:
    # DOC-LAYER-TYPE: JSON has one number type, so 2.0 is the Int32 value 2.
    assert create(api, positions, {"detail": {"layer": 2.0}})["detail"]["layer"] == 2
