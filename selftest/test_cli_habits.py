"""The habits users bring from pytest and other CLIs work: options `run` does not know go to
pytest in order (-k, node ids, --lf with a working cache), --version names the engines, and
`run --help` gives the exit codes and the variables."""

from __future__ import annotations

import subprocess

import pytest

from positions_harness.cli import main
from positions_harness.locations import REPO_ROOT

from .faults import FAULTS
from .support.harness_run import run_harness
from .support.servers import serving

TOKEN = "tok-selftest-cli"


def test_run_passes_unknown_options_to_pytest_in_order(tmp_path):
    run = run_harness(tmp_path, args=("-k", "delete and twice", "suites/behaviour"))

    assert run.exit_code == 4, run.stdout[-2000:]  # a selection decides only part of the contract
    assert "1 passed" in run.stdout and "deselected" in run.stdout
    assert run.conformance["verdict"] == "incomplete" and run.conformance["partial"]
    assert run.report_dirs and not (run.reports_root / "latest").exists()


def test_last_failed_reruns_only_what_failed_with_the_cache_working(tmp_path):
    cache = f"cache_dir={tmp_path / 'cache'}"
    with serving(FAULTS["patch-replaces-object"].make_app()) as url:
        env = {"BASE_URL": url, "GRAPH_TOKEN": TOKEN}
        first = run_harness(tmp_path / "first", env=env, args=("-o", cache, "suites/behaviour"))
        again = run_harness(
            tmp_path / "again", env=env, args=("-o", cache, "--lf", "suites/behaviour")
        )

    assert first.exit_code == 1
    assert "run-last-failure: rerun previous 1 failure" in again.stdout, again.stdout[-2000:]
    assert "= 1 failed in" in again.stdout  # that test alone ran
    assert again.conformance["partial"] and "--lf" in " ".join(again.conformance["limits"])


def test_version_names_the_harness_and_its_engines(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    printed = capsys.readouterr().out
    for name in ("positions-harness", "schemathesis", "hypothesis", "pytest"):
        assert name in printed


def test_run_help_gives_the_exit_codes_and_the_variables(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    printed = capsys.readouterr().out
    assert "exit codes:" in printed and "4  the run did not complete" in printed
    for variable in ("BASE_URL", "GRAPH_TOKEN", "TARGET", "PROFILE", "STRICT", "PYTEST_ARGS"):
        assert variable in printed


def test_other_commands_still_refuse_arguments_they_do_not_know(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["targets", "--colour"])
    assert exit_.value.code == 2
    assert "unrecognized arguments: --colour" in capsys.readouterr().err


def test_make_help_lists_every_target_with_what_it_does():
    listed = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    for target in ("make test", "make check", "make report", "make bench"):
        assert target in listed
