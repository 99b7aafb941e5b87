"""The study timer as a pure state machine: idle -> running <-> paused -> finished / stopped.

Every method takes the moment it happens (``now``) and returns a new, immutable ``TimerSession``;
nothing here reads a clock, so the same rules serve the CLI, the TUI, recovery and the tests.
Elapsed time excludes pauses and never exceeds the planned length.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from studybuddy.core.errors import StudybuddyError

ZERO = timedelta(0)


class TimerError(StudybuddyError):
    """An action that does not fit the timer's state, e.g. pausing a timer that is not running."""


class TimerState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"  # ran its planned length
    STOPPED = "stopped"  # ended early; the time studied still counts
    DISCARDED = "discarded"  # an interrupted session the user chose not to count

    @property
    def is_open(self) -> bool:
        return self in (TimerState.RUNNING, TimerState.PAUSED)


class KeepUntil(StrEnum):
    """How much of an interrupted session to keep."""

    HEARTBEAT = "heartbeat"  # up to the last moment it was known running
    PLANNED_END = "planned_end"  # as if it had run to its planned end (never past "now")


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None = None  # None while the pause lasts

    def length(self, until: datetime) -> timedelta:
        """How much of this pause lies before ``until``."""
        end = until if self.end is None else min(self.end, until)
        return max(ZERO, end - self.start)


@dataclass(frozen=True)
class TimerSession:
    planned: timedelta
    state: TimerState = TimerState.IDLE
    started_at: datetime | None = None
    pauses: tuple[Pause, ...] = ()
    ended_at: datetime | None = None

    # ---- transitions ------------------------------------------------------------------------------

    def start(self, now: datetime) -> TimerSession:
        if self.state is not TimerState.IDLE:
            raise TimerError(f"the timer has already started (it is {self.state})")
        if self.planned <= ZERO:
            raise TimerError("a study session must last at least a minute")
        return replace(self, state=TimerState.RUNNING, started_at=now)

    def pause(self, now: datetime) -> TimerSession:
        settled = self.settle(now)
        if settled.state is not TimerState.RUNNING:
            raise TimerError(_cannot("pause", settled.state))
        return replace(settled, state=TimerState.PAUSED, pauses=(*settled.pauses, Pause(now)))

    def resume(self, now: datetime) -> TimerSession:
        if self.state is not TimerState.PAUSED:
            raise TimerError(_cannot("resume", self.state))
        return replace(self, state=TimerState.RUNNING, pauses=self._pauses_closed_at(now))

    def stop(self, now: datetime) -> TimerSession:
        """End now, keeping the time studied (finished instead if the planned time is already up)."""
        if not self.state.is_open:
            raise TimerError(_cannot("stop", self.state))
        settled = self.settle(now)
        return settled._ended_at(now) if settled.state.is_open else settled

    def settle(self, now: datetime) -> TimerSession:
        """A running timer whose planned time is up becomes finished, at the moment it was up."""
        if self.state is TimerState.RUNNING:
            due = self.due_at()
            if due is not None and now >= due:
                return self._ended_at(due)
        return self

    def recovered(self, keep_until: KeepUntil, last_heartbeat: datetime, now: datetime) -> TimerSession:
        """Close a session its process left open (killed, terminal closed, reboot)."""
        if not self.state.is_open:
            raise TimerError(_cannot("recover", self.state))
        known_until = min(max(last_heartbeat, self._started()), now)
        if keep_until is KeepUntil.HEARTBEAT:
            settled = self.settle(known_until)  # it may have been due before its last heartbeat
            return settled._ended_at(known_until) if settled.state.is_open else settled
        # As if it ran on from the last known moment: a pause still open then ends there.
        running = replace(self, state=TimerState.RUNNING, pauses=self._pauses_closed_at(known_until))
        return running._ended_at(min(running.due_at() or now, now))

    def resumed_after_interruption(self, last_heartbeat: datetime, now: datetime) -> TimerSession:
        """Carry on a session its process left open, from ``now``: the time after its last heartbeat
        (nobody knows whether it was studied) is a pause, so what is left is what was left then."""
        if not self.state.is_open:
            raise TimerError(_cannot("resume", self.state))
        known_until = min(max(last_heartbeat, self._started()), now)
        settled = self.settle(known_until)
        if not settled.state.is_open:
            raise TimerError(
                "cannot resume: the session had run its planned length before it was interrupted; keep it"
            )
        kept = settled._pauses_closed_at(known_until)
        if settled.state is TimerState.PAUSED:  # the pause it was in lasts until now
            kept = (*kept[:-1], Pause(kept[-1].start, now))
        elif now > known_until:
            kept = (*kept, Pause(known_until, now))
        return replace(settled, state=TimerState.RUNNING, pauses=kept)

    def discarded(self) -> TimerSession:
        if not self.state.is_open:
            raise TimerError(_cannot("discard", self.state))
        return replace(self, state=TimerState.DISCARDED)

    # ---- measurements -----------------------------------------------------------------------------

    def elapsed(self, now: datetime) -> timedelta:
        """Time studied: from the start to the end (or now), minus pauses, at most the planned length."""
        if self.started_at is None:
            return ZERO
        until = self.ended_at if self.ended_at is not None else now
        paused = sum((pause.length(until) for pause in self.pauses), ZERO)
        return min(self.planned, max(ZERO, until - self.started_at - paused))

    def remaining(self, now: datetime) -> timedelta:
        return self.planned - self.elapsed(now)

    def progress(self, now: datetime) -> float:
        """The fraction of the planned time studied, 0.0 to 1.0."""
        return self.elapsed(now) / self.planned if self.planned > ZERO else 0.0

    def due_at(self) -> datetime | None:
        """When a running timer reaches its planned length; None unless it is running."""
        if self.state is not TimerState.RUNNING or self.started_at is None:
            return None
        paused = sum((pause.length(pause.end or pause.start) for pause in self.pauses), ZERO)
        return self.started_at + self.planned + paused

    # ---- helpers ----------------------------------------------------------------------------------

    def _started(self) -> datetime:
        assert self.started_at is not None, "an open session always has a start"
        return self.started_at

    def _pauses_closed_at(self, moment: datetime) -> tuple[Pause, ...]:
        """Pauses as of ``moment``: an open one closes there; any starting after it never happened."""
        kept = (pause for pause in self.pauses if pause.start < moment)
        return tuple(pause if pause.end is not None else Pause(pause.start, moment) for pause in kept)

    def _ended_at(self, moment: datetime) -> TimerSession:
        closed = replace(self, pauses=self._pauses_closed_at(moment), ended_at=moment)
        done = closed.elapsed(moment) >= self.planned
        return replace(closed, state=TimerState.FINISHED if done else TimerState.STOPPED)


def _cannot(action: str, state: TimerState) -> str:
    if state is TimerState.IDLE:
        return f"cannot {action}: the timer has not started"
    if state.is_open:
        return f"cannot {action}: the timer is {state}"
    return f"cannot {action}: the session has already ended ({state})"
