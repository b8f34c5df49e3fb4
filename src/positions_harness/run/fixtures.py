"""Session fixtures the suites use: the configured target, its client, the contract.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict

import pytest

from ..checks.positions_api import PositionsApi, TargetUser
from ..contract.catalogue import Catalogue, load_catalogue
from ..contract.requirement_marker import is_suite_item, requirement_ids
from ..contract.spec import Contract, load_contract
from ..errors import HarnessError
from ..transport.client import GraphClient
from ..transport.tidier import CLEANUP_LABEL, BackgroundTidier
from ..transport.transcript import Exchange, current_test
from . import allure_steps
from .options import harness_config
from .session import HarnessSession
from .stash_keys import session_key, tidier_key
from .terminal import say_now

PREFLIGHT, CLEANUP = "(preflight)", CLEANUP_LABEL


@pytest.fixture(scope="session")
def harness_session(request: pytest.FixtureRequest) -> Iterator[HarnessSession]:
    """Opens the target once per process; at the end deletes every position the run created."""
    config = request.config
    first_test, current_test.nodeid = current_test.nodeid, PREFLIGHT
    try:
        session = HarnessSession(harness_config(config)).open()
    except HarnessError as exc:
        pytest.exit(str(exc), returncode=exc.exit_code)
    finally:
        current_test.nodeid = first_test
    config.stash[session_key] = session
    assert session.client is not None
    config.stash[tidier_key] = BackgroundTidier(session.client, waiting_at_most=16)
    try:
        yield session
    finally:
        current_test.nodeid = CLEANUP
        tidier = config.stash[tidier_key]
        tidier.finish()
        left = len(session.client.ledger) if session.client is not None else 0
        say_now(config, f"cleanup: deleting {left} position(s) and sweeping the run's tag")
        report = session.cleanup()
        report.problems += [f"in the background: {problem}" for problem in tidier.problems]
        worker = getattr(config, "workerinput", {}).get("workerid")
        suffix = f"-{worker}" if worker else ""
        folder = session.config.report_dir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"cleanup{suffix}.json").write_text(json.dumps(asdict(report), indent=2))
        if session.client is not None:
            session.client.transcript.write(folder / f"transcript{suffix}.jsonl")
        if report.problems:
            say_now(
                config,
                f"CLEANUP: {len(report.problems)} position(s) could not be deleted: "
                + "; ".join(report.problems[:5]),
                red=True,
            )
        session.close()


@pytest.fixture(autouse=True)
def _positions_deleted_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Deletes the positions a suite test created once it is done, so a run never piles up
    positions (a target that pages its list pays for every one of them on every list read).
    What cannot be deleted now stays in the ledger for the end-of-run cleanup."""
    session = request.config.stash.get(session_key, None)
    client = session.client if session is not None else None
    before = {entry.position_id for entry in client.ledger.entries()} if client else set()
    yield
    session = request.config.stash.get(session_key, None)
    if session is None or session.client is None or not is_suite_item(request.node):
        return
    # Deleted on a thread of its own while the next test runs (a slow target would otherwise
    # add a round trip per position to every test); what it cannot delete stays in the ledger.
    request.config.stash[tidier_key].delete_created_since(before)


@pytest.fixture(scope="session")
def graph(harness_session: HarnessSession, pytestconfig: pytest.Config) -> GraphClient:
    assert harness_session.client is not None
    if pytestconfig.getoption("allure_report_dir", None):
        harness_session.client.observers.append(_attach_to_current_test)
    return harness_session.client


def _attach_to_current_test(exchange: Exchange) -> None:
    if exchange.test not in (None, PREFLIGHT, CLEANUP):
        allure_steps.record_exchange(exchange)


@pytest.fixture(autouse=True)
def _allure_requirement_labels(request: pytest.FixtureRequest) -> None:
    """Labels each suite test in Allure by area, requirement and level, with doc links."""
    if request.config.getoption("allure_report_dir", None) and is_suite_item(request.node):
        allure_steps.label_test(requirement_ids(request.node), load_catalogue())


@pytest.fixture(scope="session")
def target_user(harness_session: HarnessSession) -> TargetUser:
    return harness_session.user


@pytest.fixture(scope="session")
def positions(graph: GraphClient, target_user: TargetUser) -> PositionsApi:
    return PositionsApi(graph, target_user)


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract()


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()
