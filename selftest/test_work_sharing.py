"""How a run with several workers shares its work out: the property tests are split where
their requests are (shards planned from the profile), and the longest tests start first, one
to each worker, so that no worker is left with two of them at the end."""

from __future__ import annotations

import collections
import dataclasses
import heapq
import types

import pytest
from xdist.scheduler import LoadScheduling

from positions_harness.config.profiles import PROFILES
from positions_harness.property.shards import (
    COVERAGE_WALK_REQUESTS,
    ME_TEST,
    REQUESTS_PER_ME_SHARD,
    STATEFUL_TEST,
    expected_requests,
    me_requests,
    me_shares,
    plan_shards,
    scenario_share,
    share_of_workers,
)
from positions_harness.run.concurrency import Concurrency
from positions_harness.run.work_order import item_requests, long_and_short_in_turn, longest_first

WORKERS = 20


def shards_per_method(
    profile_name: str, workers: int = WORKERS, **changes: object
) -> dict[tuple[str, ...], int]:
    profile = dataclasses.replace(PROFILES[profile_name], **changes)
    shards = plan_shards(workers, me_shares(profile, workers))
    return dict(collections.Counter(shard.methods for shard in shards))


def test_the_quick_profile_gives_its_creates_the_shards_of_the_walk_and_its_updates_one():
    # quick walks the create bodies only (about 430 requests); its updates send a dozen
    assert shards_per_method("quick") == {("POST",): 12, ("PATCH",): 1, ("GET",): 1}


@pytest.mark.parametrize("workers", [20, 40, 100])
def test_a_shard_of_the_me_walk_sends_at_least_a_shards_worth_however_many_workers(workers):
    # every shard generates the whole walk: many workers must not make many short shards
    profile = PROFILES["quick"]
    shards = [
        s for s in plan_shards(workers, me_shares(profile, workers)) if s.methods == ("POST",)
    ]
    assert len(shards) == round(me_requests(profile)["POST"] / REQUESTS_PER_ME_SHARD)
    assert all(
        expected_requests(ME_TEST, s, profile) >= 0.75 * REQUESTS_PER_ME_SHARD for s in shards
    )


def test_few_workers_still_split_the_me_walk_across_most_of_them():
    assert shards_per_method("quick", workers=4) == {("POST",): 4, ("PATCH",): 1, ("GET",): 1}


@pytest.mark.parametrize("profile_name", ["default", "nightly"])
def test_profiles_that_walk_creates_and_updates_split_them_evenly(profile_name):
    assert shards_per_method(profile_name) == {("POST",): 9, ("PATCH",): 9, ("GET",): 1}


def test_without_a_coverage_phase_creates_and_updates_weigh_the_same():
    without = tuple(phase for phase in PROFILES["quick"].phases if phase != "coverage")
    shards = shards_per_method("quick", phases=without, max_examples=300)
    assert shards == {("POST",): 8, ("PATCH",): 8, ("GET",): 1}


def test_without_fuzzing_the_random_cases_count_for_nothing():
    without = tuple(phase for phase in PROFILES["quick"].phases if phase != "fuzzing")
    profile = dataclasses.replace(PROFILES["quick"], phases=without)
    assert me_requests(profile) == {"POST": COVERAGE_WALK_REQUESTS, "PATCH": 1, "GET": 1}
    assert shards_per_method("quick", phases=without) == {("POST",): 12, ("PATCH",): 1, ("GET",): 1}


def test_a_profile_that_neither_walks_nor_fuzzes_runs_each_group_as_one_shard():
    examples_only = ("examples", "stateful")
    assert shards_per_method("default", phases=examples_only) == {
        ("POST",): 1,
        ("PATCH",): 1,
        ("GET",): 1,
    }


@pytest.mark.parametrize(("scenarios", "shards"), [(6, 6), (40, WORKERS), (1, 1)])
def test_the_stateful_test_has_no_more_shards_than_scenarios(scenarios, shards):
    profile = dataclasses.replace(PROFILES["quick"], stateful_scenarios=scenarios)
    assert len(plan_shards(WORKERS, scenario_share(profile, WORKERS))) == shards


