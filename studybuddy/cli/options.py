"""Option types shared by commands: argparse turns a bad value into a usage error, not a traceback
or a silent nonsense (a 0 s time limit that fails every item, -1 workers taken as 1)."""

from __future__ import annotations

import argparse
import math

MAX_SECONDS = 86_400.0  # a day: a longer wait is no limit, and 1e308 s overflowed the waits it feeds


def positive_seconds(text: str) -> float:
    """A time limit: a finite number of seconds above zero, at most MAX_SECONDS."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(f"a time limit must be more than 0 seconds, not {text}")
    if seconds > MAX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"a time limit must be at most {MAX_SECONDS:,.0f} seconds (a day), not {text}"
        )
    return seconds


def positive_count(text: str) -> int:
    """A count of at least 1 (workers, ...)."""
    return _count_from(text, 1)


def count_from_zero(text: str) -> int:
    """A count that may be 0 (hints used, ...)."""
    return _count_from(text, 0)


def _count_from(text: str, least: int) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if count < least:
        raise argparse.ArgumentTypeError(
            f"must be at least 1, not {count}" if least == 1 else f"must be {least} or more, not {count}"
        )
    return count
