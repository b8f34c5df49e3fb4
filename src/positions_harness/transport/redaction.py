"""Keeping the bearer token out of everything the harness prints or writes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REDACTED = "***REDACTED***"
# A secret at least this long is redacted wherever it appears. A shorter one (a test token such
# as "x") is redacted only where it stands alone, not inside a longer word: replacing every "x"
# would turn "example" into "e***REDACTED***ample" in every report.
WHOLE_WORD_BELOW = 16
_TOKEN_CHARACTER = r"[A-Za-z0-9_\-.~+/=]"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


class Secret:
    """A string that never shows itself in repr(), str() or f-strings."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret({REDACTED})"

    __str__ = __repr__


class Redactor:
    """Replaces every known secret string, and sensitive header values, with a marker."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def add(self, secret: str) -> None:
        if secret and secret not in self._secrets:
            self._secrets = sorted([*self._secrets, secret], key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            if len(secret) >= WHOLE_WORD_BELOW:
                value = value.replace(secret, REDACTED)
            elif secret in value:
                value = _standing_alone(secret).sub(REDACTED, value)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: REDACTED if name.lower() in SENSITIVE_HEADERS else self.text(str(value))
            for name, value in headers.items()
        }

    def data(self, value: Any) -> Any:
        """Redacts strings anywhere inside JSON-like data."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


def _standing_alone(secret: str) -> re.Pattern[str]:
    """Matches `secret` where no token character touches it on either side."""
    return re.compile(rf"(?<!{_TOKEN_CHARACTER}){re.escape(secret)}(?!{_TOKEN_CHARACTER})")


def scrub_tree(folder: Path, redactor: Redactor) -> int:
    """Redacts every file below `folder` in place (a last line of defence); returns files fixed."""
    fixed = 0
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        clean = redactor.text(text)
        if clean != text:
            path.write_text(clean, encoding="utf-8", errors="surrogateescape")
            fixed += 1
    return fixed
