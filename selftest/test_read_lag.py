"""Reads that lag writes: the client re-reads a position, within the profile's bound, until it
shows the run's last write, and hands the checks the last answer either way."""

from __future__ import annotations

import json

import pytest

from positions_harness.transport.read_lag import WriteMemory

URL = "http://127.0.0.1/beta/me/profile/positions/p-1"


def answer(position: dict | None) -> tuple[int, bytes]:
    return (404, b"") if position is None else (200, json.dumps(position).encode())


@pytest.mark.parametrize(
    ("write", "shown", "not_yet"),
    [
        ("created", {"id": "p-1"}, None),
        ("updated", {"id": "p-1", "isCurrent": True}, {"id": "p-1", "isCurrent": False}),
        ("deleted", None, {"id": "p-1"}),
    ],
)
def test_a_read_shows_the_last_write_once_the_service_does(write, shown, not_yet):
    memory = WriteMemory()
    memory.created("p-1")
    if write == "updated":
        memory.updated("p-1", {"isCurrent": True, "createdDateTime": "2001-01-01T00:00:00Z"})
    if write == "deleted":
        memory.deleted("p-1")

    assert memory.shown_by("p-1", *answer(shown), URL)
    assert not memory.shown_by("p-1", *answer(not_yet), URL)


def test_answers_that_are_not_about_lag_and_positions_the_run_never_wrote_are_not_waited_for():
    memory = WriteMemory()
    memory.created("p-1")
    assert memory.shown_by("p-1", 401, b"", URL)
    assert memory.shown_by("p-2", 404, b"", URL)


def test_a_select_is_compared_on_the_selected_properties_only():
    memory = WriteMemory()
    memory.updated("p-1", {"isCurrent": True, "detail": {"jobTitle": "Engineer"}})
    answered = json.dumps({"id": "p-1", "isCurrent": True}).encode()
    assert memory.shown_by("p-1", 200, answered, URL + "?$select=id,isCurrent")
    assert not memory.shown_by("p-1", 200, answered, URL)


def test_a_date_answered_as_a_date_time_shows_the_write():
    memory = WriteMemory()
    memory.updated("p-1", {"detail": {"startMonthYear": "2020-01-01"}})
    answered = {"detail": {"startMonthYear": "2020-01-01T00:00:00Z"}}
    assert memory.shown_by("p-1", *answer(answered), URL)
