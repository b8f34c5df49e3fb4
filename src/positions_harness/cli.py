"""`positions-harness`: the command behind `make test` and the report tools.

    positions-harness run [--base-url URL] [--target NAME] [--profile P] [-- PYTEST ARGS]
    positions-harness diff OLD NEW          (exit 1 when NEW regressed)
    positions-harness matrix RUN... [--out DIR]
    positions-harness sweep [--run ID] [--dry-run]   (delete tagged leftovers of earlier runs)
    positions-harness allure [RUN] [--serve] (Allure HTML report of a run; default reports/latest)
    positions-harness coverage [--brief]    (requirement -> tests; exit 1 if one is uncovered)
    positions-harness targets [--json]      (the profiles in targets/; --json: a CI matrix)
    positions-harness drift DOCS_ROOT [--out FILE]   (docs checkout vs spec; exit 1 on drift)

Exit codes of `run`: 0 the target met every requirement tested; 1 it failed at least one; 2 bad
configuration; 3 the target could not be tested; 4 the run did not complete.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config.harness_config import resolve_config
from .config.target_listing import list_targets, render_targets_json, render_targets_text
from .contract.coverage import coverage_report, render_coverage
from .contract.spec import load_contract
from .drift.compare import find_drift
from .drift.report import render_markdown as render_drift_markdown
from .drift.report import render_text as render_drift_text
from .errors import EXIT_NONCONFORMING, EXIT_PASSED, EXIT_RUN_INCOMPLETE, ConfigError, HarnessError
from .locations import REPORTS_DIR, SPEC_PATH
from .reporting import runs
from .reporting.allure_html import build_allure_report, serve_report
from .run.launch import run_suites
from .run.session import HarnessSession
from .run.sweep import sweep as sweep_leftovers
from .versions import versions_line

RUN_EPILOG = """\
Any option or argument `run` does not know goes to pytest as it is: -k EXPR, -x, --lf, -n 2,
node ids such as suites/behaviour/test_delete.py (also in PYTEST_ARGS).

environment:
  BASE_URL          service root including the version path; unset: the bundled reference
  GRAPH_TOKEN       bearer token (or the variable a target profile names in token.env)
  TARGET            target profile: a name in targets/ or a path to a .yaml file
  PROFILE           quick | default | nightly
  STRICT=1          a failed SHOULD makes the target nonconforming too
  WORKERS           auto | N: concurrent pytest-xdist workers (0: serial)
  GRAPH_USER_ID, GRAPH_USER_UPN   the user for the /users/{id} and /users/{upn} forms
  PYTEST_ARGS       extra pytest arguments

exit codes:
  0  conforming: every MUST tested passed (SHOULD failures are warnings unless --strict)
  1  nonconforming: a MUST failed
  2  bad configuration (missing token, malformed profile)
  3  the target cannot be tested (unreachable, refuses the token, not a positions service)
  4  the run did not complete (interrupted, budget spent, harness error)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="positions-harness",
        description=__doc__.split("\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=versions_line())
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="run the contract suites against a target",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--base-url", help="service root, e.g. https://graph.microsoft.com/beta (env BASE_URL)"
    )
    run.add_argument("--target", help="target profile: a name in targets/ or a path (env TARGET)")
    run.add_argument("--profile", help="quick | default | nightly (env PROFILE)")
    run.add_argument(
        "--strict",
        action="store_true",
        help="a failed SHOULD makes the target nonconforming too (env STRICT=1)",
    )
    run.add_argument(
        "--workers",
        help="pytest-xdist workers: auto (from the latency the preflight measures; the "
        "default) or N, 0 for serial (env WORKERS, target profile key workers)",
    )
    diff = commands.add_parser("diff", help="compare two runs; exit 1 on a regression")
    diff.add_argument("old", help="older run folder or conformance.json")
    diff.add_argument("new", help="newer run folder or conformance.json")
    matrix = commands.add_parser("matrix", help="vendor x requirement table of several runs")
    matrix.add_argument("runs", nargs="+", help="run folders or conformance.json files")
    matrix.add_argument("--out", default=str(REPORTS_DIR), help="folder for matrix.md/.html")
    sweep_parser = commands.add_parser(
        "sweep", help="delete positions earlier runs left behind (found by their run tag)"
    )
    sweep_parser.add_argument("--base-url", help="service root (env BASE_URL)")
    sweep_parser.add_argument("--target", help="target profile (env TARGET)")
    sweep_parser.add_argument("--run", help="only this run id's leftovers (default: every run)")
    sweep_parser.add_argument("--dry-run", action="store_true", help="list, do not delete")
    allure_report = commands.add_parser("allure", help="build the Allure HTML report of a run")
    allure_report.add_argument("run", nargs="?", default=str(REPORTS_DIR / "latest"))
    allure_report.add_argument(
        "--serve", action="store_true", help="serve it on 127.0.0.1 until Ctrl-C and print the URL"
    )
    allure_report.add_argument("--port", type=int, default=0, help="with --serve (default: free)")
    coverage = commands.add_parser(
        "coverage", help="which suite tests check each requirement; exit 1 if one is uncovered"
    )
    coverage.add_argument("--brief", action="store_true", help="one line per requirement")
    drift_parser = commands.add_parser(
        "drift", help="differences between a Graph docs checkout and the spec; exit 1 on drift"
    )
    drift_parser.add_argument(
        "docs_root", help="a checkout of microsoft-graph-docs-contrib (holds api-reference/)"
    )
    drift_parser.add_argument("--out", help="also write the report as markdown to this file")
    drift_parser.add_argument("--spec", default=str(SPEC_PATH), help=argparse.SUPPRESS)
    targets_parser = commands.add_parser(
        "targets", help="list the target profiles in targets/ (name, token variable)"
    )
    targets_parser.add_argument(
        "--json", action="store_true", help="one JSON line, e.g. for a CI job matrix"
    )
    return parser


