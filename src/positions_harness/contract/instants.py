"""The date and date-time forms the contract uses (RFC 3339, Edm.Date), parsed as instants."""

from __future__ import annotations

import datetime as dt
import re

RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_rfc3339(value: str) -> dt.datetime | None:
    """Parses any RFC 3339 date-time (any number of fractional digits); None if it is not one."""
    match = RFC3339.match(value) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or ".0")[1:7].ljust(6, "0"))
    if offset in ("Z", "z"):
        tz = dt.UTC
    else:
        sign = 1 if offset[0] == "+" else -1
        tz = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    try:
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz
        )
    except ValueError:
        return None
