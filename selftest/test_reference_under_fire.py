"""The reference under fire: no 5xx for any fuzzed request, no lost update under concurrency."""

from __future__ import annotations

import json
import threading

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from positions_reference import ReferenceServer, create_app

AUTH = {"Authorization": "Bearer fuzz"}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "detail",
                    "company",
                    "isCurrent",
                    "layer",
                    "x",
                    "@odata.type",
                    "categories",
                    "allowedAudiences",
                    "startMonthYear",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "",
        "application/xml",
        "application/json;odata.metadata=full",
        "multipart/form-data; boundary=x",
    ]
)
PATHS = st.sampled_from(
    [
        "/beta/me/profile/positions",
        "/beta/users/{upn}/profile/positions",
        "/beta/me/profile/positions/{id}",
        "/beta/users/%ZZ/profile/positions",
        "/beta/me/profile/positions/%00",
        "/beta/me/profile/positions/{id}/extra",
    ]
)
METHODS = st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "HEAD"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=METHODS,
    path=PATHS,
    content_type=CONTENT_TYPES,
    body=JSON_VALUES.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=200),
    query=st.dictionaries(
        st.sampled_from(["$select", "$top", "$skip", "$orderby", "$filter", "x"]),
        st.text(max_size=12),
        max_size=2,
    ),
)
def test_no_request_a_fuzzer_sends_gets_a_5xx(method, path, content_type, body, query):
    app = create_app()
    client = Client(app)
    created = client.post("/beta/me/profile/positions", json={}, headers=AUTH).get_json()
    upn = app.users[0].user_principal_name
    target = path.replace("{id}", created["id"]).replace("{upn}", upn)
    response = client.open(
        target,
        method=method,
        data=body,
        query_string=query,
        headers={**AUTH, "Content-Type": content_type},
    )
    assert response.status_code < 500, (method, target, response.get_data()[:300])
    if response.status_code >= 400 and method != "HEAD":
        error = response.get_json(silent=True) or {}
        assert error.get("error", {}).get("code"), response.get_data()[:300]


def test_concurrent_clients_creating_and_updating_lose_no_update():
    rounds, workers = 25, 6
    failures: list[str] = []
    with ReferenceServer(create_app()) as server:
        base = f"{server.url}/me/profile/positions"

        def worker(number: int) -> None:
            with requests.Session() as session:
                session.headers.update(AUTH)
                position = session.post(base, json={"detail": {"jobTitle": f"w{number}"}}).json()
                for layer in range(rounds):
                    answer = session.patch(
                        f"{base}/{position['id']}", json={"detail": {"layer": layer}}
                    )
                    if answer.status_code != 200:
                        failures.append(f"worker {number}: {answer.status_code}")
                final = session.get(f"{base}/{position['id']}").json()["detail"]
                if final != {**final, "jobTitle": f"w{number}", "layer": rounds - 1}:
                    failures.append(f"worker {number} ended with {final}")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        listed = requests.get(base, headers=AUTH).json()["value"]
    assert failures == []
    assert len(listed) == workers
