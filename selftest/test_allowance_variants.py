"""Each allowance variant really takes its freedom, and the reference does not take it there
(a variant that answers like the reference proves nothing in the kill table).

The table `SHOWS` holds, per allowance, one observation (a few requests and what is read from
the answers) and the value it must give against the variant; the same observation against the
reference must give something else. Freedoms that need more than one value to show (paging,
lag, caps) have tests of their own below.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import pytest
from werkzeug.test import Client, TestResponse

from positions_reference import GraphPositionsApp

from .allowance_variants import ALLOWANCES
from .allowance_variants.availability import THROTTLES_IN_ALL, UNAVAILABLE_IN_ALL
from .allowance_variants.consistency import LAG_SECONDS

AUTH = {"Authorization": "Bearer selftest"}
COLLECTION = "/beta/me/profile/positions"
BODY: dict[str, Any] = {
    "detail": {"jobTitle": "Allowance check", "startMonthYear": "2021-03-01"},
    "isCurrent": True,
}


def variant(name: str) -> Client:
    return Client(ALLOWANCES[name].make_app())


def reference() -> Client:
    return Client(GraphPositionsApp())


def post(app: Client, body: Any) -> TestResponse:
    return app.post(COLLECTION, json=body, headers=AUTH)


def create(app: Client, **changes: Any) -> dict[str, Any]:
    response = post(app, {**BODY, **changes})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json


def item(position: dict[str, Any]) -> str:
    return f"{COLLECTION}/{position['id']}"


def get(app: Client, path: str, **headers: str) -> TestResponse:
    return app.get(path, headers={**AUTH, **headers})


def with_detail(**changes: Any) -> dict[str, Any]:
    return {**BODY, "detail": {**BODY["detail"], **changes}}


# ------------------------------------------------------------------ observations


def select_answers_hold_the_id(app: Client) -> tuple[bool, bool]:
    position = create(app)
    got = get(app, f"{item(position)}?$select=detail").json
    listed = get(app, f"{COLLECTION}?$select=detail").json["value"][0]
    return "id" in got, "id" in listed


def select_answer_holds_created_date_time(app: Client) -> bool:
    return "createdDateTime" in get(app, f"{item(create(app))}?$select=detail").json


def list_status(query: str, positions: int = 1) -> Callable[[Client], int]:
    def observe(app: Client) -> int:
        for _ in range(positions):
            create(app)
        return get(app, f"{COLLECTION}?{query}").status_code

    return observe


def first_page(query: str, positions: int) -> Callable[[Client], tuple[int, str | None]]:
    """How many positions the first page holds, and where its next link points (its start)."""

    def observe(app: Client) -> tuple[int, str | None]:
        for _ in range(positions):
            create(app)
        page = get(app, f"{COLLECTION}?{query}".rstrip("?")).json
        link = page.get("@odata.nextLink")
        return len(page["value"]), link and link[: link.index("/beta/") + 6]

    return observe


def filtered_list(app: Client) -> tuple[int, int | None]:
    create(app)
    create(app, isCurrent=False)
    response = get(app, f"{COLLECTION}?$filter=isCurrent eq false")
    return response.status_code, len(
        response.json["value"]
    ) if response.status_code == 200 else None


def create_status(body: dict[str, Any]) -> Callable[[Client], int]:
    return lambda app: post(app, body).status_code


def unknown_property_is_accepted_and_dropped(app: Client) -> tuple[int, bool]:
    response = post(app, with_detail(vendorTier="gold"))
    return response.status_code, "vendorTier" in response.get_data(as_text=True)


def patch_status(patch: dict[str, Any]) -> Callable[[Client], int]:
    def observe(app: Client) -> int:
        return app.patch(item(create(app)), json=patch, headers=AUTH).status_code

    return observe


def method_answer(method: str, path: str = COLLECTION) -> Callable[[Client], tuple[int, str]]:
    def observe(app: Client) -> tuple[int, str]:
        response = app.open(path, method=method, headers=AUTH)
        return response.status_code, response.mimetype

    return observe


def head_of_a_position(app: Client) -> int:
    return app.head(item(create(app)), headers=AUTH).status_code


def options_answer(app: Client) -> tuple[int, str | None]:
    response = app.open(COLLECTION, method="OPTIONS", headers=AUTH)
    return response.status_code, response.headers.get("Allow")


def unknown_user_status(app: Client) -> int:
    return get(app, "/beta/users/nobody@contoso.example/profile/positions").status_code


def deleted_position_status(app: Client) -> int:
    position = create(app)
    assert app.delete(item(position), headers=AUTH).status_code == 204
    return get(app, item(position)).status_code


def malformed_authorization(app: Client) -> list[tuple[int, bool]]:
    answers = [app.get(COLLECTION, headers={"Authorization": h}) for h in ("Bearer", "Basic xyz")]
    return [
        (r.status_code, 'error="invalid_request"' in r.headers.get("WWW-Authenticate", ""))
        for r in answers
    ]


def delete_without_content_type(app: Client) -> int:
    return app.delete(item(create(app)), headers=AUTH).status_code


def error_code_of_invalid_create(app: Client) -> str:
    return post(app, with_detail(layer="three")).json["error"]["code"]


def error_has_inner_error(app: Client) -> bool:
    return "innerError" in get(app, f"{COLLECTION}/no-such-position").json["error"]


def challenge_without_token(app: Client) -> str:
    return app.get(COLLECTION).headers["WWW-Authenticate"]


def throttled_among_gets(count: int) -> Callable[[Client], list[int]]:
    def observe(app: Client) -> list[int]:
        answers = [get(app, COLLECTION) for _ in range(count)]
        return [i + 1 for i, r in enumerate(answers) if r.status_code == 429]

    return observe


def retry_after_is_a_future_date(app: Client) -> bool | None:
    answers = [get(app, COLLECTION) for _ in range(5)]
    throttled = next((r for r in answers if r.status_code == 429), None)
    if throttled is None:
        return None
    when = parsedate_to_datetime(throttled.headers["Retry-After"])
    return when > dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)


def eleventh_request(app: Client) -> tuple[int, bool]:
    answers = [get(app, COLLECTION) for _ in range(11)]
    return answers[-1].status_code, "Retry-After" in answers[-1].headers


def read_right_after_create(app: Client) -> int:
    return get(app, item(create(app))).status_code


def is_current_after_a_past_end(app: Client) -> bool:
    position = create(app)
    patch = {"detail": {"endMonthYear": "2020-01-01"}}
    return app.patch(item(position), json=patch, headers=AUTH).json["isCurrent"]


def source_after_patch(app: Client) -> tuple[int, Any]:
    response = app.patch(item(create(app)), json={"source": {"type": "HR"}}, headers=AUTH)
    return response.status_code, response.json.get("source")


def creator_identity_over_reads(app: Client) -> tuple[int, int]:
    position = create(app)
    users = [get(app, item(position)).json["createdBy"]["user"] for _ in range(3)]
    return len({u.get("displayName") for u in users}), len({u["id"] for u in users})


def creator_identity_has_id(app: Client) -> bool:
    return "id" in create(app)["createdBy"]["user"]


def created_date_time_spellings(app: Client) -> tuple[int, int]:
    position = create(app)
    texts = [position["createdDateTime"]]
    texts += [get(app, item(position)).json["createdDateTime"] for _ in range(2)]
    texts.append(get(app, COLLECTION).json["value"][0]["createdDateTime"])
    instants = {dt.datetime.fromisoformat(t.replace("Z", "+00:00")[:23]) for t in texts}
    return len(set(texts)), len(instants)


def categories_read_back(app: Client) -> list[str]:
    return get(app, item(create(app, categories=["a", "b", "c"]))).json["categories"]


def audience_after_create(app: Client) -> str | None:
    return create(app)["allowedAudiences"]


def confidence_score_type(app: Client) -> str:
    position = create(app, inference={"confidenceScore": 1, "userHasVerifiedAccuracy": True})
    return type(position["inference"]["confidenceScore"]).__name__


def non_ascii_escaped(app: Client) -> bool:
    return "\\u0418" in post(app, with_detail(jobTitle="Ирина")).get_data(as_text=True)


def create_content_type(app: Client) -> str:
    return post(app, BODY).headers["Content-Type"]


def create_location(app: Client) -> str | None:
    location = post(app, BODY).headers.get("Location")
    return location and location[: location.index("/beta/") + 6]


def list_content_encoding(app: Client) -> str | None:
    return get(app, COLLECTION, **{"Accept-Encoding": "gzip"}).headers.get("Content-Encoding")


@dataclass(frozen=True)
class Shows:
    """Against the variant, `observe` gives `expected`; against the reference, something else."""

    name: str
    observe: Callable[[Client], Any]
    expected: Any


SHOWS = [
    Shows("select-leaves-out-id", select_answers_hold_the_id, (False, False)),
    Shows("select-adds-properties", select_answer_holds_created_date_time, True),
    Shows("orderby-only-created", list_status("$orderby=lastModifiedDateTime desc"), 400),
    Shows("top-zero-refused", list_status("$top=0"), 400),
    Shows("skip-past-end-refused", list_status("$skip=1"), 400),
    Shows("server-paging-absolute", first_page("", 4), (3, "http://localhost/beta/")),
    Shows("server-paging-relative", first_page("", 4), (3, "/beta/")),
    Shows("pages-under-top", first_page("$top=5", 5), (2, "http://localhost/beta/")),
    Shows("filter-supported", filtered_list, (200, 1)),
    Shows("int32-fraction-refused", create_status(with_detail(layer=3.0)), 400),
    Shows("null-collection-refused", create_status({**BODY, "categories": None}), 400),
    Shows(
        "unknown-future-value-refused",
        create_status({**BODY, "allowedAudiences": "unknownFutureValue"}),
        400,
    ),
    Shows("control-characters-refused", create_status(with_detail(jobTitle="a\tb")), 400),
    Shows(
        "odata-type-needs-hash",
        create_status(with_detail(company={"@odata.type": "microsoft.graph.companyDetail"})),
        400,
    ),
    Shows(
        "dates-outside-1900-2200-refused",
        create_status(with_detail(startMonthYear="1850-01-01")),
        400,
    ),
    Shows("empty-patch-refused", patch_status({}), 400),
    Shows("unknown-properties-ignored", unknown_property_is_accepted_and_dropped, (201, False)),
    Shows("invalid-input-422", create_status({**BODY, "isCurrent": "yes"}), 422),
    Shows("unknown-methods-501", method_answer("PUT"), (501, "text/html")),
    Shows("head-answered-like-get", head_of_a_position, 200),
    Shows("options-answered-with-allow", options_answer, (204, "GET, POST, OPTIONS")),
    Shows("unknown-user-403", unknown_user_status, 403),
    Shows("deleted-position-410", deleted_position_status, 410),
    Shows("malformed-authorization-400", malformed_authorization, [(400, True), (400, True)]),
    Shows("delete-needs-content-type-415", delete_without_content_type, 415),
    Shows("basic-error-codes", error_code_of_invalid_create, "invalidRequest"),
    Shows("errors-without-innererror", error_has_inner_error, False),
    Shows(
        "challenge-with-parameters",
        lambda app: challenge_without_token(app).startswith('Bearer realm="", authorization_uri='),
        True,
    ),
    Shows("throttles-one-in-five-uncapped", throttled_among_gets(30), [5, 10, 15, 20, 25, 30]),
    Shows("retry-after-http-date", retry_after_is_a_future_date, True),
    Shows("unavailable-without-retry-after", eleventh_request, (503, False)),
    Shows("reads-lag-writes", read_right_after_create, 404),
    Shows("patch-recalculates-is-current", is_current_after_a_past_end, False),
    Shows("source-updatable", source_after_patch, (200, {"type": "HR"})),
    Shows("identity-display-name-varies", creator_identity_over_reads, (3, 1)),
    Shows("identity-without-id", creator_identity_has_id, False),
    Shows("timestamp-text-varies", created_date_time_spellings, (4, 1)),
    Shows("collections-reordered", categories_read_back, ["c", "b", "a"]),
    Shows("create-fills-default-audience", audience_after_create, "organization"),
    Shows("doubles-without-fraction", confidence_score_type, "int"),
    Shows("ascii-escaped-json", non_ascii_escaped, True),
    Shows("plain-json-content-type", create_content_type, "application/json"),
    Shows("relative-location", create_location, "/beta/"),
    Shows("create-without-location", create_location, None),
    Shows("gzip-when-accepted", list_content_encoding, "gzip"),
]


def test_every_allowance_has_an_observation_that_shows_it():
    assert sorted(s.name for s in SHOWS) == sorted(ALLOWANCES)


def test_every_allowance_names_what_allows_it_and_its_class_says_why():
    for allowance in ALLOWANCES.values():
        assert allowance.allowed_by.strip(), allowance.name
        app = allowance.make_app()
        documented = type(app).__doc__ or ""
        assert len(documented.split()) > 15, f"{allowance.name}: the class must cite its reason"


@pytest.mark.parametrize("shows", SHOWS, ids=[s.name for s in SHOWS])
def test_each_allowance_takes_its_freedom_where_the_reference_does_not(shows):
    assert shows.observe(variant(shows.name)) == shows.expected
    assert shows.observe(reference()) != shows.expected


# ------------------------------------------------------------------ what one value cannot show


def walk(app: Client, url: str) -> tuple[list[str], int]:
    """Every position id a List gives by following its next links (each resolved against the
    URL of the page that carried it), and the number of pages."""
    ids: list[str] = []
    pages = 0
    while url:
        page = get(app, url).json
        ids += [p["id"] for p in page["value"]]
        pages += 1
        link = page.get("@odata.nextLink")
        url = link and urljoin(url, link)
    return ids, pages


@pytest.mark.parametrize(
    ("name", "query", "created", "wanted", "pages"),
    [
        ("server-paging-absolute", "", 7, 7, 3),
        ("server-paging-relative", "", 7, 7, 3),
        ("server-paging-relative", "?$select=detail&$orderby=createdDateTime desc", 7, 7, 3),
        ("pages-under-top", "?$top=5", 7, 5, 3),
        ("pages-under-top", "?$top=5&$skip=3", 7, 4, 2),
    ],
)
def test_following_the_next_links_gives_every_position_once_in_order(
    name, query, created, wanted, pages
):
    app = variant(name)
    made = [create(app)["id"] for _ in range(created)]
    plain = reference()
    for _ in range(created):
        create(plain)

    ids, walked = walk(app, f"http://localhost{COLLECTION}{query}")

    expected = made[::-1] if "desc" in query else made
    skip = 3 if "$skip=3" in query else 0
    assert ids == expected[skip : skip + wanted]
    assert walked == pages


@pytest.mark.parametrize("name", ["server-paging-absolute", "server-paging-relative"])
def test_server_paging_leaves_a_list_with_top_unpaged(name):
    app = variant(name)
    for _ in range(5):
        create(app)
    page = get(app, f"{COLLECTION}?$top=4").json
    assert len(page["value"]) == 4 and "@odata.nextLink" not in page


def test_the_uncapped_throttle_stops_after_sixty_throttles_in_all():
    app = variant("throttles-one-in-five-uncapped")
    answers = [get(app, COLLECTION) for _ in range(5 * THROTTLES_IN_ALL + 50)]
    throttled = [r for r in answers if r.status_code == 429]
    assert len(throttled) == THROTTLES_IN_ALL
    assert all(r.headers["Retry-After"] == "1" for r in throttled)
    assert all(r.status_code == 200 for r in answers[5 * THROTTLES_IN_ALL :])


def test_unavailability_is_bounded_and_carries_a_graph_error_body():
    app = variant("unavailable-without-retry-after")
    answers = [get(app, COLLECTION) for _ in range(200)]
    unavailable = [r for r in answers if r.status_code == 503]
    assert len(unavailable) == UNAVAILABLE_IN_ALL
    assert all(r.json["error"]["code"] == "serviceNotAvailable" for r in unavailable)


def test_reads_catch_up_with_writes_after_the_lag():
    app = variant("reads-lag-writes")
    position = create(app)
    listed_at_once = get(app, COLLECTION).json["value"]
    patched = app.patch(item(position), json={"isCurrent": False}, headers=AUTH)
    assert patched.status_code == 200  # writes see the latest state
    time.sleep(LAG_SECONDS + 0.1)
    assert listed_at_once == []
    assert get(app, item(position)).json["isCurrent"] is False
    assert app.delete(item(position), headers=AUTH).status_code == 204
    assert get(app, item(position)).status_code == 200  # the delete is not visible yet
    time.sleep(LAG_SECONDS + 0.1)
    assert get(app, item(position)).status_code == 404


def test_the_docs_form_of_odata_type_is_still_accepted():
    app = variant("odata-type-needs-hash")
    body = with_detail(company={"@odata.type": "#microsoft.graph.companyDetail"})
    assert post(app, body).status_code == 201


def test_malformed_json_stays_400_where_invalid_values_get_422():
    app = variant("invalid-input-422")
    response = app.post(
        COLLECTION, data=b"{not json", headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert post(app, {**BODY, "isCurrent": "yes"}).json["error"]["message"]


def test_a_deleted_position_is_gone_for_every_method_and_an_unknown_one_stays_404():
    app = variant("deleted-position-410")
    position = create(app)
    app.delete(item(position), headers=AUTH)
    assert app.patch(item(position), json={"isCurrent": False}, headers=AUTH).status_code == 410
    assert app.delete(item(position), headers=AUTH).status_code == 410
    assert get(app, f"{COLLECTION}/never-given-out").status_code == 404


def test_the_gzip_body_decompresses_to_the_same_json():
    app = variant("gzip-when-accepted")
    create(app)
    squeezed = get(app, COLLECTION, **{"Accept-Encoding": "gzip"})
    plain = get(app, COLLECTION)
    assert json.loads(gzip.decompress(squeezed.get_data())) == plain.json


def test_the_identity_keeps_its_id_when_its_display_name_varies():
    app = variant("identity-display-name-varies")
    position = create(app)
    ids = {get(app, item(position)).json["createdBy"]["user"]["id"] for _ in range(6)}
    assert ids == {position["createdBy"]["user"]["id"]}


def test_an_explicit_null_audience_is_kept_where_the_default_fills_an_absent_one():
    app = variant("create-fills-default-audience")
    assert create(app, allowedAudiences=None)["allowedAudiences"] is None


def test_is_current_is_left_alone_when_sent_or_when_the_end_is_ahead():
    app = variant("patch-recalculates-is-current")
    sent = {"detail": {"endMonthYear": "2020-01-01"}, "isCurrent": True}
    ahead = {"detail": {"endMonthYear": "2999-01-01"}}
    for patch in (sent, ahead):
        position = create(app)
        assert app.patch(item(position), json=patch, headers=AUTH).json["isCurrent"] is True
