"""The report folder of a run: every file present, valid and free of the token; diff and matrix."""

from __future__ import annotations

import copy
import importlib.metadata
import json
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests

from positions_harness import __version__
from positions_harness.errors import ConfigError
from positions_harness.reporting.allure_html import serve_report
from positions_harness.reporting.html import render_html
from positions_harness.reporting.markdown import render_markdown
from positions_harness.reporting.runs import diff_runs, render_diff
from positions_harness.reporting.writer import schema_errors
from positions_harness.versions import ENGINES
from positions_reference import create_app

from .faults import FAULTS
from .support.harness_run import HarnessRun, run_harness
from .support.servers import serving

TOKEN = "tok-REPORTS-3c9e55a1-never-print"
FAULT = "patch-replaces-object"
CHROMIUM = "/usr/bin/chromium"


# The examples suite alone detects FAULT; it keeps these runs short.
def run_against(app, tmp_path: Path, **env: str) -> HarnessRun:
    with serving(app) as url:
        return run_harness(tmp_path, env={"BASE_URL": url, "GRAPH_TOKEN": TOKEN, **env})


@pytest.fixture(scope="module")
def passing_run(tmp_path_factory) -> HarnessRun:
    # Whole runs: only a run of everything gives a verdict for the contract (and moves latest).
    return run_against(create_app(), tmp_path_factory.mktemp("passing"))


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory) -> HarnessRun:
    return run_against(FAULTS[FAULT].make_app(), tmp_path_factory.mktemp("failing"))


@pytest.fixture(params=["passing", "failing"])
def any_run(request, passing_run, failing_run) -> HarnessRun:
    return passing_run if request.param == "passing" else failing_run


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "positions_harness", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_runs_end_as_expected(passing_run, failing_run):
    assert passing_run.exit_code == 0, passing_run.stdout[-2000:]
    assert failing_run.exit_code == 1, failing_run.stdout[-2000:]


def test_every_report_file_is_written(any_run):
    (folder,) = any_run.report_dirs
    for name in (
        "conformance.json",
        "conformance.md",
        "conformance.html",
        "junit.xml",
        "transcript.jsonl",
        "cleanup.json",
    ):
        assert (folder / name).is_file(), name
    assert list((folder / "allure-results").glob("*-result.json"))
    assert (any_run.reports_root / "latest").resolve() == folder.resolve()


def test_conformance_json_is_valid_against_its_schema(any_run):
    assert schema_errors(any_run.conformance) == []


def test_every_report_header_names_the_harness_schemathesis_hypothesis_and_pytest(any_run):
    (folder,) = any_run.report_dirs
    harness = any_run.conformance["harness"]
    installed = {name: importlib.metadata.version(name) for name in ENGINES}
    assert harness["version"] == __version__ and harness["engines"] == installed
    markdown = (folder / "conformance.md").read_text(encoding="utf-8")
    html = (folder / "conformance.html").read_text(encoding="utf-8")
    headers = {
        "conformance.md": markdown[: markdown.index("## Summary")],
        "conformance.html": html[: html.index("</header>")],
    }
    for name, header in headers.items():
        for version in (
            f"positions-harness {__version__}",
            *(f"{n} {v}" for n, v in installed.items()),
        ):
            assert version in header, f"{name} header lacks {version!r}:\n{header}"


def test_the_schema_wants_all_three_engines_and_still_reads_reports_from_before_them(passing_run):
    document = copy.deepcopy(passing_run.conformance)
    del document["harness"]["engines"]["hypothesis"]
    assert any("hypothesis" in problem for problem in schema_errors(document))
    del document["harness"]["engines"]  # a report written before engines were recorded
    assert schema_errors(document) == []


def test_diff_says_when_the_engines_of_the_two_runs_differ(passing_run, failing_run):
    old, new = passing_run.conformance, copy.deepcopy(failing_run.conformance)
    assert "engines: positions-harness" in render_diff(old, new, diff_runs(old, new))
    new["harness"]["engines"]["schemathesis"] = "99.0"
    rendered = render_diff(old, new, diff_runs(old, new))
    assert "engines changed: " in rendered and "schemathesis 99.0," in rendered


