"""One run's life as pytest plugins: options, collection and the requirement marker, session
fixtures (reference start, client, preflight, cleanup and sweep), findings per test, the
recorder that writes the report and sets the exit status, and Allure steps.

Wires everything below it.

May import: `transport`, `contract`, `checks`, `config`, `property`, `verdict`, `reporting`,
`errors`, `locations`.
"""
