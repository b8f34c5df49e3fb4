"""The requirement catalogue, and the rule that every suite test names catalogue ids."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
import yaml

from positions_harness.contract.catalogue import load_catalogue, parse_catalogue
from positions_harness.contract.requirement_marker import marker_problem
from positions_harness.contract.spec import load_contract
from positions_harness.errors import ConfigError
from positions_harness.locations import REPO_ROOT, REQUIREMENTS_PATH, SUITES_DIR

CATALOGUE = load_catalogue()


def requirement_ids_used_in_suites() -> set[str]:
    used = set()
    for path in SUITES_DIR.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "requirement"
            ):
                used |= {a.value for a in node.args if isinstance(a, ast.Constant)}
    for operation in load_contract().operations.values():
        for example in operation.get("x-doc-examples", []):
            used |= set(example.get("x-requirements", []))
    return used


def test_catalogue_loads_with_unique_ids_levels_and_sources():
    assert len(CATALOGUE.requirements) >= 40
    for requirement in CATALOGUE.requirements.values():
        assert requirement.level in ("MUST", "SHOULD")
        assert requirement.source and requirement.statement


def test_every_requirement_id_used_by_a_test_exists_in_the_catalogue():
    used = requirement_ids_used_in_suites()
    assert used, "found no requirement markers at all"
    assert CATALOGUE.unknown(sorted(used)) == []


def test_every_doc_contradiction_that_shapes_behaviour_is_recorded_with_a_decision():
    for defect in CATALOGUE.doc_defects.values():
        assert defect.contradiction and defect.decision and defect.source


def test_collecting_the_suites_accepts_their_markers():
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", str(SUITES_DIR)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]


@pytest.mark.parametrize(
    ("markers", "problem"),
    [
        ([], "needs exactly one"),
        ([("POS-CREATE-001",), ("POS-GET-001",)], "needs exactly one"),
        ([()], "needs exactly one"),
        ([("POS-CREATE-001", "POS-NOPE-999")], "unknown requirement ids ['POS-NOPE-999']"),
    ],
)
def test_a_test_without_exactly_one_marker_of_known_ids_is_refused(markers, problem):
    assert problem in marker_problem("suites/x.py::t", markers, CATALOGUE)


def test_a_test_with_one_marker_of_known_ids_is_accepted():
    assert marker_problem("suites/x.py::t", [("POS-CREATE-001", "POS-GET-001")], CATALOGUE) is None


@pytest.mark.parametrize(
    ("mutation", "phrase"),
    [
        (lambda d: d["requirements"].append(dict(d["requirements"][0])), "twice"),
        (lambda d: d["requirements"][0].update(level="MAY"), "has level 'MAY'"),
        (lambda d: d["requirements"][0].update(id="create-1"), "not of the form"),
        (lambda d: d["requirements"][0].pop("statement"), "has no 'statement'"),
        (lambda d: d["doc_defects"][0].update(affects=["POS-NOPE-001"]), "unknown requirements"),
    ],
    ids=["duplicate", "bad-level", "bad-id", "no-statement", "defect-affects-unknown"],
)
def test_a_malformed_catalogue_is_refused_with_a_sentence(mutation, phrase):
    data = yaml.safe_load(REQUIREMENTS_PATH.read_text(encoding="utf-8"))
    mutation(data)
    with pytest.raises(ConfigError, match=phrase.replace("[", r"\[").replace("(", r"\(")):
        parse_catalogue(data)
