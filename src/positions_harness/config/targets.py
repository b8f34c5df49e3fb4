"""Target profiles (targets/<name>.yaml): what a target is, claims, deviates from, and may take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..contract.catalogue import load_catalogue
from ..errors import ConfigError
from ..locations import TARGETS_DIR
from ..transport.limits import Limits
from ..yaml_files import load_yaml
from .profiles import parse_overrides

# Features a target may leave unclaimed; requirements name them in their `feature` field.
FEATURES = frozenset({"users-by-id", "users-by-upn", "select", "paging", "delete"})
TOP_LEVEL_KEYS = frozenset(
    {
        "name",
        "description",
        "base_url",
        "token",
        "user",
        "unclaimed",
        "known_deviations",
        "limits",
        "read_only",
        "property",
        "strict",
        "workers",
    }
)


@dataclass(frozen=True)
class KnownDeviation:
    requirement: str
    link: str
    expires: dt.date | None = None

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today


@dataclass(frozen=True)
class TargetProfile:
    name: str
    description: str = ""
    base_url: str | None = None
    token_env: str = "GRAPH_TOKEN"
    token_provider: str | None = None  # e.g. azure-client-credentials (transport/credentials)
    user_id: str | None = None
    user_upn: str | None = None
    unclaimed: frozenset[str] = frozenset()
    known_deviations: tuple[KnownDeviation, ...] = ()
    limits: Limits = field(default_factory=Limits)
    read_only: bool = False  # only GET requests; every test that needs a write is not claimed
    strict: bool = False  # a failed SHOULD makes the target nonconforming, not only a warning
    workers: int | None = None  # pytest-xdist workers; None: chosen from the measured latency
    path: Path | None = None
    # profile name -> overrides of the property suite's profile (profiles.py)
    property_overrides: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping of keys to values.")
    return value


def _limits(raw: dict[str, Any], where: str) -> Limits:
    known = set(Limits.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown limits {unknown}; known limits are {sorted(known)}.")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None and key == "rate_limit_per_second":
            values[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{where}: limits.{key} must be a positive number, not {value!r}.")
        values[key] = int(value) if key in ("request_budget", "max_retries") else float(value)
    return Limits(**values)


def parse_workers(value: Any, where: str) -> int | None:
    """`auto` (None: chosen from the latency the preflight measures) or a number of workers,
    0 or 1 meaning serial."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "auto"):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit():
        raise ConfigError(f"{where} must be auto or a whole number of workers, not {value!r}.")
    return int(text)


def _deviations(raw: Any, where: str) -> tuple[KnownDeviation, ...]:
    if raw in (None, []):
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: known_deviations must be a list of {{requirement, link}}.")
    deviations = []
    for entry in raw:
        if not isinstance(entry, dict) or not entry.get("requirement") or not entry.get("link"):
            raise ConfigError(
                f"{where}: each known deviation needs 'requirement' and 'link' (got {entry!r})."
            )
        expires = entry.get("expires")
        if expires is not None and not isinstance(expires, dt.date):
            try:
                expires = dt.date.fromisoformat(str(expires))
            except ValueError:
                raise ConfigError(
                    f"{where}: expires {expires!r} of {entry['requirement']} "
                    "is not a YYYY-MM-DD date."
                ) from None
        deviations.append(KnownDeviation(str(entry["requirement"]), str(entry["link"]), expires))
    unknown = load_catalogue().unknown([d.requirement for d in deviations])
    if unknown:
        raise ConfigError(
            f"{where}: known_deviations name {unknown}, which openapi/requirements.yaml does "
            "not have; use the ids a report lists (e.g. POS-GET-004)."
        )
    return tuple(deviations)


def parse_target(data: Any, where: str, path: Path | None = None) -> TargetProfile:
    """Validates a parsed target profile; every problem is one sentence naming the key."""
    data = _mapping(data, where)
    unknown = sorted(set(data) - TOP_LEVEL_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown keys {unknown}; allowed keys are {sorted(TOP_LEVEL_KEYS)}."
        )
    token = _mapping(data.get("token"), f"{where}: token")
    if "value" in token:
        raise ConfigError(
            f"{where}: never put a token in a profile; "
            "name its environment variable with token.env."
        )
    user = _mapping(data.get("user"), f"{where}: user")
    unclaimed = data.get("unclaimed") or []
    if not isinstance(unclaimed, list) or not set(unclaimed) <= FEATURES:
        raise ConfigError(
            f"{where}: unclaimed must be a list drawn from {sorted(FEATURES)}, not {unclaimed!r}."
        )
    read_only = data.get("read_only", False)
    if not isinstance(read_only, bool):
        raise ConfigError(f"{where}: read_only must be true or false, not {read_only!r}.")
    strict = data.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{where}: strict must be true or false, not {strict!r}.")
    base_url = data.get("base_url")
    if base_url is not None and not isinstance(base_url, str):
        raise ConfigError(f"{where}: base_url must be a URL string or null.")
    return TargetProfile(
        name=str(data.get("name") or (path.stem if path else "target")),
        description=str(data.get("description") or ""),
        base_url=base_url,
        token_env=str(token.get("env") or "GRAPH_TOKEN"),
        token_provider=token.get("provider"),
        user_id=user.get("id"),
        user_upn=user.get("upn"),
        unclaimed=frozenset(unclaimed),
        known_deviations=_deviations(data.get("known_deviations"), where),
        limits=_limits(_mapping(data.get("limits"), f"{where}: limits"), where),
        read_only=read_only,
        strict=strict,
        workers=parse_workers(data.get("workers"), f"{where}: workers"),
        path=path,
        property_overrides=parse_overrides(data.get("property"), where),
    )


def load_target(name_or_path: str) -> TargetProfile:
    """Loads targets/<name>.yaml, or a profile file given by path."""
    candidate = Path(name_or_path)
    if candidate.suffix not in (".yaml", ".yml"):
        candidate = TARGETS_DIR / f"{name_or_path}.yaml"
    if not candidate.is_file():
        available = sorted(p.stem for p in TARGETS_DIR.glob("*.yaml"))
        raise ConfigError(
            f"Target profile {name_or_path!r} not found; "
            f"use one of {available} or a path to a .yaml file."
        )
    try:
        data = load_yaml(candidate.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(
            f"Target profile {candidate} is not valid YAML{line}; fix its syntax."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read target profile {candidate}: {exc}.") from None
    return parse_target(data, where=f"Target profile {candidate.name}", path=candidate)
