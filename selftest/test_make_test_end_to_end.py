"""`make test`'s engine, run as a user runs it: verdicts, exit codes, plain errors, no secrets."""

from __future__ import annotations

import socket

import pytest

from positions_reference import create_app

from .faults import FAULTS
from .support.harness_run import assert_one_plain_sentence, run_harness
from .support.servers import serving

RECOGNISABLE_TOKEN = "tok-SELFTEST-7f3a9c1e-do-not-print"


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_bundled_reference_passes_every_requirement_tested(tmp_path):
    run = run_harness(tmp_path)

    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.conformance["verdict"] == "conforming"
    assert run.conformance["target"]["name"] == "reference"
    assert "passed" in run.statuses().values()
    assert not run.failed()


def test_reference_served_at_a_base_url_with_a_path_prefix_passes(tmp_path):
    with serving(create_app()) as url:
        run = run_harness(tmp_path, env={"BASE_URL": url, "GRAPH_TOKEN": RECOGNISABLE_TOKEN})

    assert url.endswith("/beta")
    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert not run.failed()


def test_reference_whose_patch_replaces_the_object_fails_on_partial_update(tmp_path):
    # The whole fault catalogue runs in the kill table (python -m selftest.kill_table).
    variant = FAULTS["patch-replaces-object"]
    with serving(variant.make_app()) as url:
        run = run_harness(
            tmp_path,
            env={
                "BASE_URL": url,
                "GRAPH_TOKEN": RECOGNISABLE_TOKEN,
                "PYTEST_ARGS": "suites/examples",
            },
        )

    assert run.exit_code == 1, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.conformance["verdict"] == "nonconforming"
    assert variant.expected_failures <= run.failed(), (variant.description, run.failed())


def test_token_never_appears_in_output_reports_or_transcript(tmp_path):
    with serving(FAULTS["patch-replaces-object"].make_app()) as url:
        run = run_harness(tmp_path, env={"BASE_URL": url, "GRAPH_TOKEN": RECOGNISABLE_TOKEN})

    assert run.exit_code == 1  # a failing run prints evidence: the most likely place to leak
    assert "Authorization" in run.all_output()  # the transcript was searched, not skipped
    assert RECOGNISABLE_TOKEN not in run.all_output()


def test_unreachable_base_url_fails_fast_with_one_sentence(tmp_path):
    port = unused_port()
    run = run_harness(
        tmp_path, env={"BASE_URL": f"http://127.0.0.1:{port}/beta", "GRAPH_TOKEN": "x"}
    )

    assert run.exit_code == 3
    assert run.seconds < 30
    assert_one_plain_sentence(run)
    assert "Cannot connect" in run.stderr


def test_base_url_without_a_token_fails_with_one_sentence(tmp_path):
    run = run_harness(tmp_path, env={"BASE_URL": "http://127.0.0.1:9/beta"})

    assert run.exit_code == 2
    assert_one_plain_sentence(run)
    assert "GRAPH_TOKEN is not set" in run.stderr


@pytest.mark.parametrize(
    ("env", "phrase"),
    [
        ({"BASE_URL": "ftp://host/beta", "GRAPH_TOKEN": "x"}, "is not an http(s) URL"),
        ({"TARGET": "no-such-target"}, "not found"),
        ({"PROFILE": "turbo"}, "PROFILE 'turbo' is not known"),
    ],
    ids=["bad-scheme", "unknown-target", "unknown-profile"],
)
def test_bad_configuration_is_one_sentence_naming_the_problem(tmp_path, env, phrase):
    run = run_harness(tmp_path, env=env)

    assert run.exit_code == 2
    assert_one_plain_sentence(run)
    assert phrase in run.stderr


def test_malformed_target_profile_is_one_sentence(tmp_path):
    profile = tmp_path / "broken.yaml"
    profile.write_text("name: broken\nlimits: {timeout_seconds: -1}\n")
    run = run_harness(tmp_path, env={"TARGET": str(profile)})

    assert run.exit_code == 2
    assert_one_plain_sentence(run)
    assert "limits.timeout_seconds must be a positive number" in run.stderr
