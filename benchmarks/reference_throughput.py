"""Prints the bundled reference's request rate for a keep-alive client (figures, not a test).

    .venv/bin/python benchmarks/reference_throughput.py [--requests 2000]

Each measurement uses one requests.Session (one TCP connection) against a fresh server on a
free 127.0.0.1 port: GET /me, create, get, and update, in sequence.
"""

from __future__ import annotations

import argparse
import statistics
import time

import requests

from positions_reference import ReferenceServer, create_app

HEADERS = {"Authorization": "Bearer bench", "Content-Type": "application/json"}


def measure(session: requests.Session, label: str, count: int, send) -> None:
    latencies = []
    started = time.perf_counter()
    for index in range(count):
        before = time.perf_counter()
        response = send(session, index)
        latencies.append(time.perf_counter() - before)
        response.raise_for_status()
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(
        f"{label:<8} {count:>6} requests  {count / elapsed:>8.0f} req/s  "
        f"median {statistics.median(latencies) * 1000:6.2f} ms  "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    count = parser.parse_args().requests
    with ReferenceServer(create_app()) as server, requests.Session() as session:
        session.headers.update(HEADERS)
        base = server.url
        created: list[str] = []
        body = {"detail": {"jobTitle": "Bench", "company": {"displayName": "Contoso"}}}
        measure(session, "GET /me", count, lambda s, i: s.get(f"{base}/me"))

        def create(s: requests.Session, i: int) -> requests.Response:
            response = s.post(f"{base}/me/profile/positions", json=body)
            created.append(response.json()["id"])
            return response

        measure(session, "POST", count, create)
        measure(
            session, "GET", count, lambda s, i: s.get(f"{base}/me/profile/positions/{created[i]}")
        )
        measure(
            session,
            "PATCH",
            count,
            lambda s, i: s.patch(
                f"{base}/me/profile/positions/{created[i]}", json={"isCurrent": True}
            ),
        )
        print(f"TCP connections accepted by the server: {server.accepted_connections}")


if __name__ == "__main__":
    main()
