"""A study session as of one moment, as the countdown, `timer status`, the dashboard and the diary show
it (and as ``--json`` writes it). Built by the TimerService from stored rows; holds no logic of its own
beyond what follows from the row and the moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from studybuddy.core.timer import TimerSession, TimerState
from studybuddy.storage.sessions import SessionRecord


@dataclass(frozen=True)
class SessionView:
    """A session as of one moment: what the countdown, `timer status` and the dashboard show."""

    id: int
    subject: str
    lesson_id: str | None
    day: date
    state: str
    planned_seconds: int
    studied_seconds: float
    remaining_seconds: float
    progress: float
    started_at: datetime
    ended_at: datetime | None
    last_heartbeat_at: datetime
    owner_pid: int | None
    interrupted: bool
    exercises_tried: int
    exercises_right: int
    exercises_wrong: int
    timer: TimerSession

    @classmethod
    def of(cls, record: SessionRecord, now: datetime, interrupted: bool = False) -> SessionView:
        # An interrupted session's time is what its last heartbeat recorded, not "until now"; any other
        # counts on the clock, and one past its planned end shows as finished there, stored yet or not.
        timer = record.timer if interrupted else record.timer.settle(now)
        studied = record.studied_seconds if interrupted else timer.elapsed(now).total_seconds()
        planned = int(timer.planned.total_seconds())
        return cls(
            id=record.id,
            subject=record.subject,
            lesson_id=record.lesson_id,
            day=record.day,
            state=timer.state.value,
            planned_seconds=planned,
            studied_seconds=studied,
            remaining_seconds=max(0.0, planned - studied),
            progress=min(1.0, studied / planned),
            started_at=record.started_at,
            ended_at=timer.ended_at,
            last_heartbeat_at=record.last_heartbeat_at,
            owner_pid=record.owner.pid if record.owner else None,
            interrupted=interrupted,
            exercises_tried=record.exercises_tried,
            exercises_right=record.exercises_right,
            exercises_wrong=record.exercises_wrong,
            timer=timer,
        )

    @property
    def is_open(self) -> bool:
        return TimerState(self.state).is_open

    def remaining_at(self, now: datetime) -> float:
        """Seconds left at ``now`` (for a countdown redrawn between reads)."""
        return self.timer.remaining(now).total_seconds()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "lesson_id": self.lesson_id,
            "day": self.day.isoformat(),
            "state": self.state,
            "interrupted": self.interrupted,
            "planned_seconds": self.planned_seconds,
            "studied_seconds": round(self.studied_seconds, 3),
            "remaining_seconds": round(self.remaining_seconds, 3),
            "progress": round(self.progress, 4),
            "started_at": self.started_at.isoformat(),
            "ended_at": None if self.ended_at is None else self.ended_at.isoformat(),
            "last_heartbeat_at": self.last_heartbeat_at.isoformat(),
            "owner_pid": self.owner_pid,
            "exercises": {
                "tried": self.exercises_tried,
                "right": self.exercises_right,
                "wrong": self.exercises_wrong,
            },
        }


@dataclass(frozen=True)
class TimerStatus:
    session: SessionView | None  # the live (running or paused) session, if any
    interrupted: tuple[SessionView, ...]

    @property
    def state(self) -> str:
        return "idle" if self.session is None else self.session.state

    @property
    def subject(self) -> str | None:
        return None if self.session is None else self.session.subject

    @property
    def planned_seconds(self) -> int:
        return 0 if self.session is None else self.session.planned_seconds

    def remaining_at(self, now: datetime) -> float:
        return 0.0 if self.session is None else self.session.remaining_at(now)

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "session": None if self.session is None else self.session.to_json(),
            "interrupted": [view.to_json() for view in self.interrupted],
        }