def test_failures_carry_evidence_and_a_curl_line(failing_run):
    (requirement,) = [
        r for r in failing_run.conformance["requirements"] if r["id"] == "POS-UPDATE-003"
    ]
    assert requirement["status"] == "failed"
    for failure in requirement["failures"]:  # the update test and the documented example
        methods = [exchange["method"] for exchange in failure["evidence"]]
        assert "PATCH" in methods, methods
        for exchange in failure["evidence"]:
            assert exchange["curl"].startswith("curl ") and "$GRAPH_TOKEN" in exchange["curl"]
        assert failure["expected"] and failure["observed"]


def test_markdown_and_html_lead_with_the_summary_then_failures(failing_run):
    (folder,) = failing_run.report_dirs
    markdown = (folder / "conformance.md").read_text(encoding="utf-8")
    html = (folder / "conformance.html").read_text(encoding="utf-8")
    assert "requirements passed: MUST " in markdown
    assert (
        markdown.index("## Failures")
        < markdown.index("### POS-UPDATE-003")
        < markdown.index("## All requirements")
    )
    assert "Requirements passed: MUST " in html and 'class="evidence"' in html
    assert "<script" not in html and "http-equiv" not in html  # self-contained, static


def test_a_note_on_a_passing_requirement_reaches_markdown_and_html(passing_run):
    document = passing_run.conformance
    passed = next(r for r in document["requirements"] if r["status"] == "passed")
    passed["note"] = "declared as a known deviation (https://t.example/1) but it passes: remove it"
    for rendered in (render_markdown(document), render_html(document)):
        assert f"{passed['id']}: declared as a known deviation" in rendered
        assert rendered.index("Notes") < rendered.index("All requirements")


def test_junit_xml_names_requirement_ids_as_properties(any_run):
    (folder,) = any_run.report_dirs
    cases = ET.parse(folder / "junit.xml").getroot().iter("testcase")
    properties = [
        p.get("value")
        for case in cases
        for p in case.iter("property")
        if p.get("name") == "requirements"
    ]
    assert properties and all(value.startswith("POS-") for value in properties)


def test_allure_results_are_labelled_and_linked_with_attached_exchanges(failing_run):
    (folder,) = failing_run.report_dirs
    results = [json.loads(p.read_text()) for p in (folder / "allure-results").glob("*-result.json")]
    # Generated requests are not attached one by one (they would bury the failures).
    results = [r for r in results if "suites.property" not in r.get("fullName", "")]
    for result in results:
        assert {"uuid", "name", "status", "labels"} <= set(result)
        labels = {label["name"] for label in result["labels"]}
        assert {"requirement", "feature", "epic"} <= labels
        assert any("learn.microsoft.com" in link["url"] for link in result.get("links", []))
        assert result["steps"] and result["steps"][0]["attachments"]
    assert "failed" in {r["status"] for r in results}


def test_the_token_appears_in_no_file_and_no_output(passing_run, failing_run):
    for run in (passing_run, failing_run):
        written = run.all_output()
        assert "REDACTED" in written
        assert TOKEN not in written


def test_diff_lists_the_faulted_requirement_as_a_regression_and_fails(passing_run, failing_run):
    (old,) = passing_run.report_dirs
    (new,) = failing_run.report_dirs
    completed = cli("diff", str(old), str(new))
    assert completed.returncode == 1, completed.stdout + completed.stderr
    regressions = completed.stdout.split("Regressions:")[1].split("Fixes:")[0]
    assert "POS-UPDATE-003: pass -> FAIL" in regressions
    assert cli("diff", str(new), str(old)).returncode == 0


def test_diff_of_something_that_is_not_a_report_is_one_sentence(tmp_path):
    completed = cli("diff", str(tmp_path), str(tmp_path))
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and "No conformance report" in completed.stderr


