"""Everything a run leaves for people and machines: conformance.json/.md/.html, diffs, matrices."""
