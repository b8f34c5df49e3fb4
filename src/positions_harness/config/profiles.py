"""How hard the property suite (suites/property) pushes a target: PROFILE=quick|default|nightly.

Profiles are data. A target profile may override any field per profile under `property:`:

    property:
      nightly: {max_examples: 300, time_budget_seconds: 1200}

`phases` are Schemathesis' test phases: `examples` (the spec's documented examples), `coverage`
(deterministic boundary and invalid values, schema keyword by keyword), `fuzzing` (random
generation, positive and negative) and `stateful` (sequences driven by the OpenAPI links).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any

from ..errors import ConfigError

PHASES = ("examples", "coverage", "fuzzing", "stateful")
# Where the coverage phase walks the schema: the create bodies (valid and invalid) on /me only
# (the scope keeps its old name, create-invalid, so target profiles keep working), every /me
# operation (the /users forms reach the same operations), or every operation of every form.
COVERAGE_SCOPES = ("create-invalid", "me", "all")


@dataclass(frozen=True)
class PropertyProfile:
    name: str
    max_examples: int  # random cases per operation in the fuzzing phase
    phases: tuple[str, ...]
    coverage_scope: str  # one of COVERAGE_SCOPES
    stateful_scenarios: int  # sequences the stateful phase runs
    stateful_max_steps: int  # longest sequence (create -> get -> update -> delete -> get ...)
    time_budget_seconds: float  # the property suite's time budget for one run
    shrink: bool  # minimise a failing case (clearer report, more requests)
    deterministic: bool  # the same cases on every run (a developer's loop, CI selftests)

    def enabled(self, phase: str) -> bool:
        return phase in self.phases


PROFILES: dict[str, PropertyProfile] = {
    profile.name: profile
    for profile in (
        # A developer's loop: documented examples, every kind of invalid create body, a few
        # random cases per operation and short sequences; the same cases on every run.
        PropertyProfile(
            name="quick",
            max_examples=10,
            phases=PHASES,
            coverage_scope="create-invalid",
            stateful_scenarios=6,
            stateful_max_steps=6,
            # A cap for slow targets, not a target: on the reference quick takes a few seconds.
            time_budget_seconds=60,
            shrink=False,
            deterministic=True,
        ),
        # The coverage walk over every /me operation, valid and invalid values keyword by keyword.
        PropertyProfile(
            name="default",
            max_examples=25,
            phases=PHASES,
            coverage_scope="me",
            stateful_scenarios=40,
            stateful_max_steps=8,
            time_budget_seconds=60,
            shrink=True,
            deterministic=False,
        ),
        # Thorough, and bounded by time rather than by count.
        PropertyProfile(
            name="nightly",
            max_examples=300,
            phases=PHASES,
            coverage_scope="all",
            stateful_scenarios=500,
            stateful_max_steps=12,
            time_budget_seconds=1800,
            shrink=True,
            deterministic=False,
        ),
    )
}

_POSITIVE_INTEGERS = ("max_examples", "stateful_scenarios", "stateful_max_steps")


def parse_overrides(raw: Any, where: str) -> dict[str, dict[str, Any]]:
    """Validates a target profile's `property:` mapping; every problem is one sentence."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: property must map profile names to overrides.")
    known_fields = {f.name for f in dataclasses.fields(PropertyProfile)} - {"name"}
    overrides: dict[str, dict[str, Any]] = {}
    for profile, values in raw.items():
        if profile not in PROFILES:
            raise ConfigError(
                f"{where}: property.{profile} is not a profile; use {', '.join(PROFILES)}."
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: property.{profile} must be a mapping of overrides.")
        unknown = sorted(set(values) - known_fields)
        if unknown:
            raise ConfigError(
                f"{where}: property.{profile} has unknown keys {unknown}; "
                f"known keys are {sorted(known_fields)}."
            )
        overrides[profile] = {
            key: _checked(key, value, f"{where}: property.{profile}.{key}")
            for key, value in values.items()
        }
    return overrides


def _checked(key: str, value: Any, where: str) -> Any:
    if key == "phases":
        if not isinstance(value, list) or not set(value) <= set(PHASES):
            raise ConfigError(f"{where} must be a list drawn from {list(PHASES)}.")
        return tuple(value)
    if key == "coverage_scope":
        if value not in COVERAGE_SCOPES:
            raise ConfigError(f"{where} must be one of {list(COVERAGE_SCOPES)}.")
        return value
    if key in ("shrink", "deterministic"):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false.")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{where} must be a positive number, not {value!r}.")
    if key in _POSITIVE_INTEGERS:
        if int(value) != value:
            raise ConfigError(f"{where} must be a whole number, not {value!r}.")
        return int(value)
    return float(value)


def property_profile(
    name: str, overrides: dict[str, dict[str, Any]] | None = None
) -> PropertyProfile:
    """The named profile with the target profile's overrides applied."""
    if name not in PROFILES:
        raise ConfigError(f"PROFILE {name!r} is not known; use one of {', '.join(PROFILES)}.")
    return replace(PROFILES[name], **(overrides or {}).get(name, {}))
