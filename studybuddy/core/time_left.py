"""How much of a session is left, in the words the app's timer bar, the shell's countdown and every
message use, so the two never disagree. Rounded up throughout: a countdown never promises less time
than is left, and 0:00 means the time is up."""

from __future__ import annotations

import math

WORDS_FROM = 10 * 60  # seconds; from here up, a sentence says whole minutes ("43 min")


def clock_text(seconds: float) -> str:
    """``42:07`` or ``1:00:00``: the time left on the clock, to the second, rounded up."""
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def time_left_text(seconds: float) -> str:
    """For a sentence ("..., 43 min left"): whole minutes rounded up, and the last ten minutes to the
    second ("1:56", never "1 min" with nearly two to go)."""
    if seconds >= WORDS_FROM:
        return f"{math.ceil(seconds / 60)} min"
    return clock_text(seconds)
