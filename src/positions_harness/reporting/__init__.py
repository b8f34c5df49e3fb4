"""Reports of runs, for people and machines: conformance.json (with its schema), .md and .html,
the Allure HTML site, and across runs the diff and the vendor matrix. It reads results and
never talks to a target.

May import: `verdict`, `config`, `contract`, `versions`, `errors`, `locations`.
"""
