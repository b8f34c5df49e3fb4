"""What limited a run, said by any process of it (an xdist worker too) and read once by the
recorder: each limit is a small file in the run's report folder, since workers share nothing
else with the controller that outlives them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .options import harness_config

PREFIX = "limit-"


def record_limit(config: pytest.Config, sentence: str) -> None:
    """Records one sentence saying what kept the run from doing all it meant to."""
    folder = harness_config(config).report_dir
    folder.mkdir(parents=True, exist_ok=True)
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    path = folder / f"{PREFIX}{worker}-{os.getpid()}-{len(list(folder.glob(PREFIX + '*')))}.json"
    path.write_text(json.dumps({"limit": sentence}), encoding="utf-8")


def recorded_limits(folder: Path) -> list[str]:
    """The sentences recorded for the run in `folder`, each once, and removes their files."""
    sentences = []
    for path in sorted(folder.glob(f"{PREFIX}*.json")):
        try:
            sentence = json.loads(path.read_text(encoding="utf-8"))["limit"]
        except (OSError, ValueError, KeyError):
            continue
        finally:
            path.unlink(missing_ok=True)
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences
