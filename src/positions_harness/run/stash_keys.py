"""What one pytest process keeps in `config.stash` for the run: its configuration, its
per-requirement results and the session the fixtures opened.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..config.harness_config import HarnessConfig
from ..verdict.results import RunResults

config_key = pytest.StashKey[HarnessConfig]()
results_key = pytest.StashKey[RunResults]()
session_key = pytest.StashKey[Any]()  # the HarnessSession opened by the fixtures, if any
tidier_key = pytest.StashKey[Any]()  # the BackgroundTidier deleting what each test created
