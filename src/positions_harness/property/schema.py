"""The contract (openapi/positions.yaml) loaded for Schemathesis, configured from a profile.

The configuration is plain data (`schemathesis_settings`), so the benchmark can hand the same
settings to the bare `st run` CLI. Known engine quirks are handled here, each by the narrowest
configuration that removes the false alarm, with the reason beside it.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import schemathesis
from schemathesis import BaseSchema, Case, Response
from schemathesis.core import NotSet
from schemathesis.core.failures import AcceptedNegativeData, Failure, ServerError
from schemathesis.filters import FilterSet
from schemathesis.openapi.checks import UndefinedStatusCode
from schemathesis.specs.openapi.checks import AuthScenario, IgnoredAuth

from ..checks.allowances import GONE_AFTER_DELETE, INVALID_INPUT, UNDEFINED_METHOD
from ..config.profiles import PropertyProfile
from ..locations import SPEC_PATH
from ..transport.client import GraphClient
from ..yaml_files import load_yaml
from .client_transport import bind_to_client
from .doc_invalidity import NO_BODY, REQUEST_SCHEMAS, doc_invalidity
from .judge import CHECK_OUTCOMES
from .valid_data import as_must_accept, is_empty_update

# Statuses a conforming service may answer. A valid request on real data (the target user, an
# existing position) must succeed; invalid input must be refused with a client error
# (checks.allowances.INVALID_INPUT: any 4xx but 401, 403, 404 and 429). 5xx stays allowed in
# both, so a server error lands on POS-ERR-002 alone (not_a_server_error) instead of also on
# the success or validation requirement.
POSITIVE_STATUSES = ["2xx", "5xx"]
NEGATIVE_STATUSES = [str(code) for code in range(400, 500) if code in INVALID_INPUT] + ["5xx"]
# A sequence may address a position it deleted itself: gone is 404 or 410 (GONE_AFTER_DELETE).
GONE = [str(code) for code in sorted(GONE_AFTER_DELETE.codes)]
SEQUENCE_POSITIVE, SEQUENCE_NEGATIVE = [*POSITIVE_STATUSES, *GONE], [*NEGATIVE_STATUSES, *GONE]
# target feature (targets.FEATURES) -> the query options that need it ($orderby goes with
# paging, as its failures do: check_requirements.QUERY_OPTION_REQUIREMENTS)
QUERY_OPTIONS = {"select": ("$select",), "paging": ("$top", "$skip", "$orderby")}
NO_COVERAGE = {"phases": {"coverage": {"enabled": False}}}
# Where the coverage phase walks (profiles.COVERAGE_SCOPES), as Schemathesis operation settings.
# The /users forms reach the same operations as /me, so the walk runs on /me unless asked for
# everywhere; they still get the examples, the random cases and their own addressing.
# "create-invalid" walks the create bodies on /me, the valid ones too: a service that fails on
# a valid value (detail.company: null answered 500) is then found on every run, where the few
# random cases of a short profile find it only by chance.
COVERAGE_SCOPES: dict[str, list[dict[str, Any]]] = {
    "create-invalid": [{"exclude-operation-id": "createMyPosition", **NO_COVERAGE}],
    "me": [{"include-path-regex": "^/users/", **NO_COVERAGE}],
    "all": [],
}
# The methods of the /me operations each scope walks (the shards of the /me test are planned
# by them: shards.me_shares).
WALKED_ON_ME: dict[str, frozenset[str]] = {
    "create-invalid": frozenset({"POST"}),
    "me": frozenset({"GET", "POST", "PATCH", "DELETE"}),
    "all": frozenset({"GET", "POST", "PATCH", "DELETE"}),
}


def operation_methods(document: dict[str, Any]) -> set[str]:
    """The HTTP methods of the contract's operations."""
    return {
        method.upper()
        for item in document["paths"].values()
        for method in item
        if method.lower() in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    }


