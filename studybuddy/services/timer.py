"""The study timer as the CLI and the TUI use it: a session is a row, not a process.

A session is its stored start, pauses and planned length, so it counts on the clock whether or not a
process shows it: quitting the app or closing the terminal of `timer start` leaves it running (or
paused), and any shell or a reopened app sees it as it stands. The row is committed before ``start``
returns; a running session that reaches its planned end is finished there, by whichever call sees it
first (a heartbeat, any action, ``status``).

The process showing a session *holds* it (its owner): it calls ``heartbeat`` at least every
``HEARTBEAT_INTERVAL`` while the session is open, paused included, which keeps the time studied on
disk, and it ``release``s the session when it exits in any way it lives to see (a quit, SIGTERM,
SIGHUP, an unhandled exception). A session whose holder vanished without a word (SIGKILL, a power
cut, a reboot) cannot be known to be still running, since the learner may have gone with it: it is
*interrupted* once that is known (same host, pid no longer alive) or its heartbeat is older than
``STALE_AFTER`` (holder on another host, a reused pid), and never counts as live: the user keeps it
(up to its last heartbeat or its planned end) or discards it. A session nobody holds is never
interrupted.
Every action reads, decides (core.timer) and writes in one short transaction.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta

from studybuddy.core.clock import Clock
from studybuddy.core.rotation import SubjectChoice, subject_choice
from studybuddy.core.time_left import time_left_text
from studybuddy.core.timer import KeepUntil, TimerError, TimerSession, TimerState
from studybuddy.services.journal import Journal, new_event_id
from studybuddy.services.session_view import SessionView, TimerStatus
from studybuddy.storage import log_events
from studybuddy.storage import sessions as rows
from studybuddy.storage.database import Database, DatabaseError
from studybuddy.storage.sessions import Owner, SessionRecord

HEARTBEAT_INTERVAL = timedelta(seconds=5)
STALE_AFTER = 4 * HEARTBEAT_INTERVAL
MAX_MINUTES = 24 * 60
HISTORY = timedelta(days=14)  # without a rotation in the config, the subjects of these days' sessions
HISTORY_SUBJECTS = 8  # at most this many of them
SETTLE_WAIT = 0.5  # seconds `status` waits for the write lock to store a session that ended unseen


class InterruptedSessionError(TimerError):
    """A session a crash left open must be kept or discarded before a new one starts."""

    def __init__(self, message: str, sessions: Sequence[SessionView]) -> None:
        super().__init__(message)
        self.sessions = tuple(sessions)


def process_is_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would terminate it there; rely on the heartbeat's age instead
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user's process
    return True


def this_process() -> Owner:
    return Owner(os.getpid(), host_name())


def host_name() -> str:
    """The machine's name, as socket.gethostname() says it (importing socket costs `timer status` a
    tenth of its time; POSIX's uname gives the same name)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