class Worker:
    """A pytest-xdist worker as its load scheduler sees it."""

    def __init__(self, name: str) -> None:
        self.gateway = types.SimpleNamespace(id=name)
        self.ran: list[int] = []
        self.shutting_down = False

    def send_runtest_some(self, indices: list[int]) -> None:
        pass  # the scheduler keeps them (node2pending)

    def shutdown(self) -> None:
        self.shutting_down = True


QUIET = types.SimpleNamespace(loadsched=lambda *words: None)  # the scheduler's log


class SchedulerOptions:
    def __init__(self, workers: int) -> None:
        self.values = {"tx": [f"{workers}*popen"], "maxschedchunk": 1}

    def getvalue(self, name: str) -> object:
        return self.values[name]

    getoption = getvalue


def run_with_xdist_scheduler(durations: list[float], workers: int) -> tuple[float, list[Worker]]:
    """Runs tests of these durations, in this collection order, on `workers` workers handed
    out by xdist's own LoadScheduling (as --dist load --maxschedchunk 1 does); returns when
    the last ended, and the workers with the tests each ran."""
    scheduler = LoadScheduling(SchedulerOptions(workers), log=QUIET)
    pool = [Worker(f"gw{n}") for n in range(workers)]
    for worker in pool:
        scheduler.add_node(worker)
        scheduler.add_node_collection(worker, [str(n) for n in range(len(durations))])
    scheduler.schedule()
    clock, running = 0.0, []  # (ends at, worker number, worker, test)
    while True:
        for n, worker in enumerate(pool):  # a worker starts a test once it knows the next one
            pending = scheduler.node2pending[worker]  # or is told to stop
            busy = any(w is worker for _, _, w, _ in running)
            if not busy and (len(pending) >= 2 or (pending and worker.shutting_down)):
                worker.ran.append(pending[0])
                heapq.heappush(running, (clock + durations[pending[0]], n, worker, pending[0]))
        if not running:
            return clock, pool
        clock, _, worker, test = heapq.heappop(running)
        scheduler.mark_test_complete(worker, test)


LONG, SHORT = 10.0, 1.0


@pytest.mark.parametrize("workers", [2, 3, 4, 8])
def test_each_worker_starts_with_a_long_test_and_none_waits_behind_another(workers):
    long_tests, short_tests = [LONG] * (2 * workers), [SHORT] * (12 * workers)

    ordered = long_and_short_in_turn(long_tests, short_tests)
    ended, pool = run_with_xdist_scheduler(ordered, workers)

    assert all(ordered[worker.ran[0]] == LONG for worker in pool)
    # The best any order can do here is two long tests and a share of the short ones each.
    assert ended <= 2 * LONG + 12 * SHORT + LONG / 2


def test_long_tests_first_as_collected_leave_a_worker_with_two_at_the_end():
    """The order before: every property test, then the rest. xdist's first two tests for each
    worker were then two long ones for half of the workers, and nothing long for the rest."""
    workers = 4
    long_tests, short_tests = [LONG] * workers, [SHORT] * (4 * workers)

    ended, pool = run_with_xdist_scheduler(long_tests + short_tests, workers)
    better, _ = run_with_xdist_scheduler(long_and_short_in_turn(long_tests, short_tests), workers)

    assert pool[0].ran[:2] == [0, 1]  # the first two long tests, one after the other
    assert better < ended


@pytest.mark.parametrize(("long", "short"), [(0, 4), (4, 0), (2, 5), (5, 2)])
def test_every_test_keeps_its_place_in_the_run_however_few_of_either_kind(long, short):
    long_tests, short_tests = [f"L{n}" for n in range(long)], [f"s{n}" for n in range(short)]
    order = long_and_short_in_turn(long_tests, short_tests)
    assert sorted(order) == sorted(long_tests + short_tests)
    assert [t for t in order if t.startswith("L")] == long_tests  # each kind in its own order


def test_workers_take_one_test_at_a_time_longest_first():
    # Larger chunks would hand the first worker several of the long tests at once.
    assert Concurrency(4, "test").pytest_args == [
        "-n",
        "4",
        "--dist",
        "load",
        "--maxschedchunk",
        "1",
    ]
    assert Concurrency(0, "serial").pytest_args == []


