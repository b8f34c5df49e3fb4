"""Where the project's files live, relative to the repository root."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(os.environ.get("POSITIONS_REPO_ROOT", Path(__file__).resolve().parents[2]))
SPEC_PATH = REPO_ROOT / "openapi" / "positions.yaml"
REQUIREMENTS_PATH = REPO_ROOT / "openapi" / "requirements.yaml"
TARGETS_DIR = REPO_ROOT / "targets"
SUITES_DIR = REPO_ROOT / "suites"
REPORTS_DIR = REPO_ROOT / "reports"
SOURCE_DIR = REPO_ROOT / "src"
