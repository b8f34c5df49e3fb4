"""A line now and then during a long property phase, so a person at a terminal sees it move:
operations met, stateful scenarios run, requests sent, and retries after throttling or
unavailability with the time they cost. (pytest alone shows one dot per property test, and
one test can take minutes against a slow service.)"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..transport.client import GraphClient

DEFAULT_EVERY_SECONDS = 15.0


class PhaseProgress:
    def __init__(
        self,
        write: Callable[[str], None],
        client: GraphClient,
        every_seconds: float = DEFAULT_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write, self.client, self.every, self.clock = write, client, every_seconds, clock
        self.operations: set[str] = set()
        self.scenarios = 0
        self._last = clock()

    def case_sent(self, operation: str) -> None:
        self.operations.add(operation)
        self._maybe_say()

    def scenarios_run(self, count: int) -> None:
        self.scenarios += count
        self._maybe_say()

    def line(self) -> str:
        client = self.client
        return (
            f"property phase: {len(self.operations)} operation(s) met, {self.scenarios} "
            f"stateful scenario(s) run, {client.requests_sent} requests sent, "
            f"{client.retries} retried after 429/503/504 ({client.seconds_waited:.0f} s waited)"
        )

    def _maybe_say(self) -> None:
        now = self.clock()
        if now - self._last >= self.every:
            self._last = now
            self.write(self.line())
