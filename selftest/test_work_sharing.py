"""How a run with several workers shares its work out: the property tests are split where
their requests are (shards planned from the profile), and the longest tests start first, one
to each worker, so that no worker is left with two of them at the end."""

from __future__ import annotations

import collections
import dataclasses

import pytest

from positions_harness.config.profiles import PROFILES
from positions_harness.property.shards import me_shares, plan_shards, scenario_share
from positions_harness.run.concurrency import Concurrency
from positions_harness.run.work_order import one_long_test_per_worker_first

WORKERS = 20


def shards_per_method(profile_name: str, **changes: object) -> dict[tuple[str, ...], int]:
    profile = dataclasses.replace(PROFILES[profile_name], **changes)
    shards = plan_shards(WORKERS, me_shares(profile, WORKERS))
    return dict(collections.Counter(shard.methods for shard in shards))


def test_the_quick_profile_gives_its_creates_almost_every_shard_as_only_they_are_walked():
    # quick walks the create bodies only (about 430 requests); its updates send a dozen
    assert shards_per_method("quick") == {("POST",): 18, ("PATCH",): 1, ("GET",): 1}


@pytest.mark.parametrize("profile_name", ["default", "nightly"])
def test_profiles_that_walk_creates_and_updates_split_them_evenly(profile_name):
    assert shards_per_method(profile_name) == {("POST",): 9, ("PATCH",): 9, ("GET",): 1}


def test_without_a_coverage_phase_creates_and_updates_weigh_the_same():
    without = tuple(phase for phase in PROFILES["quick"].phases if phase != "coverage")
    assert shards_per_method("quick", phases=without) == {("POST",): 9, ("PATCH",): 9, ("GET",): 1}


@pytest.mark.parametrize(("scenarios", "shards"), [(6, 6), (40, WORKERS), (1, 1)])
def test_the_stateful_test_has_no_more_shards_than_scenarios(scenarios, shards):
    profile = dataclasses.replace(PROFILES["quick"], stateful_scenarios=scenarios)
    assert len(plan_shards(WORKERS, scenario_share(profile, WORKERS))) == shards


def first_two_of_each_worker(order: list[str], workers: int) -> list[list[str]]:
    """What xdist's load scheduler hands each worker as it starts (--maxschedchunk 1)."""
    return [order[2 * worker : 2 * worker + 2] for worker in range(workers)]


def test_each_worker_starts_with_one_long_test_and_the_long_ones_left_come_next():
    long = [f"L{n}" for n in range(5)]
    short = [f"s{n}" for n in range(6)]

    order = one_long_test_per_worker_first(long, short, workers=3)

    assert first_two_of_each_worker(order, 3) == [["L0", "s0"], ["L1", "s1"], ["L2", "s2"]]
    assert order[6:] == ["L3", "L4", "s3", "s4", "s5"]
    assert sorted(order) == sorted(long + short)


@pytest.mark.parametrize(("long", "short"), [(0, 4), (4, 0), (2, 2)])
def test_every_test_keeps_its_place_in_the_run_however_few_of_either_kind(long, short):
    long_tests, short_tests = [f"L{n}" for n in range(long)], [f"s{n}" for n in range(short)]
    order = one_long_test_per_worker_first(long_tests, short_tests, workers=3)
    assert sorted(order) == sorted(long_tests + short_tests)


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
