"""Times as the case store keeps them (UTC text, sortable) and as people read them."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    """UTC time, sortable as text, to the microsecond (so rapid saves stay ordered)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_time(stamp: str) -> str:
    """A stored UTC stamp as this computer's wall-clock time, to the minute (as the
    case list shows it).

    >>> local_time("not a time")
    'not a time'
    """
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone().strftime(
            "%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


__all__ = ["local_time", "now_iso"]
