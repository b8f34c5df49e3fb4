"""The redactor: real tokens vanish wherever they appear; short test tokens do not mangle text."""

from __future__ import annotations

import pytest

from positions_harness.transport.redaction import REDACTED, Redactor

JWT_LIKE = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJncmFwaCJ9.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Bearer {JWT_LIKE}", f"Bearer {REDACTED}"),
        (f'{{"echo":"{JWT_LIKE}"}}', f'{{"echo":"{REDACTED}"}}'),
        (f"glued{JWT_LIKE}glued", f"glued{REDACTED}glued"),  # long secrets go even inside words
    ],
)
def test_a_real_token_is_redacted_wherever_it_appears(text, expected):
    assert Redactor([JWT_LIKE]).text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer x", f"Authorization: Bearer {REDACTED}"),
        ('{"token": "x"}', f'{{"token": "{REDACTED}"}}'),
        ("an example of text", "an example of text"),
        ('{"externalId": 1}', '{"externalId": 1}'),
    ],
)
def test_a_short_test_token_is_redacted_only_where_it_stands_alone(text, expected):
    assert Redactor(["x"]).text(text) == expected
