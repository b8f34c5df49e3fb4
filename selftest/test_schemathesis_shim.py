"""The property suite's `_schemathesis_node_id_shim` (suites/property/conftest.py) stays only
while the installed engines need it.

Schemathesis' lazy schemas (`schemathesis.pytest.from_fixture`) read and write the private
`Node._nodeid` of the running test, which pytest 9.2 no longer has. A tiny probe suite shows
it: without the shim the installed Schemathesis fails on the missing attribute, with the shim
(its source taken from the conftest) the probe passes. When a release of either fixes this,
the first test fails and says to remove the shim.
"""

from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from positions_harness.locations import SUITES_DIR

SHIM = "_schemathesis_node_id_shim"
PROPERTY_CONFTEST = SUITES_DIR / "property" / "conftest.py"
PROBE = """
import pytest
import schemathesis
from hypothesis import settings

SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "probe", "version": "1"},
    "paths": {"/ping": {"get": {"responses": {"200": {"description": "ok"}}}}},
}


@pytest.fixture
def probe_schema():
    return schemathesis.openapi.from_dict(SPEC)


lazy = schemathesis.pytest.from_fixture("probe_schema")


@lazy.parametrize()
@settings(max_examples=1, database=None)
def test_a_lazy_schema_generates_a_case(case):
    assert case.path == "/ping"
"""


def shim_source() -> str:
    """The shim fixture as written in the property suite's conftest, decorator included."""
    source = PROPERTY_CONFTEST.read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == SHIM:
            first = (
                min(d.lineno for d in node.decorator_list) if node.decorator_list else node.lineno
            )
            return "\n".join(source.splitlines()[first - 1 : node.end_lineno]) + "\n"
    raise AssertionError(f"{PROPERTY_CONFTEST} no longer defines {SHIM}")


def run_probe(folder: Path, *, with_shim: bool) -> subprocess.CompletedProcess[str]:
    folder.mkdir()
    (folder / "test_probe.py").write_text(PROBE, encoding="utf-8")
    if with_shim:
        (folder / "conftest.py").write_text(f"import pytest\n\n\n{shim_source()}", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def engines() -> str:
    return ", ".join(f"{n} {importlib.metadata.version(n)}" for n in ("schemathesis", "pytest"))


def test_schemathesis_still_fails_on_a_pytest_node_without_nodeid(tmp_path):
    probe = run_probe(tmp_path / "bare", with_shim=False)
    if probe.returncode == 0:
        pytest.fail(
            f"{engines()}: a lazy schema runs without the shim now. Remove {SHIM} from "
            f"{PROPERTY_CONFTEST.relative_to(SUITES_DIR.parent)} and this test."
        )
    assert "AttributeError" in probe.stdout and "_nodeid" in probe.stdout, probe.stdout[-3000:]


def test_the_shim_lets_schemathesis_run_a_lazy_schema(tmp_path):
    probe = run_probe(tmp_path / "shimmed", with_shim=True)
    assert probe.returncode == 0, probe.stdout[-3000:] + probe.stderr[-2000:]
    assert "1 passed" in probe.stdout, probe.stdout[-3000:]
