"""A target whose failures are all declared known deviations is conforming to every reader: the
verdict, pytest's summary, junit.xml and Allure all show expected failures, not failures."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from .faults import FAULTS
from .support.harness_run import run_harness
from .support.servers import serving

TOKEN = "tok-selftest-deviations"
FAULT = "patch-replaces-object"  # fails POS-UPDATE-003 alone
LINK = "https://issues.example.test/PATCH-1"


def test_failures_declared_as_known_deviations_are_expected_failures_to_ci_tools(tmp_path):
    profile = tmp_path / "deviating.yaml"
    with serving(FAULTS[FAULT].make_app()) as url:
        profile.write_text(
            f"name: deviating\nbase_url: {url}\n"
            f"known_deviations:\n  - {{requirement: POS-UPDATE-003, link: '{LINK}'}}\n",
            encoding="utf-8",
        )
        run = run_harness(tmp_path, env={"TARGET": str(profile), "GRAPH_TOKEN": TOKEN})

    assert run.exit_code == 0, run.stdout[-3000:]
    assert run.conformance["verdict"] == "conforming"
    assert run.statuses()["POS-UPDATE-003"] == "known_deviation"
    assert " failed" not in run.stdout.splitlines()[-1] and "xfailed" in run.stdout
    (folder,) = run.report_dirs
    suite = ET.parse(folder / "junit.xml").getroot()
    assert suite.find(".//failure") is None and suite.find(".//error") is None
    reasons = [s.get("message", "") for s in suite.iter("skipped")]
    assert any("POS-UPDATE-003" in r and LINK in r for r in reasons), reasons
    allure = [json.loads(p.read_text()) for p in (folder / "allure-results").glob("*-result.json")]
    assert "failed" not in {result["status"] for result in allure}
