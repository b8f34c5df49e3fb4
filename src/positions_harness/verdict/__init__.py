"""Per-requirement results of a run and the verdict drawn from them.

May import: `contract`, `config`, `errors`, `locations`.
"""
