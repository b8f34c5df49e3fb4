"""The contract (openapi/positions.yaml) loaded for Schemathesis, configured from a profile.

The configuration is plain data (`schemathesis_settings`), so the benchmark can hand the same
settings to the bare `st run` CLI. Known engine quirks are handled here, each by the narrowest
configuration that removes the false alarm, with the reason beside it.
"""

from __future__ import annotations

import functools
from typing import Any

import schemathesis
import yaml
from schemathesis import BaseSchema, Case, Response
from schemathesis.core.failures import AcceptedNegativeData, Failure
from schemathesis.filters import FilterSet
from schemathesis.specs.openapi.checks import AuthScenario, IgnoredAuth

from ..checks.position_shape import SERVER_MANAGED
from ..config.profiles import PropertyProfile
from ..contract.spec import load_contract
from ..locations import SPEC_PATH
from ..transport.client import GraphClient
from .check_requirements import REQUEST_SCHEMAS
from .client_transport import bind_to_client
from .judge import CHECK_OUTCOMES

# Statuses a conforming service may answer. A valid request on real data (the target user, an
# existing position) must succeed; invalid input must be refused with 400 (or 413/415 for size
# and media type). 5xx stays allowed in both, so a server error lands on POS-ERR-002 alone
# (not_a_server_error) instead of also on the success or validation requirement.
POSITIVE_STATUSES = ["2xx", "5xx"]
NEGATIVE_STATUSES = ["400", "413", "415", "5xx"]
SEQUENCE_POSITIVE, SEQUENCE_NEGATIVE = [*POSITIVE_STATUSES, "404"], [*NEGATIVE_STATUSES, "404"]
# Properties a service may either refuse or ignore (POS-MANAGED-003, DOC-SEED000-READONLY; on
# update also `source`, DOC-UPDATE-SOURCE): sending them is neither valid nor invalid input.
TOLERATED_EXTRAS = {
    "POST": frozenset(SERVER_MANAGED),
    "PATCH": frozenset({*SERVER_MANAGED, "source"}),
}
# target feature (targets.FEATURES) -> the query options that need it
QUERY_OPTIONS = {"select": ("$select",), "paging": ("$top", "$skip")}
NO_COVERAGE = {"phases": {"coverage": {"enabled": False}}}
# Where the coverage phase walks (profiles.COVERAGE_SCOPES), as Schemathesis operation settings.
# The /users forms reach the same operations as /me, so the walk runs on /me unless asked for
# everywhere; they still get the examples, the random cases and their own addressing.
COVERAGE_SCOPES: dict[str, list[dict[str, Any]]] = {
    "create-invalid": [
        {"exclude-operation-id": "createMyPosition", **NO_COVERAGE},
        {
            "include-operation-id": "createMyPosition",
            "phases": {"coverage": {"generation": {"mode": "negative"}}},
        },
    ],
    "me": [{"include-path-regex": "^/users/", **NO_COVERAGE}],
    "all": [],
}


@functools.cache
def _raw_contract() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def schemathesis_settings(
    profile: PropertyProfile, base_url: str, parameters: dict[str, str], seed: int
) -> dict[str, Any]:
    """The Schemathesis configuration (schemathesis.toml as a dict) for a profile."""
    generation = {
        "mode": "all",
        "max-examples": profile.max_examples,
        "no-shrink": not profile.shrink,
        "deterministic": profile.deterministic,
        "database": "none",  # no .hypothesis/ folder; a run is reproduced from its seed
        # The token is the harness's to send; generating Authorization values would only test
        # that a random token is refused, which POS-AUTH-002 states for malformed ones only.
        "with-security-parameters": False,
    }
    return {
        "seed": seed,
        # Hypothesis' health checks judge the data generation, not the target; on a loaded
        # machine `too_slow` would fail a test that found nothing wrong.
        "suppress-health-check": ["all"],
        "base-url": base_url,
        "parameters": parameters,
        "generation": generation,
        "checks": {
            "positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES},
            "negative_data_rejection": {"expected-statuses": NEGATIVE_STATUSES},
        },
        "phases": {
            "examples": {"enabled": profile.enabled("examples")},
            "coverage": {"enabled": profile.enabled("coverage")},
            "fuzzing": {"enabled": profile.enabled("fuzzing")},
            "stateful": {
                "enabled": profile.enabled("stateful"),
                "max-steps": profile.stateful_max_steps,
                # A sequence may address a position it deleted itself, or a made-up id, and a
                # service may answer 404 for it before it looks at the body.
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": SEQUENCE_POSITIVE},
                    "negative_data_rejection": {"expected-statuses": SEQUENCE_NEGATIVE},
                },
            },
        },
        "operations": [
            # Reads and deletes are generated valid only. Their path parameters are pinned to
            # real data, and generated invalid query values include many a conforming service
            # may accept (a $top above 999, a repeated $select property, two $orderby keys); the
            # invalid options the catalogue names (POS-ERR-004) are the behaviour suite's.
            {"include-method": ["GET", "DELETE"], "generation": {"mode": "positive"}},
            *COVERAGE_SCOPES[profile.coverage_scope],
        ],
    }


