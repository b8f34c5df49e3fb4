"""How many requests the run sent, per test and for what: read back from the transcripts every
process of the run wrote into its report folder (transcript.jsonl, or one per xdist worker).

A requirement's count is the sum over the tests that checked it: what deciding it cost. The
requests made for no test (the preflight, cleanups) are counted apart.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

HOUSEKEEPING = ("(preflight)", "(cleanup)")


def requests_per_test(folder: Path) -> Counter[str]:
    """Requests per test node id (and per housekeeping label) in the folder's transcripts."""
    counts: Counter[str] = Counter()
    for path in sorted(folder.glob("transcript*.jsonl")):
        try:
            lines = path.read_text(encoding="utf-8").split("\n")  # not splitlines: U+2028
        except OSError:
            continue
        for line in lines:
            if not line.strip():
                continue
            try:
                counts[json.loads(line).get("test") or "(no test)"] += 1
            except ValueError:
                continue
    return counts


def requests_by_purpose(counts: Counter[str]) -> dict[str, Any]:
    housekeeping = {label.strip("()"): counts.get(label, 0) for label in HOUSEKEEPING}
    tests = sum(n for label, n in counts.items() if label not in HOUSEKEEPING)
    return {"tests": tests, **housekeeping}
