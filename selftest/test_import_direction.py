"""The harness package's rooms import one way only: each subpackage's `__init__` docstring says
what it may import (a line `May import: ...`), and no module imports past that. The reference
never imports the harness, and the suites never import the reference (DESIGN: Rules between
parts)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from positions_harness.locations import REPO_ROOT, SOURCE_DIR

HARNESS = "positions_harness"
HARNESS_DIR = SOURCE_DIR / HARNESS
# Modules at the package root and what each may import; subpackages say it in their docstring.
ROOT_MODULES = {
    "errors": set(),
    "locations": set(),
    "versions": set(),
    "yaml_files": set(),
    "__main__": {"cli"},
    "cli": {"*"},
}
MAY_IMPORT = re.compile(r"^May import:(?P<rooms>.*?)(?:\n\n|\Z)", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str  # dotted module name (or module.attribute for `from package import name`)
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(importer: str, source: str, is_package: bool = False) -> list[Import]:
    """Every import in a module's source (also those inside functions), as absolute names."""
    package = importer if is_package else importer.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(importer, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - node.level + 1]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found += [Import(importer, f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def module_imports(path: Path) -> list[Import]:
    source = path.read_text(encoding="utf-8")
    return imports_of(module_name(path), source, is_package=path.name == "__init__.py")


def room_of(module: str) -> str:
    """The subpackage or root module a harness module lives in; "" for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def allowed_rooms() -> dict[str, set[str]]:
    """What each room may import, read from the subpackages' docstrings."""
    allowed = dict(ROOT_MODULES)
    for init in sorted(HARNESS_DIR.glob("*/__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        match = MAY_IMPORT.search(docstring)
        assert match, f"{init.relative_to(REPO_ROOT)}: its docstring needs a 'May import:' line"
        allowed[init.parent.name] = set(re.findall(r"`(\w+)`", match["rooms"]))
    return allowed


def forbidden(imports: list[Import], allowed: dict[str, set[str]]) -> list[str]:
    """One line per import of a harness room the importer's room may not import."""
    problems = []
    for imp in imports:
        if not imp.imported.startswith(f"{HARNESS}."):
            continue
        source, target = room_of(imp.importer), room_of(imp.imported)
        rooms = allowed.get(source, set())
        if target in ("", source, "__version__") or "*" in rooms or target in rooms:
            continue
        problems.append(
            f"{imp.importer} (line {imp.line}) imports {imp.imported.rpartition('.')[0]}: "
            f"{source} may import only {sorted(rooms) or 'nothing of the harness'}"
        )
    return problems


def all_imports(directory: Path) -> list[Import]:
    return [imp for path in sorted(directory.rglob("*.py")) for imp in module_imports(path)]


def test_every_room_of_the_harness_imports_only_the_rooms_its_docstring_allows():
    problems = forbidden(all_imports(HARNESS_DIR), allowed_rooms())
    assert not problems, "\n".join(problems)


def test_a_forbidden_import_is_named_with_both_modules():
    # The rule can fail: a transport module reaching up into the checks is reported.
    wrong = imports_of(f"{HARNESS}.transport.client", "from ..checks.answers import describe\n")

    assert forbidden(wrong, allowed_rooms()) == [
        "positions_harness.transport.client (line 1) imports positions_harness.checks.answers: "
        "transport may import only ['errors', 'locations']"
    ]


def test_every_subpackage_says_what_lives_there_and_what_it_may_import():
    rooms = allowed_rooms()
    for init in HARNESS_DIR.glob("*/__init__.py"):
        assert set(rooms[init.parent.name]) <= {*rooms, "errors", "locations"}, init


def test_no_module_of_the_harness_imports_itself_round_in_a_circle():
    graph: dict[str, set[str]] = {}
    modules = {module_name(p) for p in HARNESS_DIR.rglob("*.py")}
    for imp in all_imports(HARNESS_DIR):
        target = imp.imported if imp.imported in modules else imp.imported.rpartition(".")[0]
        if target in modules and target != imp.importer:
            graph.setdefault(imp.importer, set()).add(target)
    assert not cycles(graph), cycles(graph)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles among modules, each as the modules in order (depth-first search)."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_a_circle_of_imports_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize(
    ("directory", "must_not_import"),
    [
        (SOURCE_DIR / "positions_reference", HARNESS),  # the reference never uses the harness
        (REPO_ROOT / "suites", "positions_reference"),  # suites see the target as a URL only
    ],
)
def test_the_parts_keep_apart(directory, must_not_import):
    offending = [
        f"{path.relative_to(REPO_ROOT)}:{imp.line} imports {imp.imported}"
        for path in sorted(directory.rglob("*.py"))
        for imp in imports_of(path.stem, path.read_text(encoding="utf-8"))
        if imp.imported == must_not_import or imp.imported.startswith(f"{must_not_import}.")
    ]
    assert not offending, offending
