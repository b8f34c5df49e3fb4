"""Doc drift: the fixture docs agree with the spec, and every planted difference is found alone.

selftest/fixtures/graph-docs holds the 15 pages the spec cites, written for this test in the
Graph docs' layout (property tables, HTTP request blocks, response sentence, example blocks).
selftest/fixtures/drift-planted.yaml lists the edits planted in a copy of them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from positions_harness.cli import main
from positions_harness.contract.spec import load_contract
from positions_harness.drift.compare import find_drift
from positions_harness.drift.kinds import Kind, compatible, doc_kind, spec_kind
from positions_harness.drift.markdown_pages import DocPage
from positions_harness.locations import REPO_ROOT

FIXTURES = REPO_ROOT / "selftest" / "fixtures"
CLEAN_DOCS = FIXTURES / "graph-docs"
PLANTED = yaml.safe_load((FIXTURES / "drift-planted.yaml").read_text(encoding="utf-8"))


def planted_docs(tmp_path: Path, plants: list[dict]) -> Path:
    docs = tmp_path / "graph-docs"
    shutil.copytree(CLEAN_DOCS, docs)
    for plant in plants:
        page = docs / plant["page"]
        if plant.get("delete"):
            page.unlink()
            continue
        text = page.read_text(encoding="utf-8")
        assert plant["replace"] in text, f"{plant['name']}: the text to replace is not on the page"
        page.write_text(text.replace(plant["replace"], plant["with"], 1), encoding="utf-8")
    return docs


def found(docs: Path) -> set[tuple[str, str, str]]:
    return {(d.aspect, d.page, d.subject) for d in find_drift(load_contract(), docs).differences}


def expected(plants: list[dict]) -> set[tuple[str, str, str]]:
    return {(p["expect"]["aspect"], p["expect"]["page"], p["expect"]["subject"]) for p in plants}


def test_fixture_docs_that_agree_with_the_spec_show_no_drift():
    report = find_drift(load_contract(), CLEAN_DOCS)
    assert report.differences == []
    assert len(report.pages_compared) == 15


@pytest.mark.parametrize("plant", PLANTED, ids=lambda p: p["name"])
def test_each_planted_difference_is_found_and_nothing_else(tmp_path, plant):
    assert found(planted_docs(tmp_path, [plant])) == expected([plant])


def test_all_planted_differences_together_are_each_reported_once(tmp_path):
    report = find_drift(load_contract(), planted_docs(tmp_path, PLANTED))
    assert [(d.aspect, d.page, d.subject) for d in report.differences] == sorted(
        expected(PLANTED), key=lambda key: (key[1], key[0], key[2])
    )


def test_a_difference_found_through_a_schema_and_its_request_twin_names_both(tmp_path):
    (difference,) = find_drift(load_contract(), planted_docs(tmp_path, PLANTED[2:3])).differences
    assert difference.schemas == ("microsoft.graph.positionDetail", "positionDetailInput")
    assert "grade" in difference.sentence() and "String" in difference.sentence()


def test_drift_command_exits_1_on_drift_and_writes_the_markdown_report(tmp_path, capsys):
    out = tmp_path / "drift.md"
    assert main(["drift", str(planted_docs(tmp_path, PLANTED[:2])), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "doc drift: 2 differences across 15 pages compared." in printed.splitlines()
    assert "| status | `api-reference/beta/api/workposition-delete.md` |" in out.read_text()


def test_drift_command_exits_0_when_the_docs_agree(capsys):
    assert main(["drift", str(CLEAN_DOCS)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "doc drift: none; 15 pages agree with the spec."
    assert printed[1].startswith("not compared: 12 cited sources")


def test_a_folder_that_is_not_a_docs_checkout_is_one_sentence_and_exit_2(tmp_path, capsys):
    assert main(["drift", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "is not a checkout of the Graph docs" in error and error.count("\n") == 1


PAGE = """# Title

## Properties

| Property | Type | Description |
|:--|:--|:--|
|kind|[kindType](kindtype.md)|What it is. Possible values are: `a`, `b`.|
|tags|String collection|Labels.|

Text after the table.

```http
# not a heading
GET /not/a/path
```

# [C#](#tab/csharp)

## HTTP request

```http
GET /me/things/{id}
GET /users/{id | userPrincipalName}/things/{id}
```
"""


def test_page_reading_follows_the_docs_layout():
    page = DocPage("x.md", PAGE)
    (kind, tags) = page.property_table()
    assert (kind.name, kind.type_text, kind.enum_values) == ("kind", "kindType", ("a", "b"))
    assert (tags.name, tags.type_text) == ("tags", "String collection")
    assert page.request_lines() == [
        ("GET", "/me/things/{id}"),
        ("GET", "/users/{id | userPrincipalName}/things/{id}"),
    ]
    assert not page.has_section("not a heading") and not page.has_section("[c#](#tab/csharp)")


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {"microsoft.graph.colour": {"enum": ["red", "blue", None]}, "thingInput": {}}


@pytest.mark.parametrize(
    ("doc_type", "values", "schema", "agree"),
    [
        ("String", (), {"type": ["string", "null"]}, True),
        ("Int32", (), {"type": ["integer", "null"], "minimum": 0}, True),
        ("Double", (), {"type": ["number", "null"]}, True),
        (
            "Date",
            (),
            {"type": ["string", "null"], "anyOf": [{"format": "date"}, {"format": "date-time"}]},
            True,
        ),
        ("DateTimeOffset", (), {"type": ["string", "null"], "format": "date-time"}, True),
        ("DateTimeOffset", (), {"type": ["string", "null"], "format": "date"}, False),
        ("String collection", (), {"type": ["array", "null"], "items": {"type": "string"}}, True),
        ("String", (), {"type": ["array", "null"], "items": {"type": "string"}}, False),
        ("Thing", (), {"anyOf": [_ref("thingInput"), {"type": "null"}]}, True),
        ("Other", (), {"anyOf": [_ref("thingInput"), {"type": "null"}]}, False),
        ("colour", ("red", "blue"), _ref("microsoft.graph.colour"), True),
        ("String", ("red", "blue"), _ref("microsoft.graph.colour"), True),
        ("String", (), _ref("microsoft.graph.colour"), False),
        ("Thing collection", (), {"type": ["array", "null"]}, True),  # items left open on purpose
    ],
)
def test_doc_types_and_spec_schemas_agree_only_when_they_mean_the_same(
    doc_type, values, schema, agree
):
    documented = doc_kind(doc_type, values, {"colour"})
    specified = spec_kind(schema, lambda ref: SCHEMAS[ref.rsplit("/", 1)[-1]])
    assert compatible(documented, specified) is agree, (documented, specified)


def test_enum_values_are_compared_as_sets_without_null():
    kind = spec_kind(_ref("microsoft.graph.colour"), lambda ref: SCHEMAS["microsoft.graph.colour"])
    assert kind == Kind(frozenset({"enum"}), enum_values=frozenset({"red", "blue"}))
