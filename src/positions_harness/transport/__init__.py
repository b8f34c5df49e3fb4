"""Talking to the target: the one HTTP client (bearer token, timeouts, pacing, retries), where the
token comes from and how it is kept out of output, the transcript of every exchange, the cleanup
ledger, what the run may touch on a tenant, and interrupts that wait for the request in flight.

May import: `errors`, `locations`. Nothing else of the harness.
"""