def load_contract_schema(
    client: GraphClient,
    profile: PropertyProfile,
    parameters: dict[str, str],
    seed: int,
    unclaimed: frozenset[str] = frozenset(),
) -> BaseSchema:
    """The contract as a Schemathesis schema whose every request goes through `client`.

    Query options of features the target does not claim (see targets.FEATURES) are left out
    of generated requests, so their absence is not reported against the other requirements.
    """
    config = schemathesis.Config.from_dict(
        schemathesis_settings(profile, client.base_url, parameters, seed)
    )
    schema = schemathesis.openapi.from_dict(_raw_contract(), config=config)
    schema.hook("filter_failure")(outside_the_contract)
    left_out = {option for feature in unclaimed for option in QUERY_OPTIONS.get(feature, ())}
    if left_out:

        def without_unclaimed_options(
            context: Any, query: dict[str, Any] | None
        ) -> dict[str, Any] | None:
            # Schemathesis passes None for a case that has no query string.
            if query is None:
                return None
            return {name: value for name, value in query.items() if name not in left_out}

        schema.hook("map_query")(without_unclaimed_options)
    CHECK_OUTCOMES.listen_to(schema)
    return bind_to_client(schema, client)


def restricted_to(schema: BaseSchema, path_regex: str) -> BaseSchema:
    """The schema with only the operations whose path matches. (`schema.include` would not do:
    with `operations` settings present, Schemathesis ORs a new include with a catch-all.)"""
    wanted = FilterSet()
    wanted.include(path_regex=path_regex)
    return schema.clone(filter_set=schema.config.operations.filter_set_with(include=wanted))


def outside_the_contract(context: Any, failure: Failure, case: Case, response: Response) -> bool:
    """filter_failure hook: False for the failures a conforming service may legitimately cause."""
    return not (_invalid_auth_accepted(failure) or _tolerated_extras_accepted(failure, case))


def _invalid_auth_accepted(failure: Failure) -> bool:
    # ignored_auth also re-sends the request with a made-up bearer token. Telling a wrong token
    # from a right one needs the identity platform, which the contract leaves out of reach
    # (the reference and mocks accept any bearer token; POS-AUTH-002 covers malformed headers
    # only). The probe without any credentials still runs and must be refused (POS-AUTH-001).
    return isinstance(failure, IgnoredAuth) and failure.scenario == AuthScenario.INVALID_AUTH


def _tolerated_extras_accepted(failure: Failure, case: Case) -> bool:
    # Request schemas are strict (additionalProperties: false), so Schemathesis counts a body
    # with a server-managed property as invalid; the contract lets a service ignore those.
    if not isinstance(failure, AcceptedNegativeData) or not isinstance(case.body, dict):
        return False
    method = case.method.upper()
    if method not in REQUEST_SCHEMAS or not set(case.body) & TOLERATED_EXTRAS[method]:
        return False
    without = {k: v for k, v in case.body.items() if k not in TOLERATED_EXTRAS[method]}
    return not load_contract().schema_errors(REQUEST_SCHEMAS[method], without)
