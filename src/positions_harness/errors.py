"""Errors that end a run before or outside the tests, each carrying one plain sentence."""

from __future__ import annotations

# Exit codes of `positions-harness run` (and so of `make test`).
EXIT_PASSED = 0
EXIT_NONCONFORMING = 1
EXIT_BAD_CONFIG = 2
EXIT_TARGET_UNUSABLE = 3
EXIT_RUN_INCOMPLETE = 4


class HarnessError(Exception):
    """A problem the user must fix; str(error) is one sentence saying what and how."""

    exit_code = EXIT_RUN_INCOMPLETE


class ConfigError(HarnessError):
    """Missing or malformed configuration: options, environment or target profile."""

    exit_code = EXIT_BAD_CONFIG


class TargetUnusable(HarnessError):
    """The target cannot be tested at all: unreachable, refusing the token, not speaking HTTP."""

    exit_code = EXIT_TARGET_UNUSABLE


class BudgetExhausted(Exception):
    """The request budget or the throttling wait budget is spent: results are inconclusive."""