@functools.cache
def _raw_contract(query_options: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The contract as Schemathesis reads it, with the reads' query parameters cut down to
    `query_options` (a test that sends options names their requirements in its marker, so it
    can be skipped as a whole when the target does not claim the feature)."""
    document = copy.deepcopy(load_yaml(SPEC_PATH.read_text(encoding="utf-8")))
    components = document["components"]["parameters"]

    def kept(parameter: dict[str, Any]) -> bool:
        if "$ref" in parameter:
            parameter = components[parameter["$ref"].rsplit("/", 1)[-1]]
        return parameter.get("in") != "query" or parameter.get("name") in query_options

    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "parameters" in operation:
                operation["parameters"] = [p for p in operation["parameters"] if kept(p)]
                if not operation["parameters"]:
                    del operation["parameters"]
    return document


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
    query_options: frozenset[str] = frozenset(),
    methods: tuple[str, ...] = (),
) -> BaseSchema:
    """The contract as a Schemathesis schema whose every request goes through `client`, with
    only the operations of `methods` when some are named (a property shard's, shards.py).

    Generated reads carry only the query options in `query_options`, less those of features
    the target does not claim (see targets.FEATURES). Generated bodies are kept to what the
    docs decide (`only_what_the_docs_decide`, `as_must_accept_when_valid`).
    """
    settings = schemathesis_settings(profile, client.base_url, parameters, seed)
    left_out = {option for feature in unclaimed for option in QUERY_OPTIONS.get(feature, ())}
    document = _raw_contract(frozenset(query_options) - left_out)
    if methods:  # a test's own filters replace a schema's, but not the config's operations
        # The other operations are named by their methods: an entry excluding `methods` would
        # also turn off the probes with methods the contract does not define (TRACE, PUT...).
        others = sorted(operation_methods(document) - {m.upper() for m in methods})
        settings["operations"].append({"include-method": others, "enabled": False})
    config = schemathesis.Config.from_dict(settings)
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema.hook("filter_failure")(outside_the_contract)
    schema.hook("filter_case")(only_what_the_docs_decide)
    schema.hook("map_case")(as_must_accept_when_valid)
    CHECK_OUTCOMES.listen_to(schema)
    return bind_to_client(schema, client)


def only_what_the_docs_decide(context: Any, case: Case) -> bool:
    """filter_case hook: an invalid body goes out only when a doc sentence makes it invalid
    (check_requirements.doc_invalidity), a valid one only when it is not an empty update."""
    method = case.method.upper()
    meta = case.meta
    if method not in REQUEST_SCHEMAS or meta is None:
        return True
    body = NO_BODY if isinstance(case.body, NotSet) else case.body
    if meta.generation.mode.is_negative:
        return bool(doc_invalidity(method, body, _content_type(case)))
    return not is_empty_update(method, as_must_accept(body))


def as_must_accept_when_valid(context: Any, case: Case) -> Case:
    """map_case hook: a valid body holds only values every conforming service must accept
    (property/valid_data.py says which and why)."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and isinstance(case.body, dict):
        case.body = as_must_accept(case.body)
    return case


def _content_type(case: Case) -> str | None:
    for name, value in (case.headers or {}).items():
        if name.lower() == "content-type":
            return str(value)
    return case.media_type


def restricted_to(schema: BaseSchema, path_regex: str) -> BaseSchema:
    """The schema with only the operations whose path matches. (`schema.include` would not do:
    with `operations` settings present, Schemathesis ORs a new include with a catch-all.)"""
    wanted = FilterSet()
    wanted.include(path_regex=path_regex)
    return schema.clone(filter_set=schema.config.operations.filter_set_with(include=wanted))


def outside_the_contract(context: Any, failure: Failure, case: Case, response: Response) -> bool:
    """filter_failure hook: False for the failures a conforming service may legitimately cause."""
    return not (
        _invalid_auth_accepted(failure)
        or _accepted_what_no_doc_makes_invalid(failure, case)
        or _refused_with_another_client_error(failure, case)
        or _gone_answered_410(failure, case)
        or _undefined_method_not_implemented(failure, case)
    )


def _invalid_auth_accepted(failure: Failure) -> bool:
    # ignored_auth also re-sends the request with a made-up bearer token. Telling a wrong token
    # from a right one needs the identity platform, which the contract leaves out of reach
    # (the reference and mocks accept any bearer token; POS-AUTH-002 covers malformed headers
    # only). The probe without any credentials still runs and must be refused (POS-AUTH-001).
    return isinstance(failure, IgnoredAuth) and failure.scenario == AuthScenario.INVALID_AUTH


def _accepted_what_no_doc_makes_invalid(failure: Failure, case: Case) -> bool:
    # Request schemas are strict (additionalProperties: false), so Schemathesis counts e.g. a
    # body with a server-managed property as invalid; the contract lets a service ignore those
    # (POS-MANAGED-003). only_what_the_docs_decide keeps such cases from being sent; this is
    # the same rule where a case reaches a check anyway.
    if not isinstance(failure, AcceptedNegativeData) or case.method.upper() not in REQUEST_SCHEMAS:
        return False
    body = NO_BODY if isinstance(case.body, NotSet) else case.body
    return not doc_invalidity(case.method, body, _content_type(case))


def _refused_with_another_client_error(failure: Failure, case: Case) -> bool:
    # The spec lists 400, 413 and 415 for invalid input, but no page names the code per
    # invalid value: any client error in INVALID_INPUT (e.g. 422) is a refusal the docs allow.
    meta = case.meta
    return (
        isinstance(failure, UndefinedStatusCode)
        and meta is not None
        and meta.generation.mode.is_negative
        and failure.status_code in INVALID_INPUT
    )


def _gone_answered_410(failure: Failure, case: Case) -> bool:
    # The spec documents 404 for a position that is not there; concepts/errors.md gives 410 Gone
    # for one that was deleted (GONE_AFTER_DELETE), which a sequence meets after its own delete.
    # A 410 a valid request did not deserve still fails positive_data_acceptance.
    return (
        isinstance(failure, UndefinedStatusCode)
        and failure.status_code in GONE_AFTER_DELETE
        and "404" in failure.defined_status_codes
    )


def _undefined_method_not_implemented(failure: Failure, case: Case) -> bool:
    # The coverage walk also sends methods the spec does not list (TRACE, PUT ...); 501 Not
    # Implemented is one of the answers RFC 9110 gives for them (UNDEFINED_METHOD), not the
    # server error POS-ERR-002 forbids.
    return (
        isinstance(failure, ServerError)
        and failure.status_code in UNDEFINED_METHOD
        and case.method.upper() != case.operation.method.upper()
    )
