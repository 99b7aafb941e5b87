"""Seconds studied to the minutes a learner reads: the one rounding rule for every figure of study time.

Apart from ``core.stats`` so that a quick command showing minutes (`diary list`) does not import
the statistics' models.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date


def whole_minutes(seconds: float) -> int:
    """Seconds to minutes as people read them: 59.6 minutes of study is an hour's 60, not 59."""
    return int(seconds / 60 + 0.5)


def minutes_by_day(seconds_by_day: Mapping[date, float]) -> dict[date, int]:
    return {day: whole_minutes(seconds) for day, seconds in sorted(seconds_by_day.items())}
