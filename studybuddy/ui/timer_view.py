"""What the timer bar shows, computed from the timer service's status without any I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from studybuddy.core.time_left import clock_text

TimerState = Literal["idle", "running", "paused", "finished"]
SHOWN_STATES: tuple[TimerState, ...] = ("idle", "running", "paused", "finished")


def shown_state(state: str) -> TimerState:
    """A session's state as the bar shows it: one that is over (stopped, discarded) shows as idle."""
    return next((shown for shown in SHOWN_STATES if shown == state), "idle")


@dataclass(frozen=True)
class TimerView:
    """A snapshot of the countdown for display; ``remaining`` and ``planned`` are in seconds."""

    state: TimerState = "idle"
    subject: str = ""
    remaining: float = 0.0
    planned: float = 0.0

    @property
    def fraction_done(self) -> float:
        if self.planned <= 0:
            return 0.0
        return min(1.0, max(0.0, 1.0 - self.remaining / self.planned))

    @property
    def clock_text(self) -> str:
        """``42:07`` or ``1:00:00``: as the shell's countdown says it (``core.time_left``)."""
        return clock_text(self.remaining)


IDLE = TimerView()