def test_matrix_puts_vendors_side_by_side_in_markdown_and_html(passing_run, failing_run, tmp_path):
    (one,) = passing_run.report_dirs
    (two,) = failing_run.report_dirs
    completed = cli("matrix", str(one), str(two), "--out", str(tmp_path))
    assert completed.returncode == 0, completed.stderr
    markdown = (tmp_path / "matrix.md").read_text()
    assert "| POS-UPDATE-003 | MUST | pass | FAIL |" in markdown
    assert "<table>" in (tmp_path / "matrix.html").read_text()


def test_html_report_renders_in_headless_chromium(failing_run, tmp_path):
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), "Chromium is missing: `make check` installs Debian's chromium"
    (folder,) = failing_run.report_dirs
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((folder / "conformance.html").as_uri())
            page.screenshot(path=str(tmp_path / "first-screen.png"))
            assert page.locator("#verdict").inner_text() == "nonconforming"
            assert page.locator("#summary").is_visible()
            assert page.locator("#summary").inner_text().startswith("Requirements passed: MUST")
            evidence = page.locator("#POS-UPDATE-003 pre.evidence").last
            evidence.scroll_into_view_if_needed()
            assert evidence.is_visible() and "PATCH" in evidence.inner_text()
            page.screenshot(path=str(tmp_path / "failure-evidence.png"))
        finally:
            browser.close()
    assert (tmp_path / "first-screen.png").stat().st_size > 10_000


def test_curl_lines_read_the_token_from_the_variable_the_profile_names(tmp_path):
    profile = tmp_path / "acme.yaml"
    with serving(FAULTS[FAULT].make_app()) as url:
        profile.write_text(f"name: acme\nbase_url: {url}\ntoken: {{env: ACME_TOKEN}}\n")
        run = run_harness(
            tmp_path,
            env={"TARGET": str(profile), "ACME_TOKEN": TOKEN, "PYTEST_ARGS": "suites/behaviour"},
        )

    curls = [
        exchange["curl"]
        for requirement in run.conformance["requirements"]
        for failure in requirement["failures"]
        for exchange in failure["evidence"]
    ]
    assert curls and all("$ACME_TOKEN" in c and "$GRAPH_TOKEN" not in c for c in curls)


def test_the_allure_report_is_served_over_http_at_the_url_printed(tmp_path):
    # Allure's page loads its data in ways browsers refuse for file:// pages; served, it works.
    (tmp_path / "index.html").write_text("<html>allure</html>", encoding="utf-8")
    (tmp_path / "data.json").write_text("{}", encoding="utf-8")
    server, url = serve_report(tmp_path / "index.html")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/index.html")
        assert requests.get(url, timeout=5).text == "<html>allure</html>"
        assert requests.get(url.replace("index.html", "data.json"), timeout=5).json() == {}
        with pytest.raises(ConfigError, match="choose another PORT"):
            serve_report(tmp_path / "index.html", server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_a_report_counts_the_requests_of_the_run_and_of_each_requirement(passing_run):
    document = passing_run.conformance
    run = document["run"]
    purposes = run["requests_by_purpose"]
    transcripts = [
        line
        for path in passing_run.report_dirs[0].glob("transcript*.jsonl")
        for line in path.read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]

    assert run["requests_sent"] == len(transcripts) == sum(purposes.values())
    assert purposes["tests"] > 0 and purposes["preflight"] > 0
    counted = {r["id"]: r["requests"] for r in document["requirements"]}
    assert all(counted[r["id"]] > 0 for r in document["requirements"] if r["tests"])
    markdown = (passing_run.report_dirs[0] / "conformance.md").read_text(encoding="utf-8")
    assert f"- Requests: {run['requests_sent']:,} requests: {purposes['tests']:,} for tests" in (
        markdown
    )
    html = (passing_run.report_dirs[0] / "conformance.html").read_text(encoding="utf-8")
    assert 'id="requests"' in html
