"""How a test states a requirement's verdict: `expect(requirement_id, condition, message)`.

A failed expectation raises RequirementViolation naming the one requirement it breaks, so the
report can tell which of a test's requirements failed; the checks that passed before it are
recorded as passing evidence for theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RequirementViolation(AssertionError):
    """A check failed; it breaks `requirement_ids` (one, or several a single answer proves)."""

    def __init__(self, requirement_ids: str | tuple[str, ...], message: str) -> None:
        ids = (requirement_ids,) if isinstance(requirement_ids, str) else tuple(requirement_ids)
        super().__init__(f"[{', '.join(ids)}] {message}")
        self.requirement_ids = ids
        self.message = message


def merged_violation(exc: BaseException | None) -> BaseException | None:
    """One RequirementViolation for a group of them, e.g. the distinct failures Hypothesis found
    in one property test; any other exception is returned as it is."""
    if not isinstance(exc, BaseExceptionGroup):
        return exc
    leaves = list(_leaves(exc))
    if not leaves or not all(isinstance(leaf, RequirementViolation) for leaf in leaves):
        return exc
    ids = tuple(dict.fromkeys(rid for leaf in leaves for rid in leaf.requirement_ids))
    return RequirementViolation(ids, "\n\n".join(leaf.message for leaf in leaves))


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    found: list[BaseException] = []
    for exc in group.exceptions:
        found.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return found


@dataclass
class CheckLog:
    """Requirement ids whose checks passed in the running test (reset by the plugin per test)."""

    passed: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.passed.clear()


check_log = CheckLog()


def expect(requirement_ids: str | tuple[str, ...], condition: object, message: str) -> None:
    """Records a passing check for the requirement(s), or raises RequirementViolation."""
    if not condition:
        raise RequirementViolation(requirement_ids, message)
    ids = (requirement_ids,) if isinstance(requirement_ids, str) else requirement_ids
    check_log.passed.extend(ids)


class PreconditionFailed(Exception):
    """A step a check relies on did not work (e.g. the create before an update).

    It is not a verdict on the requirement under test: the run reports the test's requirements
    as `error` (could not be checked), and the step's own requirement fails in its own test.
    """
