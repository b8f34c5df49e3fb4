"""`positions-harness`: the command behind `make test`.

    positions-harness run [--base-url URL] [--target NAME] [--profile P] [-- PYTEST ARGS]

Exit codes: 0 the target met every requirement tested; 1 it failed at least one; 2 bad
configuration; 3 the target could not be tested; 4 the run did not complete.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

import pytest

from .config import RUN_ID_ENV, resolve_config
from .errors import (
    EXIT_NONCONFORMING,
    EXIT_PASSED,
    EXIT_RUN_INCOMPLETE,
    HarnessError,
)
from .locations import REPO_ROOT, SUITES_DIR
from .session import HarnessSession


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="positions-harness", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the contract suites against a target")
    run.add_argument(
        "--base-url", help="service root, e.g. https://graph.microsoft.com/beta (env BASE_URL)"
    )
    run.add_argument("--target", help="target profile: a name in targets/ or a path (env TARGET)")
    run.add_argument("--profile", help="quick | default | nightly (env PROFILE)")
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments (also env PYTEST_ARGS)")
    return parser


def run(args: argparse.Namespace) -> int:
    options = {"base_url": args.base_url, "target": args.target, "profile": args.profile}
    config = resolve_config(options)
    session = HarnessSession(config).open()  # starts the bundled reference when needed
    try:
        assert session.config.base_url is not None
        os.environ[RUN_ID_ENV] = config.run_id
        os.environ[config.target.token_env] = config.token.reveal()
        report_dir = config.report_dir
        pytest_args = [
            str(SUITES_DIR),
            f"--rootdir={REPO_ROOT}",
            "-c",
            str(REPO_ROOT / "pyproject.toml"),
            "--base-url",
            session.config.base_url,
            f"--junitxml={report_dir / 'junit.xml'}",
            *([f"--target={config.target.path}"] if config.target.path else []),
            *([f"--profile={config.profile}"]),
            *shlex.split(os.environ.get("PYTEST_ARGS", "")),
            *args.pytest_args,
        ]
        print(
            f"positions-harness: target {config.target.name} at {session.config.base_url}, "
            f"profile {config.profile}, run {config.run_id}",
            flush=True,
        )
        code = pytest.main(pytest_args)
    finally:
        session.close()
    if code in (EXIT_PASSED, EXIT_NONCONFORMING):
        return int(code)
    if code == pytest.ExitCode.INTERRUPTED:
        print("positions-harness: interrupted; created positions were cleaned up.", file=sys.stderr)
    return EXIT_RUN_INCOMPLETE


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except HarnessError as exc:
        print(f"positions-harness: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("positions-harness: interrupted.", file=sys.stderr)
        return EXIT_RUN_INCOMPLETE


if __name__ == "__main__":
    sys.exit(main())
