"""Splitting the property suite so that pytest-xdist can run it on several workers at once.

A Schemathesis test runs its cases one after another, and against a target that answers in
300 ms one operation's coverage walk alone takes minutes. So with N workers each property test
becomes N items (shards). Every shard generates the same cases: the coverage and examples
phases are deterministic, and the fuzzing phase draws from the run's one seed. Each shard sends
only the cases whose stable hash falls to it, so together they send every case of the profile
exactly once, as one serial run would (while they pass: after a failure, the failing shard's
Hypothesis shrinks and draws on differently from its siblings). The stateful scenarios are
divided among the shards instead (each runs its share, from seeds of its own). The coverage
cases are chosen by a filter_case hook that property/addressing.py installs, so a schema built
another way must install it too (`Shard.coverage_filter`).

A case's hash leaves out what differs between shards but not between cases: the real ids put
in the path (each shard addresses a position of its own) and Schemathesis' per-run headers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from schemathesis import Case
from schemathesis.core import NotSet
from schemathesis.generation.meta import TestPhase

from ..config.profiles import PROFILES, PropertyProfile
from .schema import WALKED_ON_ME

PINNED = "<pinned>"
PER_RUN_HEADERS = frozenset({"x-schemathesis-testcaseid"})


@dataclass(frozen=True)
class Shard:
    index: int  # 0-based, among the shards of the same methods
    count: int
    methods: tuple[str, ...] = ()  # the operations it tests, by method; empty: every one

    @property
    def label(self) -> str:
        group = f"{'-'.join(self.methods)}-" if self.methods else ""
        return f"{group}shard-{self.index + 1}-of-{self.count}"

    def takes(self, case: Case, pinned: Mapping[str, Any]) -> bool:
        """Whether this shard sends `case` (every case falls to exactly one shard)."""
        if self.count == 1:
            return True
        digest = hashlib.sha256(case_key(case, pinned).encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index

    def sends(self, case: Case, pinned: Mapping[str, Any]) -> bool:
        """Whether this shard sends a case it is given to run: a coverage case was already
        chosen by `coverage_filter` (its other shards' cases never reach the test)."""
        return is_coverage_case(case) or self.takes(case, pinned)

    def coverage_filter(self, pinned: Mapping[str, Any]) -> Callable[[Any, Case], bool]:
        """A Schemathesis filter_case hook that keeps only this shard's coverage cases. The
        coverage walk is computed before any case runs, and dropping the other shards' cases
        there spares Hypothesis running hundreds of explicit examples that send nothing."""

        def this_shards(context: Any, case: Case) -> bool:
            return not is_coverage_case(case) or self.takes(case, pinned)

        return this_shards

    def scenarios(self, total: int) -> int:
        """This shard's share of `total` stateful scenarios (the shares add up to `total`)."""
        return total // self.count + (1 if self.index < total % self.count else 0)


WHOLE = Shard(0, 1)
# Path parameters whose values differ between shards but not between their cases: each shard
# addresses a position of its own.
PINNED_PARAMETERS = ("workPosition-id",)


def pinned_values(parameters: Mapping[str, Any]) -> dict[str, Any]:
    return {name: parameters[name] for name in PINNED_PARAMETERS if name in parameters}


Share = Mapping[str, float] | float  # of the workers: for a test, or per group of its methods


def plan_shards(workers: int, shares: Share) -> list[Shard]:
    """The shards of one property test on `workers` workers. `shares` is the share of the
    workers the test may take (a number), or that share per group of operations by method
    ({"POST": 0.5, "PATCH": 0.5, "GET": 0}): a group's shards generate only its operations'
    cases, so a shard's generation costs less. Every group gets at least one shard."""
    if not isinstance(shares, Mapping):
        count = max(1, round(workers * shares))
        return [Shard(index, count) for index in range(count)] if count > 1 else [WHOLE]
    if workers < 2:
        return [WHOLE]
    shards = []
    for methods, share in shares.items():
        count = max(1, round(workers * share))
        group = tuple(methods.split())
        shards += [Shard(index, count, group) for index in range(count)]
    return shards


# Requests the coverage walk sends for an operation of /me that takes a body (make bench,
# default profile: about 420 each for POST and PATCH); reads and deletes are walked in a few.
COVERAGE_WALK_REQUESTS = 420
ME_TEST_SHARE = 0.9  # of the workers, for the creates and updates of the /me test together
# Each shard of the /me test generates its operations' whole coverage walk (about half a
# CPU-second for the create bodies, on every shard) before sending its share: a shard that
# sends fewer requests than this costs more CPU than it saves in waiting (quick at 300 ms on
# 20 workers and 2 cores: 18 shards of 24 requests took 36 s, 12 of 36 took 34 s, 9 of 48 35 s).
REQUESTS_PER_ME_SHARD = 36


def scenario_share(profile: PropertyProfile, workers: int) -> float:
    """The stateful test takes no more shards than the profile has scenarios: a shard without
    one would only build its state machine (a second of CPU on each worker)."""
    return min(1.0, profile.stateful_scenarios / max(1, workers))


def me_shares(profile: PropertyProfile, workers: int) -> dict[str, float]:
    """The share of the workers each method group of the /me test takes, in proportion to the
    requests it is expected to send on `profile`, and no more than gives each shard about
    REQUESTS_PER_ME_SHARD of them: the quick profile walks the create bodies only, so its
    creates take a dozen shards on 20 workers, and its updates one."""
    expected = me_requests(profile)
    total = expected["POST"] + expected["PATCH"]
    share = min(ME_TEST_SHARE, total / (REQUESTS_PER_ME_SHARD * max(1, workers)))
    return {
        **{method: share * expected[method] / total for method in ("POST", "PATCH")},
        "GET": 0.0,
    }


def me_requests(profile: PropertyProfile) -> dict[str, float]:
    """About how many requests each method group of the /me test sends on `profile`: its
    random cases, and for a body the coverage walk when the profile walks it (at least one:
    the documented examples)."""
    walked = WALKED_ON_ME[profile.coverage_scope] if profile.enabled("coverage") else frozenset()
    return {
        method: max(
            1,
            random_cases(profile)
            + (COVERAGE_WALK_REQUESTS if method in walked and method != "GET" else 0),
        )
        for method in ("POST", "PATCH", "GET")
    }


def random_cases(profile: PropertyProfile) -> int:
    """The random cases per operation `profile` sends: none when it does not fuzz."""
    return profile.max_examples if profile.enabled("fuzzing") else 0


ME_TEST = "test_generated_requests_to_me_are_answered_as_the_contract_says"
STATEFUL_TEST = "test_create_get_update_delete_sequences_hold_together"
REQUESTS_PER_SCENARIO = 10


@dataclass(frozen=True)
class PropertyTestPlan:
    """How a property test other than /me's and the stateful one is shared out and ordered."""

    # The share of the workers it is split across: every shard generates all the cases of its
    # operations and sends its own, so a test that sends few is split less.
    share: float
    # About how many requests it sends, all its shards together, on the default profile (make
    # bench at 300 ms; on another profile in proportion to its random cases): the run starts
    # the longest items first (run/work_order.py), so that none starts late and holds up the
    # run's end. A guide to the order, not a limit.
    requests: int


PLANS = {
    "test_generated_selects_are_answered_as_the_contract_says": PropertyTestPlan(0.15, 95),
    "test_generated_requests_to_a_user_by_id_are_answered_as_the_contract_says": (
        PropertyTestPlan(0.15, 70)
    ),
    "test_generated_requests_to_a_user_by_upn_are_answered_as_the_contract_says": (
        PropertyTestPlan(0.15, 70)
    ),
    # Each of its shards would make positions of its own to page over: one shard.
    "test_generated_paging_and_ordering_of_the_list_are_answered_as_the_contract_says": (
        PropertyTestPlan(0.0, 48)
    ),
    "test_generated_deletes_to_me_are_answered_as_the_contract_says": PropertyTestPlan(0.0, 10),
    "test_generated_deletes_to_a_user_by_id_are_answered_as_the_contract_says": (
        PropertyTestPlan(0.0, 6)
    ),
    "test_generated_deletes_to_a_user_by_upn_are_answered_as_the_contract_says": (
        PropertyTestPlan(0.0, 6)
    ),
}
UNPLANNED = PropertyTestPlan(1.0, 0)  # a test missing here: split across all, counted short


def share_of_workers(test: str, profile: PropertyProfile, workers: int) -> Share:
    """The share of the workers the property test `test` is split across (see plan_shards):
    the /me test by method group as the profile walks them, the stateful test by scenarios."""
    if test == ME_TEST:
        return me_shares(profile, workers)
    if test == STATEFUL_TEST:
        return scenario_share(profile, workers)
    return PLANS.get(test, UNPLANNED).share


def expected_requests(test: str, shard: Shard, profile: PropertyProfile) -> float:
    """About how many requests one item (shard) of the property test `test` sends."""
    if test == ME_TEST:
        by_method = me_requests(profile)
        whole = sum(by_method[method] for method in shard.methods or by_method)
    elif test == STATEFUL_TEST:
        whole = profile.stateful_scenarios * REQUESTS_PER_SCENARIO
    else:
        scale = random_cases(profile) / random_cases(PROFILES["default"])
        whole = PLANS.get(test, UNPLANNED).requests * scale
    return whole / shard.count


def case_key(case: Case, pinned: Mapping[str, Any]) -> str:
    """The case as text that is the same in every shard: path parameters that hold the run's
    pinned values (the target user, the shard's own position) are written as a placeholder."""
    path_parameters = {
        name: PINNED if pinned.get(name) == value else value
        for name, value in (case.path_parameters or {}).items()
    }
    parts = {
        "method": case.method.upper(),
        "path": case.operation.path,
        "path_parameters": path_parameters,
        "query": case.query,
        "headers": {
            name: value
            for name, value in (case.headers or {}).items()
            if name.lower() not in PER_RUN_HEADERS
        },
        "cookies": case.cookies,
        "body": case.body,
        "media_type": case.media_type,
    }
    return json.dumps(parts, sort_keys=True, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, NotSet):
        return "<not set>"
    if isinstance(value, bytes | bytearray):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, set | frozenset | tuple):
        return sorted(map(repr, value))
    return f"<{type(value).__name__}>"


def is_coverage_case(case: Case) -> bool:
    meta = case.meta
    return meta is not None and meta.phase.name == TestPhase.COVERAGE
