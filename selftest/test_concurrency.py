"""Concurrency against slow targets (issue #15): the run picks its xdist workers from the
latency the preflight measured; the property tests split into shards that together send the
same cases as one serial run; every worker keeps one budget, rate limit and Retry-After with
the others; and Ctrl-C still leaves nothing behind.

Figures (wall time at 0 and 300 ms) come from `make bench`, never from these tests: nothing
here depends on how fast the machine is.
"""

from __future__ import annotations

import collections
import itertools
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from positions_harness.config.targets import parse_target, parse_workers
from positions_harness.errors import BudgetExhausted, ConfigError
from positions_harness.property.shards import WHOLE, Shard, plan_shards
from positions_harness.run.concurrency import MAX_WORKERS, choose
from positions_harness.transport.pacing import (
    QUIET_SECONDS,
    RETRIES_FIRST_SECONDS,
    WINDOW_SECONDS,
    Pacer,
)
from positions_reference import create_app

from .support.harness_run import run_harness
from .support.interrupting import WHILE_WORKERS_HOLD_POSITIONS, interrupt_run
from .support.servers import serving

TOKEN = "tok-selftest-concurrency"
TEST_CASE_HEADER = "x-schemathesis-testcaseid"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


# ---------------------------------------------------------------- one pace for every process
class FakeClock:
    """A monotonic clock that moves only when someone sleeps: no test waits for real."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def processes(
    tmp_path: Path, count: int = 2, budget: int = 100, rate: float | None = None
) -> tuple[list[Pacer], FakeClock]:
    """Pacers sharing one file and one clock, as the xdist workers of one run do."""
    clock, shared = FakeClock(), tmp_path / "pace"
    return [Pacer(budget, rate, shared, clock, clock.sleep) for _ in range(count)], clock


def sends(pacers: list[Pacer], clock: FakeClock, rounds: int) -> list[float]:
    moments = []
    for _ in range(rounds):
        for pacer in pacers:
            pacer.wait_for_turn()
            moments.append(clock.now)
    return moments


def test_a_rate_limit_spaces_the_requests_of_every_process_sharing_the_pace(tmp_path):
    pacers, clock = processes(tmp_path, count=3, rate=10)
    moments = sends(pacers, clock, rounds=10)

    gaps = [later - earlier for earlier, later in itertools.pairwise(moments)]
    assert min(gaps) >= 0.1 - 1e-9
    in_any_window = max(sum(1 for t in moments if start <= t < start + 1.0) for start in moments)
    assert in_any_window <= 10


def test_no_more_than_the_rate_in_any_window_even_when_requests_bunch_up(tmp_path):
    pacers, clock = processes(tmp_path, rate=4)
    moments = sends(pacers, clock, rounds=6)
    assert all(
        sum(1 for t in moments if start <= t < start + WINDOW_SECONDS) <= 4 for start in moments
    )


def test_the_request_budget_holds_for_all_processes_together(tmp_path):
    (first, second), _ = processes(tmp_path, budget=3)
    first.wait_for_turn()
    first.wait_for_turn()
    second.wait_for_turn()

    with pytest.raises(BudgetExhausted, match="budget of 3 requests"):
        first.wait_for_turn()
    with pytest.raises(BudgetExhausted):
        second.wait_for_turn()
    assert first.totals().sent == 3


def test_a_retry_after_one_process_is_told_holds_every_other_process(tmp_path):
    (throttled, other), clock = processes(tmp_path)
    told_at = clock.now
    throttled.wait_for_turn()
    throttled.answered(wait=30)  # and given up: no retry

    waited = other.wait_for_turn()

    assert clock.now >= told_at + 30
    assert waited == pytest.approx(30)


def throttled_once(pacer: Pacer, wait: float = 1.0, write: bool = False) -> None:
    """`pacer` sends a request and is told to wait `wait` seconds before retrying it."""
    pacer.wait_for_turn(write)
    pacer.answered(write, wait=wait, retried=True)


def retried(pacer: Pacer, write: bool = False) -> None:
    pacer.wait_for_turn(write, retry=True)
    pacer.answered(write, retry=True)


def test_when_a_hold_ends_the_throttled_request_is_retried_and_answered_before_any_other(
    tmp_path,
):
    (throttled, other), clock = processes(tmp_path)
    throttled_once(throttled)
    hold_ends = clock.now + 1
    events = []

    def nap(seconds: float) -> None:  # the retry wakes a little after the other, 0.3 s latency
        if clock.now >= hold_ends and not events:
            throttled.wait_for_turn(retry=True)
            events.append("retry sent")
        elif events == ["retry sent"] and clock.now >= hold_ends + 0.3:
            throttled.answered(retry=True)
            events.append("retry answered")
        clock.sleep(seconds)

    other._sleep = nap
    other.wait_for_turn()
    events.append("other sent")

    assert events == ["retry sent", "retry answered", "other sent"]


def test_the_others_wait_for_every_retry_due(tmp_path):
    (first, second, other), clock = processes(tmp_path, count=3)
    throttled_once(first)
    throttled_once(second)
    clock.sleep(1)
    retried(first)

    assert other.wait_for_turn() > 0  # the second retry is still due
    retried(second)
    assert other.wait_for_turn() == 0


def test_a_retry_that_never_comes_holds_the_others_back_only_a_little(tmp_path):
    (throttled, other), _ = processes(tmp_path)
    throttled_once(throttled)  # and its test is interrupted: no retry

    waited = other.wait_for_turn()

    assert 1 < waited <= 1 + RETRIES_FIRST_SECONDS + 1e-9
    assert other.wait_for_turn() == 0  # the retry is forgotten, not waited for again


def test_a_retry_that_is_never_answered_holds_the_others_back_only_a_little(tmp_path):
    (throttled, other), clock = processes(tmp_path)
    throttled_once(throttled)
    clock.sleep(1)
    throttled.wait_for_turn(retry=True)  # and the target never answers it

    waited = other.wait_for_turn()

    assert 0 < waited <= RETRIES_FIRST_SECONDS + 1e-9


def test_a_late_answer_to_one_retry_does_not_end_another_retrys_turn_first(tmp_path):
    (slow, throttled, other), clock = processes(tmp_path, count=3)
    throttled_once(slow)
    clock.sleep(1)
    slow.wait_for_turn(retry=True)  # answered only after the others stopped waiting for it
    other.wait_for_turn()
    throttled_once(throttled)
    slow.answered(retry=True)  # the late answer

    assert other.wait_for_turn() > 1  # still waits for the other retry, not only the hold


def test_at_a_slow_rate_limit_a_retry_still_goes_first_when_its_turn_comes(tmp_path):
    (throttled, other), clock = processes(tmp_path, rate=0.25)  # one request every 4 s
    throttled_once(throttled)  # its retry may go 4 s later, not when the 1 s hold ends
    events = []

    def nap(seconds: float) -> None:
        if clock.now >= 1004 and not events:
            retried(throttled)
            events.append("retry")
        clock.sleep(seconds)

    other._sleep = nap
    other.wait_for_turn()
    events.append("other")

    assert events == ["retry", "other"]


def test_in_a_quiet_spell_a_retried_read_still_goes_first(tmp_path):
    (throttled, holder, other), clock = processes(tmp_path, count=3)
    with holder.quiet():
        throttled_once(throttled)
        clock.sleep(1)
        assert other.wait_for_turn() > 0
        retried(throttled)
        assert other.wait_for_turn() == 0


def test_in_a_quiet_spell_nobody_waits_for_a_retried_write_that_waits_for_the_spell(tmp_path):
    (throttled, holder), _ = processes(tmp_path)
    throttled.wait_for_turn(write=True)
    throttled.answered(write=True, wait=1, retried=True)
    with holder.quiet():
        assert holder.wait_for_turn() == pytest.approx(1)  # the hold, not the retry


def test_a_spell_holders_own_retried_write_goes_first_in_its_spell(tmp_path):
    (holder, other), clock = processes(tmp_path)
    with holder.quiet(own_writes=True):
        holder.wait_for_turn(write=True)
        holder.answered(write=True, wait=1, retried=True)
        clock.sleep(1)
        assert other.wait_for_turn() > 0
        retried(holder, write=True)
        assert other.wait_for_turn() == 0


def test_a_hold_that_comes_while_a_request_waits_for_its_turn_holds_it_too(tmp_path):
    (throttled, waiting), clock = processes(tmp_path, rate=1)
    waiting.wait_for_turn()  # the next may go a second later
    naps = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:
            throttled.answered(wait=20)  # told while the other waits its turn
        clock.sleep(seconds)

    waiting._sleep = nap
    started = clock.now
    waiting.wait_for_turn()
    assert clock.now >= started + 20


def test_in_a_quiet_spell_no_process_writes_but_every_process_may_read(tmp_path):
    (reader, writer), clock = processes(tmp_path)
    with reader.quiet():
        started = clock.now
        assert writer.wait_for_turn() == 0  # a read goes at once
        writer.wait_for_turn(write=True)  # a write waits until the spell lapses
        assert clock.now >= started + QUIET_SECONDS
    writer.answered(write=True)


def test_a_write_goes_at_once_when_the_quiet_spell_is_over(tmp_path):
    (reader, writer), _ = processes(tmp_path)
    with reader.quiet():
        pass
    assert writer.wait_for_turn(write=True) == 0


def test_a_quiet_spell_starts_once_the_writes_in_flight_are_answered(tmp_path):
    (reader, writer), clock = processes(tmp_path)
    writer.wait_for_turn(write=True)  # sent, not answered yet
    naps = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        writer.answered(write=True)  # the answer comes while the reader waits
        clock.sleep(seconds)

    reader._sleep = nap
    with reader.quiet():
        assert reader.totals().writes_in_flight == 0
    assert naps


def test_a_check_alone_in_the_run_writes_while_every_other_process_waits(tmp_path):
    (checker, other), clock = processes(tmp_path)
    with checker.quiet(own_writes=True):
        started = clock.now
        assert checker.wait_for_turn(write=True) == 0  # its own create goes at once
        checker.answered(write=True)
        with checker.quiet():  # a listing's own spell inside it (persistence.listing_with)
            pass
        other.wait_for_turn(write=True)  # still waits: the inner spell ended with the outer
        assert clock.now >= started + QUIET_SECONDS
    other.answered(write=True)
    assert other.wait_for_turn(write=True) == 0  # and once the check is done, at once


def test_without_a_shared_file_the_pace_is_this_process_alone():
    first, second = Pacer(1), Pacer(1)
    first.wait_for_turn()
    second.wait_for_turn()  # its own budget: nothing shared
    with pytest.raises(BudgetExhausted):
        first.wait_for_turn()


# ---------------------------------------------------------------- choosing the workers
@pytest.mark.parametrize(
    ("requested", "latency_ms", "rate", "workers"),
    [
        (None, 1.0, None, 0),  # a local target: serial, workers would only add start-up
        (None, None, None, 0),  # nothing measured: serial
        (None, 49.0, None, 0),
        (None, 60.0, None, 4),
        (None, 300.0, None, MAX_WORKERS),
        (None, 3000.0, None, MAX_WORKERS),
        (None, 300.0, 10.0, 3),  # 10 requests a second at 0.3 s keep 3 in flight
        (None, 300.0, 1.0, 0),  # one in flight: serial
        (6, 1.0, None, 6),  # asked for: as asked
        (1, 300.0, None, 0),  # one worker is serial
    ],
)
def test_the_workers_follow_the_measured_latency_unless_asked(requested, latency_ms, rate, workers):
    assert choose(requested, latency_ms, rate).workers == workers


@pytest.mark.parametrize(("value", "workers"), [("auto", None), (None, None), ("0", 0), (8, 8)])
def test_workers_may_be_auto_or_a_number(value, workers):
    assert parse_workers(value, "workers") == workers


@pytest.mark.parametrize("value", ["-1", "four", 2.5, True])
def test_workers_that_are_neither_auto_nor_a_whole_number_are_refused(value):
    with pytest.raises(ConfigError, match="must be auto or a whole number of workers"):
        parse_workers(value, "workers")


def test_a_target_profile_may_set_the_workers():
    assert parse_target({"name": "t", "workers": 6}, "profile").workers == 6
    assert parse_target({"name": "t"}, "profile").workers is None


def test_a_bad_workers_option_is_one_sentence_and_exit_2(tmp_path):
    run = run_harness(tmp_path, args=("--workers", "many"))

    assert run.exit_code == 2
    assert "--workers/WORKERS must be auto or a whole number of workers" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr


# ---------------------------------------------------------------- shards
def test_a_test_split_by_operation_gets_one_group_of_shards_per_method():
    shards = plan_shards(20, {"POST": 0.45, "PATCH": 0.45, "GET": 0.0})

    counts = collections.Counter(shard.methods for shard in shards)
    assert counts == {("POST",): 9, ("PATCH",): 9, ("GET",): 1}
    assert len({shard.label for shard in shards}) == len(shards)


def test_one_worker_keeps_every_property_test_whole():
    assert plan_shards(1, 1.0) == [WHOLE]
    assert plan_shards(0, {"POST": 0.5}) == [WHOLE]


def test_the_stateful_scenarios_are_divided_among_the_shards_without_loss():
    shards = [Shard(index, 7) for index in range(7)]
    assert sum(shard.scenarios(40) for shard in shards) == 40


def generated_requests(reports_root: Path) -> collections.Counter[tuple[str, ...]]:
    """The generated requests of a run, with run-specific ids and tags blanked out."""
    found: collections.Counter[tuple[str, ...]] = collections.Counter()
    for path in reports_root.rglob("transcript*.jsonl"):
        probe_copy: tuple[str, str | None] | None = None  # (url, body) of the last probe
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            exchange = json.loads(line)
            if not any(h.lower() == TEST_CASE_HEADER for h in exchange["request_headers"]):
                continue
            # The authentication probe (property/judge.py) copies the first case of each
            # operation a process judges, once without credentials and once with a made-up
            # token: which case it copies depends on the split, so the copies are left out.
            sent = (exchange["url"], exchange["request_body"])
            if "Authorization" not in exchange["request_headers"]:
                probe_copy = sent
                continue
            if sent == probe_copy:
                probe_copy = None
                continue
            if "sequences" in exchange["test"]:
                continue  # stateful scenarios are divided among shards, not hashed
            text = exchange["url"].split("/beta", 1)[1] + " " + (exchange["request_body"] or "")
            text = re.sub(
                r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", text
            )
            text = re.sub(r"harness-run:[^\"]*", "TAG", text)
            test = exchange["test"].split("::")[1].split("[")[0]
            found[(test, exchange["method"], text)] += 1
    return found


def test_shards_send_together_exactly_the_cases_of_one_serial_run(tmp_path):
    """The quick profile draws the same cases on every run, so the split can be compared
    case by case: three shards (by operation and by hash) send each case once."""
    with serving(create_app()) as url:
        env = {"BASE_URL": url, "GRAPH_TOKEN": TOKEN, "PYTEST_ARGS": "suites/property"}
        whole = run_harness(tmp_path / "whole", env, ("--workers", "0"))
        split = run_harness(tmp_path / "split", env, ("--workers", "0", "--property-shards", "3"))

    serial, sharded = generated_requests(whole.reports_root), generated_requests(split.reports_root)
    assert sum(serial.values()) > 300, whole.stdout[-2000:]
    junit = next(split.reports_root.rglob("junit.xml")).read_text(encoding="utf-8")
    assert "POST-shard-3-of-3" in junit and "PATCH-shard-1-of-1" in junit
    assert sharded == serial


# ---------------------------------------------------------------- at the server
class Arrivals:
    """WSGI middleware noting when each request arrives."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:
            self.times.append(time.monotonic())
        return self.app(environ, start_response)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    def most_in_one_second(self) -> int:
        times = sorted(self.times)
        most, start = 0, 0
        for end, arrived in enumerate(times):
            while arrived - times[start] >= 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most


