"""The pytest hooks that set up a run: the marker, the recorder, suite tests refused
without catalogue ids, and unclaimed features skipped.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import gc
from typing import Any

import pytest

from ..checks.expect import check_log
from ..contract.catalogue import load_catalogue
from ..contract.requirement_marker import MARKER, is_suite_item, marker_problem, requirement_ids
from ..errors import ConfigError
from ..transport import interrupts
from ..transport.transcript import current_test
from ..verdict.results import RunResults
from .findings import NOT_CLAIMED
from .options import harness_config, profile_of
from .recorder import RequirementRecorder
from .stash_keys import results_key
from .work_order import longest_first
from .worker_stop import STOPPED_BY_SIGNAL

# A KeyboardInterrupt that a signal raised inside a gc callback is printed by Python as
# "Exception ignored" and, by pytest, as a warning with its traceback. The interrupt is not
# lost (interrupts.received, the client's check before each request of a test), so its
# traceback is noise in the output of a clean Ctrl-C.
SWALLOWED_INTERRUPT = (
    "ignore:(?s)Exception ignored.*KeyboardInterrupt:pytest.PytestUnraisableExceptionWarning"
)


def pytest_configure(config: pytest.Config) -> None:
    # SIGTERM ends the run like Ctrl-C, and neither cuts a request in half: session fixtures
    # still tear down, so the cleanup runs and finds every position the run created.
    interrupts.install()
    config.addinivalue_line("filterwarnings", SWALLOWED_INTERRUPT)
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*ids): requirement ids from openapi/requirements.yaml this test checks",
    )
    config.pluginmanager.register(RequirementRecorder(config), "positions-requirement-recorder")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    suite_items = [item for item in items if is_suite_item(item)]
    if not suite_items:
        return
    catalogue = load_catalogue()
    problems = [
        problem
        for item in suite_items
        if (
            problem := marker_problem(
                item.nodeid, [m.args for m in item.iter_markers(MARKER)], catalogue
            )
        )
    ]
    if problems:
        raise pytest.UsageError(
            "Suite tests must name catalogue requirements: " + "; ".join(problems[:5])
        )
    try:
        harness = harness_config(config)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[results_key] = RunResults(
        catalogue, harness.target.known_deviations, strict=harness.strict
    )
    if hasattr(config, "workerinput"):  # xdist's workers collect; the controller does not
        longest_first(items, profile_of(config))


def pytest_collection_finish(session: pytest.Session) -> None:
    # What the process holds once collected (Schemathesis, Hypothesis and their schemas) lives
    # until it exits: moved out of the garbage collector's sight, it is not walked again by
    # every full collection of the run and by pytest's at the end. Each of 20 workers spent
    # about 0.4 CPU-seconds on those walks (quick on 20 workers: 44 user CPU-s before, 36 after),
    # and they share 2 cores.
    gc.freeze()


def pytest_runtest_setup(item: pytest.Item) -> None:
    current_test.nodeid = item.nodeid
    check_log.reset()
    if not is_suite_item(item):
        return
    ids = requirement_ids(item)
    item.user_properties.append(("requirements", " ".join(ids)))  # junit.xml <property>
    catalogue = load_catalogue()
    unclaimed = harness_config(item.config).target.unclaimed
    features = {catalogue[rid].feature for rid in ids} & unclaimed
    if features:
        pytest.skip(f"{NOT_CLAIMED}: {', '.join(sorted(features))}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Stops the run after the test in flight once a signal came, even when something on the
    way swallowed its KeyboardInterrupt; cleanup and the (incomplete) report still follow."""
    result = yield
    if interrupts.received() is not None:
        item.session.shouldstop = STOPPED_BY_SIGNAL
    return result


@pytest.hookimpl(wrapper=True)
def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> Any:
    """pytest's terminal reporter formats the interrupted traceback, and fails (TypeError on a
    frame without a line number) when the signal lands inside some generated code; that turned
    a clean Ctrl-C into an internal error with a traceback and exit 1. The interrupt is reported
    by the run's own sentence and its incomplete report, so such a traceback is cut to its
    first frame, which formats."""
    try:
        excinfo.getrepr(funcargs=True)
    except TypeError:
        excinfo.traceback = excinfo.traceback[:1]
        # pytest formats the exceptions it was raised from too, each by its own traceback.
        excinfo.value.__cause__ = excinfo.value.__context__ = None
        excinfo.value.__suppress_context__ = True
    return (yield)
