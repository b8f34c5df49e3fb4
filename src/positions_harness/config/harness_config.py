"""One run's configuration, from command-line options, the environment and a target profile.

Precedence: command-line option > environment variable > target profile > default.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError
from ..locations import REPORTS_DIR
from ..transport.credentials import token_from_provider
from ..transport.redaction import Secret
from .profiles import PROFILES as PROPERTY_PROFILES
from .targets import TargetProfile, load_target, parse_workers

PROFILES = tuple(PROPERTY_PROFILES)  # quick, default, nightly (profiles.py)
RUN_ID_ENV = "POSITIONS_RUN_ID"
REPORTS_ROOT_ENV = "POSITIONS_REPORTS_ROOT"  # where reports/<target>/<run-id>/ goes
REFERENCE_TARGET = "reference"


@dataclass(frozen=True)
class HarnessConfig:
    target: TargetProfile
    base_url: str | None  # None: start the bundled reference
    token: Secret
    profile: str
    run_id: str
    user_id: str | None
    user_upn: str | None
    reports_root: Path
    strict: bool = False  # a failed SHOULD fails the run too (--strict, STRICT=1, strict: true)
    workers: int | None = None  # --workers, WORKERS, workers: in the profile; None = auto

    @property
    def uses_bundled_reference(self) -> bool:
        return self.base_url is None

    @property
    def report_dir(self) -> Path:
        return self.reports_root / self.target.name / self.run_id

    def with_base_url(self, base_url: str, token: Secret | None = None) -> HarnessConfig:
        return replace(self, base_url=base_url, token=token or self.token)


def new_run_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def validate_base_url(url: str, origin: str) -> str:
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(
            f"{origin} {url!r} is not an http(s) URL; give the service root including its "
            "version path, e.g. https://graph.microsoft.com/beta."
        )
    try:
        parsed.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ConfigError(f"{origin} {url!r} has an invalid port number.") from None
    if parsed.query or parsed.fragment:
        raise ConfigError(f"{origin} {url!r} must not carry a query or fragment.")
    return url.strip().rstrip("/")


def resolve_config(
    options: Mapping[str, str | None], environ: Mapping[str, str] | None = None
) -> HarnessConfig:
    """Builds the run's configuration; raises ConfigError with one sentence on bad input.

    `options` holds command-line values (base_url, target, profile, run_id, reports_root);
    None means unset.
    """
    env = os.environ if environ is None else environ
    target_name = options.get("target") or env.get("TARGET") or None
    raw_base_url = options.get("base_url") or env.get("BASE_URL") or None
    if target_name is None and raw_base_url is None:
        target_name = REFERENCE_TARGET  # targets/reference.yaml: the bundled reference
    target = load_target(target_name) if target_name else TargetProfile(name="target")

    base_url_origin = "BASE_URL"
    if raw_base_url is None and target.base_url:
        raw_base_url, base_url_origin = target.base_url, f"base_url of target {target.name}"
    base_url = validate_base_url(raw_base_url, base_url_origin) if raw_base_url else None
    if base_url is not None and target_name is None:
        target = replace(target, name=_name_from_url(base_url))

    token_env = target.token_env
    token_value = env.get(token_env, "").strip()
    if base_url is not None and not token_value and target.token_provider:
        token_value = token_from_provider(target.token_provider, env)
    if base_url is not None and not token_value:
        raise ConfigError(
            f"{token_env} is not set: export a bearer token for {base_url} in {token_env} "
            "(it is sent only to that host and never printed)."
        )
    if base_url is None and not token_value:
        token_value = f"reference-{secrets.token_urlsafe(12)}"
    if token_value.lower().startswith("bearer "):
        raise ConfigError(
            f"{token_env} starts with 'Bearer ': set it to the token alone; the harness adds the "
            "scheme itself."
        )

    profile = options.get("profile") or env.get("PROFILE") or "default"
    if profile not in PROFILES:
        raise ConfigError(f"PROFILE {profile!r} is not known; use one of {', '.join(PROFILES)}.")

    strict_value = (options.get("strict") or env.get("STRICT") or "").strip().lower()
    if strict_value not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ConfigError(
            f"STRICT={strict_value!r} is not yes or no; use STRICT=1 or leave it unset."
        )
    strict = target.strict or strict_value in ("1", "true", "yes")
    workers_value = options.get("workers") or env.get("WORKERS") or None
    workers = (
        parse_workers(workers_value, "--workers/WORKERS")
        if workers_value is not None
        else target.workers
    )
    return HarnessConfig(
        strict=strict,
        workers=workers,
        target=target,
        base_url=base_url,
        token=Secret(token_value),
        profile=profile,
        run_id=options.get("run_id") or env.get(RUN_ID_ENV) or new_run_id(),
        user_id=env.get("GRAPH_USER_ID") or target.user_id,
        user_upn=env.get("GRAPH_USER_UPN") or target.user_upn,
        reports_root=Path(options.get("reports_root") or env.get(REPORTS_ROOT_ENV) or REPORTS_DIR),
    )


def _name_from_url(url: str) -> str:
    parsed = urllib.parse.urlsplit(url)
    host = (parsed.hostname or "target").replace(".", "-")
    return f"{host}-{parsed.port}" if parsed.port else host