def test_workers_together_never_send_more_than_the_rate_limit_in_any_second(tmp_path):
    rate = 30
    profile = tmp_path / "limited.yaml"
    profile.write_text(f"name: limited\nlimits: {{rate_limit_per_second: {rate}}}\n")
    app = Arrivals(create_app())
    with serving(app) as url:
        env = {
            "BASE_URL": url,
            "GRAPH_TOKEN": TOKEN,
            "TARGET": str(profile),
            "PYTEST_ARGS": "suites/behaviour/test_validation.py suites/behaviour/test_update.py",
        }
        run = run_harness(tmp_path, env, ("--workers", "3"))

    transcripts = list(run.reports_root.rglob("transcript-gw*.jsonl"))
    busy = [path for path in transcripts if path.read_text(encoding="utf-8").strip()]
    assert len(busy) >= 2, run.stdout[-3000:]  # the workers really ran side by side
    assert len(app.times) > 3 * rate  # long enough that the limit mattered
    assert app.most_in_one_second() <= rate
    assert run.conformance["run"]["requests_sent"] == len(app.times)


# After the signal every answer takes this long, so each worker's cleanup (its deletes and the
# tag sweep) lasts well beyond the 5 s xdist gives a worker it tears down.
SLOW_CLEANUP_SECONDS = 4.0


@pytest.mark.parametrize("to_group", [True, False], ids=["ctrl-c-at-a-terminal", "kill-int-pid"])
def test_every_workers_positions_are_deleted_after_ctrl_c_however_slow_the_cleanup(
    tmp_path, to_group
):
    result = interrupt_run(
        tmp_path,
        WHILE_WORKERS_HOLD_POSITIONS,
        workers=3,
        slow_seconds=SLOW_CLEANUP_SECONDS,
        to_group=to_group,
    )

    assert result.exit_code == 4, result.output[-3000:]
    assert result.verdict == "incomplete", result.output[-3000:]
    assert result.positions_left == 0, result.output[-3000:]
    assert "Traceback (most recent call last)" not in result.output, result.output[-4000:]
    # A worker's KeyboardInterrupt ends its test, not the worker: xdist would take the worker
    # for crashed and start a new one, which runs more tests (and creates more positions).
    assert "crashed" not in result.output, result.output[-4000:]
    # Each worker may finish the create it had in flight; none starts another.
    assert result.creates_after_signal <= 3, result.output[-4000:]
