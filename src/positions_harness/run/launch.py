"""`positions-harness run`: opens the target once (reference, preflight), picks the run's
concurrency from the latency the preflight measured, and runs pytest on the suites.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Mapping

import pytest

from ..config.harness_config import RUN_ID_ENV, HarnessConfig, resolve_config
from ..errors import EXIT_NONCONFORMING, EXIT_PASSED, EXIT_RUN_INCOMPLETE
from ..locations import REPO_ROOT, SUITES_DIR
from ..transport import interrupts
from ..transport.redaction import Redactor, scrub_tree
from ..transport.transcript import current_test
from .concurrency import Concurrency, choose, measured_latency_ms
from .fixtures import PREFLIGHT
from .preflight import PREFLIGHT_DONE_ENV, preflight_result
from .session import HarnessSession
from .shared_pace import shared_pace

WORKERS_OPTIONS = ("-n", "--numprocesses")


def names_test_paths(pytest_args: list[str]) -> bool:
    """True when the user chose what to run (e.g. PYTEST_ARGS=suites/property)."""
    return any(
        not arg.startswith("-") and (REPO_ROOT / arg.split("::")[0]).exists() for arg in pytest_args
    )


def chooses_workers(pytest_args: list[str]) -> bool:
    """True when the pytest arguments already say how many xdist workers to use."""
    return any(
        arg in WORKERS_OPTIONS or arg.startswith(("-n", "--numprocesses=")) for arg in pytest_args
    )


def run_suites(options: Mapping[str, str | None], pytest_extra: list[str]) -> int:
    """Runs the suites as `options` and PYTEST_ARGS say; returns the run's exit code."""
    config = resolve_config(options)
    with shared_pace():  # one budget, rate and Retry-After for every process of the run
        current_test.nodeid = PREFLIGHT
        try:
            session = HarnessSession(config).open()  # starts the bundled reference when needed
        finally:
            current_test.nodeid = None
        try:
            return _run_pytest(config, session, pytest_extra)
        finally:
            session.close()
            if config.report_dir.is_dir():  # e.g. Allure's copy of a failure message
                scrub_tree(config.report_dir, Redactor([config.token.reveal()]))


def _run_pytest(config: HarnessConfig, session: HarnessSession, pytest_extra: list[str]) -> int:
    assert session.config.base_url is not None and session.client is not None
    # This process's requests (the preflight) belong in the run's transcript too.
    session.client.transcript.write(config.report_dir / "transcript-preflight.jsonl")
    os.environ[RUN_ID_ENV] = config.run_id
    if config.strict:
        os.environ["STRICT"] = "1"
    os.environ[config.target.token_env] = config.token.reveal()
    # The processes pytest starts take the preflight's answer instead of asking again.
    os.environ[PREFLIGHT_DONE_ENV] = preflight_result(session.config.base_url, session.user)
    extra_args = [*shlex.split(os.environ.get("PYTEST_ARGS", "")), *pytest_extra]
    concurrency: Concurrency | None = None  # None: PYTEST_ARGS say (-n N)
    if not chooses_workers(extra_args):
        latency = measured_latency_ms(session.client.transcript)
        rate = config.target.limits.rate_limit_per_second
        concurrency = choose(config.workers, latency, rate)
    report_dir = config.report_dir
    pytest_args = [
        *([] if names_test_paths(extra_args) else [str(SUITES_DIR)]),
        f"--rootdir={REPO_ROOT}",
        "-c",
        str(REPO_ROOT / "pyproject.toml"),
        "--base-url",
        session.config.base_url,
        f"--junitxml={report_dir / 'junit.xml'}",
        f"--alluredir={report_dir / 'allure-results'}",
        *([] if any(a.startswith("--tb") for a in extra_args) else ["--tb=short"]),
        # Suites judge through expect(), not bare asserts; rewriting asserts would recompile
        # every module of every pytest plugin (Schemathesis has hundreds) where bytecode is
        # not cached, a third of a quick run.
        "--assert=plain",
        *([f"--target={config.target.path}"] if config.target.path else []),
        f"--profile={config.profile}",
        *(concurrency.pytest_args if concurrency else []),
        *extra_args,
    ]
    workers = (
        f"{concurrency.workers} ({concurrency.reason})" if concurrency else "as PYTEST_ARGS say"
    )
    print(
        f"positions-harness: target {config.target.name} at {session.config.base_url}, "
        f"profile {config.profile}, run {config.run_id}; workers: {workers}",
        flush=True,
    )
    try:
        code = pytest.main(pytest_args)
    finally:
        os.environ.pop(PREFLIGHT_DONE_ENV, None)
    if code == pytest.ExitCode.INTERRUPTED or interrupts.received() is not None:
        processes = concurrency.workers if concurrency and concurrency.workers else 1
        print(f"positions-harness: {interrupted_sentence(config, processes)}", file=sys.stderr)
    if code in (EXIT_PASSED, EXIT_NONCONFORMING):
        return int(code)
    return EXIT_RUN_INCOMPLETE


def interrupted_sentence(config: HarnessConfig, processes: int) -> str:
    """What an interrupted run left: every process wrote its cleanup file without a problem,
    or the user is told how to sweep what may be left."""
    reports = sorted(config.report_dir.glob("cleanup*.json"))
    problems = []
    for path in reports:
        try:
            problems += json.loads(path.read_text(encoding="utf-8")).get("problems", [])
        except (OSError, ValueError):
            problems.append(path.name)
    if len(reports) >= processes and not problems:
        return "interrupted; created positions were cleaned up and the report says incomplete."
    return (
        "interrupted before every process could clean up; positions of this run may be left: "
        f"run `positions-harness sweep --run {config.run_id}` with the same BASE_URL."
    )
