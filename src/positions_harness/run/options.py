"""The run's command-line options and the configuration resolved from them (once per
process; xdist workers take the controller's run id).

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..config.harness_config import HarnessConfig, resolve_config
from ..config.profiles import PropertyProfile, property_profile
from .stash_keys import config_key

RUN_ID_KEY = "positions_run_id"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("graph-positions", "Graph positions contract harness")
    group.addoption(
        "--base-url", default=None, help="service root, e.g. https://host/beta (env BASE_URL)"
    )
    group.addoption("--target", default=None, help="target profile name or path (env TARGET)")
    group.addoption("--profile", default=None, help="quick | default | nightly (env PROFILE)")
    group.addoption(
        "--property-shards",
        type=int,
        default=None,
        help="split each property test into N items (default: one per pytest-xdist worker)",
    )


def property_shard_count(config: pytest.Config) -> int:
    """How many items each property test becomes: --property-shards, else one per xdist
    worker (every worker collects the same items, so each reads the same count)."""
    chosen = config.getoption("property_shards", None)
    if chosen:
        return max(1, int(chosen))
    worker_input = getattr(config, "workerinput", None)
    if worker_input is not None:
        return max(1, int(worker_input.get("workercount", 1)))
    return max(1, int(getattr(config.option, "numprocesses", None) or 1))


def profile_of(config: pytest.Config) -> PropertyProfile:
    """The run's property profile, with the target profile's overrides."""
    harness = harness_config(config)
    return property_profile(harness.profile, harness.target.property_overrides)


def harness_config(config: pytest.Config) -> HarnessConfig:
    """The run's configuration, resolved once per process from options and environment."""
    if config_key not in config.stash:
        options = {name: config.getoption(name) for name in ("base_url", "target", "profile")}
        worker_input = getattr(config, "workerinput", {})
        options["run_id"] = worker_input.get(RUN_ID_KEY)
        config.stash[config_key] = resolve_config(options)
    return config.stash[config_key]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker takes the controller's run id (one report per run)."""
    node.workerinput[RUN_ID_KEY] = harness_config(node.config).run_id
