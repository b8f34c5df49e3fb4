"""The exchanges a failure's report shows: the very requests that broke the requirement.

A hand-written test fails on its last exchanges. A property test sends hundreds: its failure
names the failing requests in Schemathesis' own report ("Reproduce with: curl -X ..."), and
those are looked up in the transcript, so the report's request, response and curl line (with
the token read from the profile's variable) are the failing ones, not the test's last.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from ..transport.transcript import Exchange

LAST_EXCHANGES = 3
_CURL = re.compile(r"^\s*(curl -X .+)$", re.MULTILINE)


def evidence(exchanges: list[Exchange], failure_message: str | None) -> list[dict[str, Any]]:
    """The failing exchanges the message names, else the test's last few."""
    named = [
        found
        for command in _CURL.findall(failure_message or "")
        if (found := _exchange_of(command, exchanges)) is not None
    ]
    chosen = list({exchange.seq: exchange for exchange in named}.values())
    chosen = chosen or exchanges[-LAST_EXCHANGES:]
    return [exchange.as_dict() for exchange in chosen]


def _exchange_of(command: str, exchanges: list[Exchange]) -> Exchange | None:
    """The latest exchange that sent what a Schemathesis curl line describes."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    method = words[words.index("-X") + 1].upper() if "-X" in words else "GET"
    url = next((w for w in reversed(words) if w.startswith(("http://", "https://"))), None)
    data = words[words.index("-d") + 1] if "-d" in words else None
    return next(
        (
            exchange
            for exchange in reversed(exchanges)
            if exchange.method.upper() == method
            and exchange.url == url
            and (data is None or _same_body(data, exchange.request_body))
        ),
        None,
    )


def _same_body(sent: str, recorded: str | None) -> bool:
    if recorded is None:
        return False
    try:
        return json.loads(sent) == json.loads(recorded)
    except ValueError:
        return sent == recorded
