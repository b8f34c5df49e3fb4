"""Runs Schemathesis' checks on one answer and turns their failures into requirement verdicts."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import schemathesis.checks
from schemathesis import BaseSchema, Case, CheckResult, Response
from schemathesis.core import NotSet
from schemathesis.core.failures import FailureGroup

from ..checks.expect import RequirementViolation
from .check_requirements import (
    CHECK_REQUIREMENTS,
    SUCCESS,
    requirements_broken,
    success_requirement,
)
from .doc_invalidity import NO_BODY

AUTH_CHECK = "ignored_auth"


class CheckOutcomes:
    """An `after_validate` hook keeping which check produced which failure, per case."""

    def __init__(self) -> None:
        self._by_case: dict[str, list[CheckResult]] = {}

    def __call__(self, context: Any, case: Case, response: Response, results: list) -> None:
        self._by_case[case.id] = list(results)

    def failed_checks(self, case: Case) -> list[str]:
        results = self._by_case.pop(case.id, [])
        return list(dict.fromkeys(r.name for r in results if r.failure is not None))

    def listen_to(self, schema: BaseSchema) -> None:
        schema.hooks.register_hook_with_name(self, "after_validate")


CHECK_OUTCOMES = CheckOutcomes()


def judge(
    case: Case,
    response: Response,
    checks: Sequence[str],
    *,
    transport_kwargs: dict[str, Any],
    redact: Callable[[str], str],
    addressing_requirement: str | None = None,
    recorder: Any = None,
    auth_enforced: set[str] | None = None,
) -> None:
    """Raises RequirementViolation naming every requirement the failed checks break.

    The message is Schemathesis' own report of the failures, with its curl reproduction.
    `addressing_requirement` (POS-ADDR-001/002) is added where a valid request failed, since
    that is what breaks "every operation also works as /users/{id | upn}".

    `auth_enforced` collects the operations whose refusal of a request without credentials
    ignored_auth has seen; as in Schemathesis' own runner, once per operation is enough (the
    check re-sends every successful request otherwise).
    """
    label = case.operation.label
    if auth_enforced is not None and label in auth_enforced:
        checks = [name for name in checks if name != AUTH_CHECK]
    failures: FailureGroup | None = None
    try:
        case.validate_response(
            response,
            checks=[getattr(schemathesis.checks, name) for name in checks],
            transport_kwargs=dict(transport_kwargs),
            recorder=recorder,
        )
    except FailureGroup as group:
        failures = group
    failed = CHECK_OUTCOMES.failed_checks(case)
    if failures is not None and not failed:
        failed = _failed_one_by_one(case, response, checks)
    probed = AUTH_CHECK in checks and 200 <= response.status_code < 300
    if auth_enforced is not None and probed and AUTH_CHECK not in failed:
        auth_enforced.add(label)
    if failures is None:
        return
    attribution = []
    broken: list[str] = []
    for name in failed:
        ids = _requirements(name, case, response)
        # A valid request that failed on /users breaks the addressing requirement too, unless
        # the failure is a query option's (charged to that option's requirement alone).
        if (
            addressing_requirement
            and CHECK_REQUIREMENTS[name] == SUCCESS
            and success_requirement(case.method, case.path) in ids
        ):
            ids = (*ids, addressing_requirement)
        broken.extend(i for i in ids if i not in broken)
        attribution.append(f"{name} -> {', '.join(ids)}")
    message = f"[{'; '.join(attribution)}] {failures.message.strip()}"
    raise violation_type(tuple(broken))(tuple(broken), redact(message))


@functools.cache
def violation_type(requirement_ids: tuple[str, ...]) -> type[RequirementViolation]:
    """A RequirementViolation subclass per set of broken requirements. Hypothesis tells distinct
    bugs apart by exception type and place; one type per set lets it report every requirement
    a test found broken, instead of only the first (the plugin merges them again)."""
    name = f"RequirementViolation[{', '.join(requirement_ids)}]"
    return type(name, (RequirementViolation,), {"__module__": __name__, "__qualname__": name})


def _failed_one_by_one(case: Case, response: Response, checks: Sequence[str]) -> list[str]:
    """The failing checks, found by running them one at a time (schema not listened to)."""
    failed = []
    for name in checks:
        try:
            case.validate_response(response, checks=[getattr(schemathesis.checks, name)])
        except FailureGroup:
            failed.append(name)
    return failed


def _requirements(check: str, case: Case, response: Response) -> tuple[str, ...]:
    meta = case.meta
    sent = response.request
    return requirements_broken(
        check,
        case.method,
        case.path,
        response.status_code,
        NO_BODY if isinstance(case.body, NotSet) else case.body,
        sent.headers.get("Content-Type") if sent is not None else None,
        negative=bool(meta is not None and meta.generation.mode.is_negative),
        query=case.query if isinstance(case.query, dict) else None,
    )
