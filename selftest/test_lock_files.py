"""The lock files: every install the Makefile makes comes from locks/, pinned and hashed, in
step with pyproject.toml, and this venv holds exactly what the lock says (README: Locked
installs)."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from positions_harness.locations import REPO_ROOT

from .support.lock_files import LOCKS_DIR, Pin, read_lock

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = canonicalize_name(PYPROJECT["project"]["name"])
# Each lock of the project's dependencies and the extras it holds (make lock writes them).
EXTRAS_OF_LOCK = {
    "default": (),
    "dev": ("dev",),
    "interop": ("dev", "interop"),
    "azure": ("dev", "azure"),
}
# The venv make builds: pip and setuptools from build.txt, then dev.txt.
VENV_LOCKS = ("build", "dev")
# The extras a venv may also hold, installed on top of dev (make interop, make install-azure).
ADDED_LOCKS = ("interop", "azure")


def lock(name: str) -> dict[str, Pin]:
    return read_lock(LOCKS_DIR / f"{name}.txt")


def wanted(extras: tuple[str, ...]) -> list[Requirement]:
    project = PYPROJECT["project"]
    texts = project["dependencies"] + [
        d for e in extras for d in project["optional-dependencies"][e]
    ]
    return [Requirement(text) for text in texts]


def test_every_lock_file_is_made_by_make_lock_and_rebuilds_the_venv_when_it_changes():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^LOCKS\s*:=(.*)$", makefile, re.MULTILINE)
    assert listed, "the Makefile no longer lists its lock files in LOCKS"
    on_disk = {f"locks/{p.name}" for p in LOCKS_DIR.glob("*.txt")}
    assert set(listed[1].split()) == on_disk
    assert re.search(r"^\$\(STAMP\):.*\$\(LOCKS\)", makefile, re.MULTILINE), (
        "stamp must follow locks"
    )
    assert {*EXTRAS_OF_LOCK, "build"} == {p.stem for p in LOCKS_DIR.glob("*.txt")}


@pytest.mark.parametrize("name", [*EXTRAS_OF_LOCK, "build"])
def test_every_package_is_pinned_to_one_version_with_its_hashes(name):
    for pin in lock(name).values():
        assert pin.version, f"{name}.txt: {pin.requirement} is not pinned with =="
        assert any(h.startswith("sha256:") for h in pin.hashes), f"{name}.txt: {pin.name} unhashed"


@pytest.mark.parametrize("name", EXTRAS_OF_LOCK)
def test_the_lock_holds_what_pyproject_asks_for(name):
    pins = lock(name)
    stale = [
        str(requirement)
        for requirement in wanted(EXTRAS_OF_LOCK[name])
        if canonicalize_name(requirement.name) not in pins
        or not requirement.specifier.contains(pins[canonicalize_name(requirement.name)].version)
    ]
    assert not stale, f"locks/{name}.txt does not satisfy {stale}: run `make lock`"


def test_the_locks_agree_on_every_package_they_share():
    seen: dict[str, tuple[str, str]] = {}
    for name in EXTRAS_OF_LOCK:
        for pin in lock(name).values():
            first = seen.setdefault(pin.name, (name, pin.version or ""))
            assert first[1] == pin.version, f"{pin.name}: {first} but {name} {pin.version}"


def test_the_build_lock_holds_pip_and_the_setuptools_the_project_builds_with():
    pins = lock("build")
    assert set(pins) == {"pip", "setuptools"}
    for requirement in map(Requirement, PYPROJECT["build-system"]["requires"]):
        assert requirement.specifier.contains(pins[canonicalize_name(requirement.name)].version)
    listed = (LOCKS_DIR / "build.in").read_text(encoding="utf-8")
    for text in PYPROJECT["build-system"]["requires"]:
        assert text in listed.splitlines(), f"locks/build.in must ask for {text} as pyproject does"


def test_this_venv_holds_exactly_the_locked_versions():
    pins = {k: v for name in VENV_LOCKS for k, v in lock(name).items() if v.applies_here()}
    extras = {k: v for name in ADDED_LOCKS for k, v in lock(name).items() if v.applies_here()}
    installed = {
        canonicalize_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()
    }
    missing = {n: p.version for n, p in pins.items() if installed.get(n) != p.version}
    assert not missing, f"locked but not installed at that version: {missing}; `make install`"
    unlocked = {
        n: v for n, v in installed.items() if n != PROJECT and n not in pins and n not in extras
    }
    assert not unlocked, f"installed but in no lock: {unlocked}; `make clean install` rebuilds"
    drifted = {n: v for n, v in installed.items() if n in extras and extras[n].version != v}
    assert not drifted, f"not at the locked version: {drifted}; `make clean install` rebuilds"


def test_a_loose_or_unhashed_line_is_told_apart_from_a_pin(tmp_path):
    path = tmp_path / "loose.txt"
    path.write_text(
        "requests>=2.32\nidna==3.20 \\\n    --hash=sha256:0a1b  # via requests\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:ff00\n",
        encoding="utf-8",
    )
    pins = read_lock(path)
    assert pins["requests"].version is None and pins["requests"].hashes == ()
    assert pins["idna"].version == "3.20" and pins["idna"].hashes == ("sha256:0a1b",)
    assert pins["colorama"].applies_here() is (sys.platform == "win32")
