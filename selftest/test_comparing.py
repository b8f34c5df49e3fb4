"""The tolerant comparison rules of DESIGN.md ("Comparing what a target returns")."""

from __future__ import annotations

import pytest

from positions_harness.checks.compare import (
    echo_differences,
    is_later,
    same_identity_set,
    same_instant,
)
from positions_harness.contract.instants import parse_rfc3339

SENT = {
    "detail": {"jobTitle": "Инженер 🚀", "layer": 3, "startMonthYear": "2020-01-01"},
    "isCurrent": True,
    "categories": ["a", "b"],
    "inference": None,
}


@pytest.mark.parametrize(
    "received",
    [
        {
            "isCurrent": True,
            "categories": ["a", "b"],
            "extra": 1,
            "detail": {
                "layer": 3,
                "jobTitle": "Инженер 🚀",
                "startMonthYear": "2020-01-01",
                "x": None,
            },
        },
        {
            "isCurrent": True,
            "categories": ["a", "b"],
            "inference": None,
            "detail": {
                "layer": 3.0,
                "jobTitle": "Инженер 🚀",
                "startMonthYear": "2020-01-01T00:00:00Z",
            },
        },
        # No page documents the order of a collection.
        {**SENT, "categories": ["b", "a"]},
    ],
    ids=[
        "extra-properties-and-omitted-null",
        "date-as-date-time-and-integral-float",
        "collection-in-another-order",
    ],
)
def test_allowed_differences_are_not_reported(received):
    assert echo_differences(SENT, received) == []


@pytest.mark.parametrize(
    ("received", "where"),
    [
        ({**SENT, "isCurrent": 1}, "isCurrent"),
        ({**SENT, "categories": ["b", "c"]}, "categories[0]"),
        ({**SENT, "categories": ["a"]}, "categories"),
        ({**SENT, "detail": {**SENT["detail"], "jobTitle": "Инженер ?"}}, "detail.jobTitle"),
        ({**SENT, "detail": {**SENT["detail"], "layer": "3"}}, "detail.layer"),
        (
            {**SENT, "detail": {**SENT["detail"], "startMonthYear": "2020-01-02"}},
            "detail.startMonthYear",
        ),
        ({k: v for k, v in SENT.items() if k != "detail"}, "detail"),
        ({**SENT, "inference": {"confidenceScore": 1}}, "inference"),
    ],
    ids=[
        "bool-as-int",
        "changed-item",
        "short-list",
        "mangled-unicode",
        "number-as-string",
        "other-date",
        "missing-object",
        "null-not-kept",
    ],
)
def test_real_differences_are_reported_with_their_path(received, where):
    differences = echo_differences(SENT, received)
    assert differences and differences[0].startswith(where)


@pytest.mark.parametrize(
    "value",
    [
        "2020-07-06T06:34:12.2294868Z",
        "2020-07-06T06:34:12.229Z",
        "2020-07-06T06:34:12Z",
        "2020-07-06T06:34:12.229+00:00",
        "2020-07-06t06:34:12-05:30",
    ],
)
def test_any_rfc3339_form_is_a_date_time(value):
    assert parse_rfc3339(value) is not None


@pytest.mark.parametrize(
    "value",
    [
        "2020-07-06",
        "2020-07-06T06:34:12",
        "datetime-value",
        "2020-13-06T06:34:12Z",
        "2020-07-06 06:34:12Z",
    ],
)
def test_non_rfc3339_values_are_not_date_times(value):
    assert parse_rfc3339(value) is None


def test_ordering_uses_full_precision_across_forms():
    assert is_later("2020-07-06T06:34:12.2294869Z", "2020-07-06T06:34:12.2294868Z")
    assert is_later("2020-07-06T07:34:12+01:00", "2020-07-06T06:34:11.9Z")
    assert not is_later("2020-07-06T06:34:12.229Z", "2020-07-06T06:34:12.2290000Z")


def test_a_date_answered_as_a_date_time_compares_with_a_later_answer_of_either_form():
    earlier = {"detail": {"startMonthYear": "2020-07-01T00:00:00+00:00"}}

    assert echo_differences(earlier, {"detail": {"startMonthYear": "2020-07-01T00:00:00Z"}}) == []
    assert echo_differences(earlier, {"detail": {"startMonthYear": "2020-07-01"}}) == []
    assert echo_differences(earlier, {"detail": {"startMonthYear": "2020-07-02"}})


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("2020-01-01T00:00:06.1234567Z", "2020-01-01T00:00:06.123+00:00", True),
        ("2020-01-01T01:00:06Z", "2020-01-01T00:00:06-01:00", True),
        ("2020-01-01T00:00:06.1234567Z", "2020-01-01T00:00:06.1234567Z", True),
        ("2020-01-01T00:00:06.1234567Z", "2020-01-01T00:00:06.124Z", False),
        ("2020-01-01T00:00:06Z", "2020-01-01T00:00:07Z", False),
        ("2020-01-01T00:00:06Z", None, False),
    ],
)
def test_timestamps_compare_as_instants_at_the_coarser_precision(first, second, same):
    assert same_instant(first, second) is same


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ({"user": {"id": "u1", "displayName": "Ann"}}, {"user": {"id": "u1"}}, True),
        (
            {"user": {"id": "u1", "displayName": "Ann"}},
            {"user": {"id": "u1", "displayName": "A"}},
            True,
        ),
        (None, {"user": {"id": "u1"}}, True),
        ({"user": {"id": "u1"}}, {"user": {"id": "u2"}}, False),
        ({"user": {"id": "u1"}}, {"application": {"id": "u1"}}, False),
    ],
)
def test_identity_sets_compare_by_id_since_display_names_may_be_missing_or_stale(
    first, second, same
):
    assert same_identity_set(first, second) is same
