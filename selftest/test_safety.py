"""Safe on real tenants and against hostile servers: no hang, no leak, nothing left or touched."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from positions_harness.locations import REPO_ROOT
from positions_harness.transport.safety import RUN_TAG_PREFIX
from positions_reference import create_app

from .support.harness_run import assert_one_plain_sentence, clean_environment, run_harness
from .support.hostile import Decoy, HostileServer, running
from .support.servers import serving

TOKEN = "tok-SAFETY-a81f02c7-keep-secret"
SEED = {"Authorization": "Bearer someone-else"}
PREEXISTING = {
    "detail": {"jobTitle": "Not the harness's", "company": {"displayName": "Fabrikam"}},
    "categories": ["harness-run-lookalike", "keep"],
    "isCurrent": False,
}
PREFLIGHT_HOSTILE = [b for b in HostileServer.BEHAVIOURS if b != "echoes-token"]


def target_profile(tmp_path: Path, url: str, extra: str = "") -> str:
    path = tmp_path / "target.yaml"
    path.write_text(
        f"name: under-test\nbase_url: {url}\n"
        "limits: {timeout_seconds: 1, max_retries: 2, max_retry_wait_seconds: 1}\n" + extra
    )
    return str(path)


@pytest.mark.parametrize("behaviour", PREFLIGHT_HOSTILE)
def test_a_broken_server_gets_one_plain_sentence_in_bounded_time(tmp_path, behaviour):
    with (
        running(Decoy()) as decoy,
        running(HostileServer(behaviour, decoy_port=decoy.server_address[1])) as server,
    ):
        run = run_harness(
            tmp_path, env={"TARGET": target_profile(tmp_path, server.url), "GRAPH_TOKEN": TOKEN}
        )
    assert run.exit_code == 3, run.stdout[-2000:] + run.stderr
    assert run.seconds < 30
    assert_one_plain_sentence(run)
    assert decoy.seen == []  # a redirect is never followed, so the token never leaves
    assert TOKEN not in run.all_output()


@pytest.mark.parametrize("behaviour", PREFLIGHT_HOSTILE)
def test_a_server_hostile_after_the_preflight_ends_with_a_verdict_not_a_hang(tmp_path, behaviour):
    with (
        running(Decoy()) as decoy,
        running(
            HostileServer(behaviour, spare_me=True, decoy_port=decoy.server_address[1])
        ) as server,
    ):
        # The hand-written suites meet the behaviour on every operation; the generated cases
        # would only repeat the same transport failures (and the token test runs them all).
        run = run_harness(
            tmp_path,
            env={
                "TARGET": target_profile(tmp_path, server.url),
                "GRAPH_TOKEN": TOKEN,
                "PYTEST_ARGS": "suites/examples suites/behaviour",
            },
        )
    assert run.exit_code in (1, 4), run.stdout[-3000:] + run.stderr
    assert run.seconds < 120
    assert "Traceback (most recent call last)" not in run.stdout + run.stderr
    assert run.conformance["verdict"] in ("nonconforming", "incomplete")
    assert decoy.seen == []
    assert TOKEN not in run.all_output()


def test_a_server_that_echoes_the_token_cannot_make_the_harness_print_it(tmp_path):
    with running(HostileServer("echoes-token", spare_me=True)) as server:
        run = run_harness(
            tmp_path, env={"TARGET": target_profile(tmp_path, server.url), "GRAPH_TOKEN": TOKEN}
        )
    assert any(TOKEN.encode() in request for request in server.seen)  # it was sent, to it only
    assert run.exit_code == 1
    assert "REDACTED" in run.all_output()
    assert run.leaks(TOKEN) == []


class SlowReference:
    """The reference, slower per request, so a run can be interrupted midway."""

    def __init__(self, delay: float) -> None:
        self.app = create_app()
        self.prefix = self.app.prefix
        self.delay = delay

    def __call__(self, environ, start_response):
        time.sleep(self.delay)
        return self.app(environ, start_response)


def seed_position(url: str) -> tuple[str, str]:
    created = requests.post(f"{url}/me/profile/positions", json=PREEXISTING, headers=SEED)
    position_id = created.json()["id"]
    return position_id, requests.get(f"{url}/me/profile/positions/{position_id}", headers=SEED).text


def positions_on(url: str) -> list[dict]:
    return requests.get(f"{url}/me/profile/positions", headers=SEED).json()["value"]


def start_harness(tmp_path: Path, url: str) -> subprocess.Popen[str]:
    env = clean_environment()
    env.update(
        BASE_URL=url,
        GRAPH_TOKEN=TOKEN,
        POSITIONS_REPORTS_ROOT=str(tmp_path / "reports"),
        PROFILE="quick",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "positions_harness", "run"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize(
    "interruption", [signal.SIGINT, signal.SIGTERM, None], ids=["SIGINT", "SIGTERM", "full-run"]
)
def test_a_run_leaves_none_of_its_positions_and_pre_existing_ones_untouched(tmp_path, interruption):
    app = SlowReference(delay=0.0 if interruption is None else 0.05)
    with serving(app) as url:
        existing_id, existing_bytes = seed_position(url)
        harness = start_harness(tmp_path, url)
        if interruption is not None:
            deadline = time.monotonic() + 60
            while len(app.app.store.list_records(app.app.users[0].id)) < 2:
                assert time.monotonic() < deadline, "the run never created a position"
                time.sleep(0.02)
            harness.send_signal(interruption)
        output, _ = harness.communicate(timeout=120)
        remaining = positions_on(url)
        after = requests.get(f"{url}/me/profile/positions/{existing_id}", headers=SEED).text

    assert harness.returncode in ((0,) if interruption is None else (4,)), output[-3000:]
    assert [p["id"] for p in remaining] == [existing_id], output[-2000:]
    assert after == existing_bytes
    assert TOKEN not in output


def test_sweep_deletes_tagged_leftovers_and_nothing_else(tmp_path):
    with serving(create_app()) as url:
        existing_id, existing_bytes = seed_position(url)
        for run_id in ("20260101T000000Z-aaaaaa", "20260102T000000Z-bbbbbb"):
            requests.post(
                f"{url}/me/profile/positions",
                headers=SEED,
                json={"categories": [f"{RUN_TAG_PREFIX}{run_id}"]},
            )
        env = {"BASE_URL": url, "GRAPH_TOKEN": TOKEN}
        dry = run_harness(tmp_path, env=env, args=("--dry-run",), command="sweep")
        assert len(positions_on(url)) == 3
        one = run_harness(
            tmp_path, env=env, args=("--run", "20260101T000000Z-aaaaaa"), command="sweep"
        )
        assert len(positions_on(url)) == 2
        rest = run_harness(tmp_path, env=env, command="sweep")
        remaining = positions_on(url)
        after = requests.get(f"{url}/me/profile/positions/{existing_id}", headers=SEED).text

    assert (dry.exit_code, one.exit_code, rest.exit_code) == (0, 0, 0), rest.stdout + rest.stderr
    assert "2 tagged leftover(s) found, would delete 2" in dry.stdout
    assert [p["id"] for p in remaining] == [existing_id] and after == existing_bytes


def test_read_only_target_gets_only_get_requests_and_writes_are_not_claimed(tmp_path):
    app = create_app()
    with serving(app) as url:
        existing_id, existing_bytes = seed_position(url)
        run = run_harness(
            tmp_path,
            env={
                "TARGET": target_profile(tmp_path, url, "read_only: true\n"),
                "GRAPH_TOKEN": TOKEN,
            },
        )
        after = requests.get(f"{url}/me/profile/positions/{existing_id}", headers=SEED).text

    assert run.exit_code == 0, run.stdout[-3000:]
    statuses = run.statuses()
    assert statuses["POS-CREATE-001"] == "not_claimed"
    assert "passed" in statuses.values()
    methods = {
        line.split('"method": "')[1].split('"')[0]
        for path in run.reports_root.rglob("transcript*.jsonl")
        for line in path.read_text().splitlines()
    }
    assert methods == {"GET"}
    assert after == existing_bytes