def diff(args: argparse.Namespace) -> int:
    old, new = runs.load_run(args.old), runs.load_run(args.new)
    changes = runs.diff_runs(old, new)
    print(runs.render_diff(old, new, changes), end="")
    return EXIT_NONCONFORMING if changes.regressions else EXIT_PASSED


def matrix(args: argparse.Namespace) -> int:
    documents = [runs.load_run(location) for location in args.runs]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    markdown = runs.render_matrix_markdown(documents)
    (out / "matrix.md").write_text(markdown, encoding="utf-8")
    (out / "matrix.html").write_text(runs.render_matrix_html(documents), encoding="utf-8")
    print(markdown, end="")
    print(f"written: {out / 'matrix.md'}, {out / 'matrix.html'}")
    return EXIT_PASSED


def sweep(args: argparse.Namespace) -> int:
    config = resolve_config({"base_url": args.base_url, "target": args.target})
    session = HarnessSession(config).open()
    try:
        assert session.client is not None
        report = sweep_leftovers(session.client, args.run, args.dry_run)
    finally:
        session.close()
    verb = "would delete" if args.dry_run else "deleted"
    done = report.found if args.dry_run else report.deleted
    print(f"sweep: {len(report.found)} tagged leftover(s) found, {verb} {len(done)}")
    for line in [*done, *report.problems]:
        print(f"  {line}")
    return EXIT_NONCONFORMING if report.problems else EXIT_PASSED


def allure(args: argparse.Namespace) -> int:
    index = build_allure_report(Path(args.run).resolve())
    if not args.serve:
        print(f"Allure report: {index} (serve it to view it: a browser shows a file:// copy blank)")
        return EXIT_PASSED
    server, url = serve_report(index, args.port)
    print(f"Allure report: {url} (serving {index.parent}; Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_PASSED


def drift(args: argparse.Namespace) -> int:
    docs_root = Path(args.docs_root)
    if not (docs_root / "api-reference").is_dir():
        raise ConfigError(
            f"{docs_root} is not a checkout of the Graph docs (it has no api-reference folder); "
            "clone microsoftgraph/microsoft-graph-docs-contrib and pass the clone's path."
        )
    report = find_drift(load_contract(Path(args.spec)), docs_root)
    print(render_drift_text(report), end="")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(render_drift_markdown(report), encoding="utf-8")
    return EXIT_NONCONFORMING if report.differences else EXIT_PASSED


def coverage(args: argparse.Namespace) -> int:
    report = coverage_report()
    print(render_coverage(report, brief=args.brief), end="")
    return EXIT_PASSED if report.complete else EXIT_NONCONFORMING


def targets(args: argparse.Namespace) -> int:
    entries = list_targets()
    if args.json:
        print(render_targets_json(entries))
    else:
        print(render_targets_text(entries), end="")
    return EXIT_PASSED


def run(args: argparse.Namespace) -> int:
    options = {"base_url": args.base_url, "target": args.target, "profile": args.profile}
    options["strict"] = "1" if args.strict else None
    options["workers"] = args.workers
    return run_suites(options, args.pytest_args)


COMMANDS = {
    "run": run,
    "diff": diff,
    "matrix": matrix,
    "sweep": sweep,
    "allure": allure,
    "coverage": coverage,
    "targets": targets,
    "drift": drift,
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command == "run":
        args.pytest_args = [a for a in unknown if a != "--"] if unknown[:1] == ["--"] else unknown
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return COMMANDS[args.command](args)
    except HarnessError as exc:
        print(f"positions-harness: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("positions-harness: interrupted.", file=sys.stderr)
        return EXIT_RUN_INCOMPLETE


if __name__ == "__main__":
    sys.exit(main())