class TimerService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        default_minutes: int = 60,
        rotation: Sequence[str] = (),
        owner: Owner | None = None,
        is_alive: Callable[[int], bool] = process_is_alive,
        journal: Journal | None = None,
    ) -> None:
        """``journal``: where each change of a session is logged (default: the database alone)."""
        self.database = database
        self.journal = journal or Journal(database)
        self.clock = clock
        self.default_minutes = default_minutes
        self.rotation = tuple(rotation)
        self.owner = owner or this_process()
        self._is_alive = is_alive

    # ---- the session's life -----------------------------------------------------------------------

    def start(self, *, subject: str, minutes: int | None = None, lesson_id: str | None = None) -> SessionView:
        """Start a session; the row is committed before this returns."""
        subject = _named(subject, "name the subject you are studying")
        length = _length(self.default_minutes if minutes is None else minutes)
        now = self.clock.now()
        with self.database.write() as conn:
            self._settle_due(conn, now)
            live, stuck = self._open_sessions(conn, now)
            if live is not None:
                raise TimerError(
                    f"a session is already {live.state}: {live.subject}, "
                    f"{time_left_text(live.remaining_seconds)} left; stop it first (studybuddy timer stop)"
                )
            if stuck:
                raise InterruptedSessionError(
                    f"an interrupted session ({stuck[0].subject}, started {_when(stuck[0].started_at)}) "
                    "must be resumed, kept or discarded first (studybuddy timer recover resume|keep|discard)",
                    stuck,
                )
            timer = TimerSession(length).start(now)
            session_id = rows.insert_session(
                conn,
                subject=subject,
                lesson_id=lesson_id,
                day=now.date(),
                timer=timer,
                heartbeat=now,
                owner=self.owner,
                uid=new_event_id(),
            )
            self._log(conn, session_id, now)
            record = rows.get_session(conn, session_id)
        assert record is not None
        return SessionView.of(record, now)

    def heartbeat(self, session_id: int | None = None, *, wait: float | None = None) -> SessionView | None:
        """Record that the session is alive and how long has been studied; finishes it when due.
        This process now holds it (a reopened app takes over a session an earlier one let go of).
        Returns the session as it now stands (another shell may have paused or stopped it).

        ``wait``: at most this long for another process's write lock (a countdown stays live and
        tries again at its next beat); DatabaseError when the write cannot be made (busy, disk full)."""
        now = self.clock.now()
        with self.database.write(wait=wait) as conn:
            record = self._find(conn, session_id, now)
            if record is None:
                return None
            record = self._settle(conn, record, now)
            if record.state.is_open:
                rows.beat(conn, record.id, now, record.timer.elapsed(now).total_seconds(), self.owner)
                record = rows.get_session(conn, record.id) or record
        return SessionView.of(record, now)

    def release(self) -> SessionView | None:
        """At this process's exit: let go of the session it holds, storing the time studied so far. The
        session goes on running (or stays paused) with no process showing it. Returns it as released,
        or None when this process holds none (none open, or another process took it over)."""
        now = self.clock.now()
        released: SessionView | None = None
        with self.database.write() as conn:
            for record in rows.open_sessions(conn):
                if record.owner != self.owner:
                    continue
                record = self._settle(conn, record, now)
                studied = record.timer.elapsed(now).total_seconds()
                if record.state.is_open and rows.release(conn, record.id, self.owner, now, studied):
                    released = SessionView.of(rows.get_session(conn, record.id) or record, now)
        return released

    def finish(self, session_id: int | None = None) -> SessionView | None:
        """Close the session if its planned time is up (a no-op before then)."""
        return self.heartbeat(session_id)

    def pause(self) -> SessionView:
        return self._transition(lambda timer, now: timer.pause(now))

    def resume(self) -> SessionView:
        return self._transition(lambda timer, now: timer.resume(now))

    def stop(self) -> SessionView:
        """End the live session now, keeping the time studied."""
        return self._transition(lambda timer, now: timer.stop(now))

    def log(
        self, *, subject: str, minutes: int, day: date | None = None, lesson_id: str | None = None
    ) -> SessionView:
        """Record a session studied away from the timer (on paper, on a walk): finished, ``minutes`` long,
        ending now when ``day`` is today, else starting at noon that day."""
        length = _length(minutes)
        subject = _named(subject, "name the subject you studied")
        now = self.clock.now()
        day = day or now.date()
        if day > now.date():
            raise TimerError(f"{day} is in the future; log time you have already studied")
        start = now - length if day == now.date() else datetime.combine(day, time(12), now.tzinfo)
        timer = TimerSession(length).start(start).settle(start + length)  # finished, full length
        with self.database.write() as conn:
            session_id = rows.insert_session(
                conn,
                subject=subject,
                lesson_id=lesson_id,
                day=day,
                timer=timer,
                heartbeat=start + length,
                owner=None,
                studied_seconds=length.total_seconds(),
                uid=new_event_id(),
            )
            self._log(conn, session_id, now)
            record = rows.get_session(conn, session_id)
        assert record is not None
        return SessionView.of(record, now)

    # ---- interrupted sessions ---------------------------------------------------------------------

    def interrupted(self) -> list[SessionView]:
        now = self.clock.now()
        with self.database.read() as conn:
            return list(self._open_sessions(conn, now)[1])

    def recover(self, session_id: int, keep_until: str = KeepUntil.HEARTBEAT) -> SessionView:
        """Close an interrupted session: keep it up to its last heartbeat ("heartbeat") or its planned
        end ("planned_end"), or "discard" it (the row stays, marked discarded, and never counts); or
        "resume" it (``resume_interrupted``, held by no process: the next to show it takes it)."""
        if keep_until == "discard":
            return self.discard(session_id)
        if keep_until == "resume":
            return self.resume_interrupted(session_id, hold=False)
        try:
            policy = KeepUntil("heartbeat" if keep_until == "keep" else keep_until)
        except ValueError:
            raise TimerError(
                f"keep an interrupted session until 'heartbeat' or 'planned_end', not {keep_until!r}"
            ) from None
        return self._close_interrupted(
            session_id, lambda record, now: record.timer.recovered(policy, record.last_heartbeat_at, now)
        )

    def resume_interrupted(self, session_id: int, *, hold: bool = True) -> SessionView:
        """Carry on an interrupted session from now, running: the time since its last heartbeat is a
        pause. ``hold``: this process shows it (and beats for it); else nobody holds it, and it counts
        on the clock until a countdown or the app shows it."""
        now = self.clock.now()
        with self.database.write() as conn:
            record = self._interrupted_record(conn, session_id, now)
            live = self._open_sessions(conn, now)[0]
            if live is not None:
                raise TimerError(
                    f"cannot resume the session of {record.subject}: {live.subject} is {live.state}; "
                    "stop it first (studybuddy timer stop)"
                )
            timer = record.timer.resumed_after_interruption(record.last_heartbeat_at, now)
            studied = timer.elapsed(now).total_seconds()
            rows.save_timer(conn, session_id, timer, studied)
            self._log(conn, session_id, now)
            rows.beat(conn, session_id, now, studied, self.owner)
            if not hold:
                rows.release(conn, session_id, self.owner, now, studied)
            record = rows.get_session(conn, session_id) or record
        return SessionView.of(record, now)

    def discard(self, session_id: int) -> SessionView:
        return self._close_interrupted(session_id, lambda record, now: record.timer.discarded())

    # ---- reading ----------------------------------------------------------------------------------

    def status(self) -> TimerStatus:
        now = self.clock.now()
        with self.database.read() as conn:
            live, stuck = self._open_sessions(conn, now)
            due = self._due(conn, now)
        if due:  # it ended while no process showed it: store the end, for stats and the next start
            # Best effort: the answer is what was read, whether or not the end can be stored now
            # (another process holding the write lock, a full disk); the next reader stores it.
            with contextlib.suppress(DatabaseError), self.database.write(wait=SETTLE_WAIT) as conn:
                self._settle_due(conn, now)
        return TimerStatus(live, tuple(stuck))

    def session(self, session_id: int) -> SessionView:
        now = self.clock.now()
        with self.database.read() as conn:
            record = rows.get_session(conn, session_id)
            if record is None:
                raise TimerError(f"there is no session {session_id}")
            return SessionView.of(record, now, self._is_interrupted(record, now))

    def last_session(self) -> SessionView | None:
        """The most recent session that counts: the live one, or the last one ended."""
        now = self.clock.now()
        with self.database.read() as conn:
            record = rows.last_session(conn)
            return None if record is None else SessionView.of(record, now, self._is_interrupted(record, now))

    def sessions_on(self, day: date) -> list[SessionView]:
        """The day's sessions that count (for the diary: what was studied beside what was written)."""
        now = self.clock.now()
        with self.database.read() as conn:
            return [
                SessionView.of(record, now, self._is_interrupted(record, now))
                for record in rows.sessions_on(conn, day)
            ]

    def subject_choice(self, after: str | None = None) -> SubjectChoice:
        """The last session's subject (or ``after``, a session just ended) and the next in the rotation:
        the config's, or else the subjects of the last ``HISTORY_DAYS`` days' sessions."""
        now = self.clock.now()
        with self.database.read() as conn:
            if after is None:
                last = rows.last_session(conn)
                after = last.subject if last else None
            recent = [] if self.rotation else rows.recent_subjects(conn, now - HISTORY, HISTORY_SUBJECTS)
        return subject_choice(self.rotation, recent, after)

    def suggest_subject(self, after: str | None = None) -> str | None:
        """The next subject in the rotation after ``after`` (default: the last session's)."""
        return self.subject_choice(after).next

    def changed_elsewhere(self, seen: int | None) -> tuple[int, TimerStatus | None]:
        """For a process showing the timer: ``seen`` is what the last call returned first. The status
        when another process (`timer pause` in a shell) has written since then, else None; either way
        the token to pass next time."""
        version = self.database.data_version()
        return version, (None if version == seen else self.status())

    def live_session_id(self) -> int | None:
        """The live session's id, for attaching exercise attempts to it."""
        session = self.status().session
        return None if session is None else session.id

    # ---- internals --------------------------------------------------------------------------------

    def _log(self, conn: sqlite3.Connection, session_id: int, now: datetime) -> None:
        """Log the session's state as just written (heartbeats are not logged: they stay local)."""
        log_events.name_session(conn, session_id, new_event_id())  # a row from before the log
        self.journal.record(conn, log_events.session_event(conn, new_event_id(), session_id, now.timestamp()))

    def _is_interrupted(self, record: SessionRecord, now: datetime) -> bool:
        owner = record.owner
        if not record.state.is_open or owner is None:  # nobody holds it: it counts on the clock
            return False
        if owner.host == self.owner.host:
            if owner.pid == self.owner.pid:
                return False
            if not self._is_alive(owner.pid):
                return True
        return now - record.last_heartbeat_at > STALE_AFTER

    def _open_sessions(
        self, conn: sqlite3.Connection, now: datetime
    ) -> tuple[SessionView | None, list[SessionView]]:
        """(the live session, the interrupted ones)."""
        live: SessionView | None = None
        stuck: list[SessionView] = []
        for record in rows.open_sessions(conn):
            if self._is_interrupted(record, now):
                stuck.append(SessionView.of(record, now, interrupted=True))
            elif record.timer.settle(now).state.is_open:  # a due one is over, whether stored yet or not
                live = SessionView.of(record, now)
        return live, stuck

    def _find(self, conn: sqlite3.Connection, session_id: int | None, now: datetime) -> SessionRecord | None:
        if session_id is not None:
            return rows.get_session(conn, session_id)
        self._settle_due(conn, now)  # a session that ended unseen is not the one to act on
        for record in rows.open_sessions(conn):
            if not self._is_interrupted(record, now):
                return record
        return None

    def _settle(self, conn: sqlite3.Connection, record: SessionRecord, now: datetime) -> SessionRecord:
        settled = record.timer.settle(now)
        if settled is record.timer:
            return record
        rows.save_timer(conn, record.id, settled, settled.elapsed(now).total_seconds())
        self._log(conn, record.id, now)
        return rows.get_session(conn, record.id) or record

    def _due(self, conn: sqlite3.Connection, now: datetime) -> list[SessionRecord]:
        """Live sessions past their planned end but still stored as running."""
        return [
            record
            for record in rows.open_sessions(conn)
            if not self._is_interrupted(record, now) and record.timer.settle(now) is not record.timer
        ]

    def _settle_due(self, conn: sqlite3.Connection, now: datetime) -> None:
        for record in self._due(conn, now):
            self._settle(conn, record, now)

    def _transition(self, change: Callable[[TimerSession, datetime], TimerSession]) -> SessionView:
        now = self.clock.now()
        with self.database.write() as conn:
            record = self._find(conn, None, now)
            if record is None:
                raise TimerError(self._nothing_running(conn, now))
            record = self._settle(conn, record, now)
            timer = change(record.timer, now)
            rows.save_timer(conn, record.id, timer, timer.elapsed(now).total_seconds())
            self._log(conn, record.id, now)
            record = rows.get_session(conn, record.id) or record
        return SessionView.of(record, now)

    def _close_interrupted(
        self, session_id: int, close: Callable[[SessionRecord, datetime], TimerSession]
    ) -> SessionView:
        now = self.clock.now()
        with self.database.write() as conn:
            record = self._interrupted_record(conn, session_id, now)
            timer = close(record, now)
            discarded = timer.state is TimerState.DISCARDED
            studied = record.studied_seconds if discarded else timer.elapsed(now).total_seconds()
            rows.save_timer(conn, session_id, timer, studied)
            self._log(conn, session_id, now)
            record = rows.get_session(conn, session_id) or record
        return SessionView.of(record, now)

    def _interrupted_record(self, conn: sqlite3.Connection, session_id: int, now: datetime) -> SessionRecord:
        record = rows.get_session(conn, session_id)
        if record is None:
            raise TimerError(f"there is no session {session_id}")
        if not record.state.is_open:
            raise TimerError(f"session {session_id} has already ended ({record.state})")
        if not self._is_interrupted(record, now):
            raise TimerError(f"session {session_id} is still live; stop it with `studybuddy timer stop`")
        return record

    def _nothing_running(self, conn: sqlite3.Connection, now: datetime) -> str:
        stuck = self._open_sessions(conn, now)[1]
        if stuck:
            return (
                f"no session is running; an interrupted one ({stuck[0].subject}) can be resumed, kept or "
                "discarded with `studybuddy timer recover resume|keep|discard`"
            )
        return "no session is running (start one with `studybuddy timer start`)"


def _named(subject: str, missing: str) -> str:
    """The subject with its whitespace tidied; ``missing`` is the error when nothing is left."""
    subject = " ".join(subject.split())
    if not subject:
        raise TimerError(missing)
    return subject


def _length(minutes: int) -> timedelta:
    if not 1 <= minutes <= MAX_MINUTES:
        raise TimerError(f"a session lasts 1 to {MAX_MINUTES} minutes, not {minutes}")
    return timedelta(minutes=minutes)


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