# ------------------------------------------------------- the longest property items first
def property_items(profile_name: str, workers: int = WORKERS) -> list[types.SimpleNamespace]:
    """The property suite's items as collected on `workers` workers (test file order), with
    the attributes work_order reads."""
    profile = PROFILES[profile_name]
    tests = [  # as test_generated_requests.py and test_linked_sequences.py define them
        ME_TEST,
        "test_generated_requests_to_a_user_by_id_are_answered_as_the_contract_says",
        "test_generated_requests_to_a_user_by_upn_are_answered_as_the_contract_says",
        "test_generated_deletes_to_me_are_answered_as_the_contract_says",
        "test_generated_deletes_to_a_user_by_id_are_answered_as_the_contract_says",
        "test_generated_deletes_to_a_user_by_upn_are_answered_as_the_contract_says",
        "test_generated_paging_and_ordering_of_the_list_are_answered_as_the_contract_says",
        "test_generated_selects_are_answered_as_the_contract_says",
        STATEFUL_TEST,
    ]
    return [
        types.SimpleNamespace(
            nodeid=f"suites/property/test_x.py::{name}[{shard.label}]",
            originalname=name,
            name=name,
            callspec=types.SimpleNamespace(params={"property_shard": shard}),
        )
        for name in tests
        for shard in plan_shards(workers, share_of_workers(name, profile, workers))
    ]


def short_items(count: int) -> list[types.SimpleNamespace]:
    return [types.SimpleNamespace(nodeid=f"suites/behaviour/test_y.py::t{n}") for n in range(count)]


def test_an_unsplit_test_that_sends_many_requests_starts_before_smaller_shards():
    items = property_items("default")
    longest_first(items, PROFILES["default"])
    names = [item.originalname for item in items]
    paging = names.index(
        "test_generated_paging_and_ordering_of_the_list_are_answered_as_the_contract_says"
    )
    assert set(names[:paging]) == {ME_TEST}  # only the walked /me shards before it
    assert names.index(STATEFUL_TEST) > paging


def simulated_ends(profile_name: str, short_tests: int) -> tuple[float, float]:
    """When a run of the property items and `short_tests` behaviour tests (4 requests each)
    ends at 300 ms a request on WORKERS workers: long and short in turn with the property items
    as collected (the order before), and as longest_first orders them."""
    profile = PROFILES[profile_name]
    collected = property_items(profile_name) + short_items(short_tests)
    ordered = list(collected)
    longest_first(ordered, profile)
    as_collected = [item for item in collected if item.nodeid.startswith("suites/property/")]
    before = long_and_short_in_turn(as_collected, short_items(short_tests))

    def duration(item: types.SimpleNamespace) -> float:
        is_long = item.nodeid.startswith("suites/property/")
        return 0.3 * (item_requests(item, profile) if is_long else 4)

    ended_before, _ = run_with_xdist_scheduler([duration(i) for i in before], WORKERS)
    ended, _ = run_with_xdist_scheduler([duration(i) for i in ordered], WORKERS)
    return ended_before, ended


@pytest.mark.parametrize(("profile_name", "short_tests"), [("quick", 0), ("default", 20)])
def test_starting_the_longest_items_first_ends_the_run_sooner(profile_name, short_tests):
    # With few short tests left to fill in around them, a long item taken late is the tail.
    ended_before, ended = simulated_ends(profile_name, short_tests)
    assert ended < ended_before - 2


@pytest.mark.parametrize("profile_name", ["quick", "default"])
@pytest.mark.parametrize("short_tests", [0, 100, 150, 190])
def test_starting_the_longest_items_first_never_ends_a_run_of_the_suites_size_later(
    profile_name, short_tests
):
    # The suites have about 190 short tests. With only a handful (10 on default) the order can
    # end a run later (by about 1.6 s here): a trade taken for the runs that happen.
    ended_before, ended = simulated_ends(profile_name, short_tests)
    assert ended <= ended_before + 0.5  # within one short test's length
