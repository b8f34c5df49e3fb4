"""Schemathesis glue for suites/property: the contract loaded as a Schemathesis schema whose
requests go through the harness client, which requirement a failed Schemathesis check breaks,
the stateful sequences over the OpenAPI links, and the time budget.

May import: `checks`, `contract`, `transport`, `config`, `errors`, `locations`, `yaml_files`.
"""
