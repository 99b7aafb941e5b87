"""Study session rows: the timer's state, its pauses, its heartbeat and owner, and what was done.

Functions take the connection of an open transaction (``Database.write()`` or ``read()``), so a
service can read, decide and write in one short transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from studybuddy.core.timer import Pause, TimerSession, TimerState
from studybuddy.storage.schema import COUNTED_STATES_SQL, OPEN_STATES_SQL

_COLUMNS = (
    "id, subject, lesson_id, planned_seconds, started_at, day, state, last_heartbeat_at, ended_at, "
    "studied_seconds, owner_pid, owner_host, exercises_tried, exercises_right, exercises_wrong"
)


@dataclass(frozen=True)
class Owner:
    """The process holding a session (showing its countdown, keeping its heartbeat), so others can tell
    a session whose process vanished from a live one. A session nobody holds has no owner."""

    pid: int
    host: str


@dataclass(frozen=True)
class SessionRecord:
    id: int
    subject: str
    lesson_id: str | None
    day: date  # the local date it started
    timer: TimerSession
    last_heartbeat_at: datetime
    studied_seconds: float  # as of the last write (heartbeat, release or end)
    owner: Owner | None  # None: no process holds it (released at an exit, or logged)
    exercises_tried: int = 0
    exercises_right: int = 0
    exercises_wrong: int = 0

    @property
    def state(self) -> TimerState:
        return self.timer.state

    @property
    def started_at(self) -> datetime:
        assert self.timer.started_at is not None
        return self.timer.started_at


def to_seconds(moment: datetime) -> float:
    return moment.timestamp()


def from_seconds(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def insert_session(
    conn: sqlite3.Connection,
    *,
    subject: str,
    lesson_id: str | None,
    day: date,
    timer: TimerSession,
    heartbeat: datetime,
    owner: Owner | None,
    studied_seconds: float = 0.0,
    uid: str | None = None,
) -> int:
    """``uid``: the id every machine knows the session by (None: not logged yet, see services.journal)."""
    assert timer.started_at is not None, "only a started timer is stored"
    cursor = conn.execute(
        "INSERT INTO sessions (subject, lesson_id, planned_seconds, started_at, day, state, "
        "last_heartbeat_at, ended_at, studied_seconds, owner_pid, owner_host, uid) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            subject,
            lesson_id,
            int(timer.planned.total_seconds()),
            to_seconds(timer.started_at),
            day.isoformat(),
            timer.state.value,
            to_seconds(heartbeat),
            None if timer.ended_at is None else to_seconds(timer.ended_at),
            studied_seconds,
            None if owner is None else owner.pid,
            None if owner is None else owner.host,
            uid,
        ),
    )
    session_id = cursor.lastrowid
    assert session_id is not None
    _write_pauses(conn, session_id, timer.pauses)
    return session_id


def save_timer(
    conn: sqlite3.Connection, session_id: int, timer: TimerSession, studied_seconds: float
) -> None:
    """Store a transition: state, end, time studied and the pauses."""
    conn.execute(
        "UPDATE sessions SET state = ?, ended_at = ?, studied_seconds = ? WHERE id = ?",
        (
            timer.state.value,
            None if timer.ended_at is None else to_seconds(timer.ended_at),
            studied_seconds,
            session_id,
        ),
    )
    conn.execute("DELETE FROM pauses WHERE session_id = ?", (session_id,))
    _write_pauses(conn, session_id, timer.pauses)


def beat(
    conn: sqlite3.Connection,
    session_id: int,
    at: datetime,
    studied_seconds: float,
    holder: Owner | None = None,
) -> None:
    """The session is alive at ``at``; ``holder``, the process that says so, now holds it (None: the
    holder stays as it is)."""
    conn.execute(
        f"UPDATE sessions SET last_heartbeat_at = max(last_heartbeat_at, ?), studied_seconds = ?, "
        f"owner_pid = coalesce(?, owner_pid), owner_host = coalesce(?, owner_host) "
        f"WHERE id = ? AND state IN {OPEN_STATES_SQL}",
        (
            to_seconds(at),
            studied_seconds,
            None if holder is None else holder.pid,
            None if holder is None else holder.host,
            session_id,
        ),
    )


def release(
    conn: sqlite3.Connection, session_id: int, holder: Owner, at: datetime, studied_seconds: float
) -> bool:
    """``holder`` lets go of the open session at ``at`` (its exit), storing the time studied; it stays
    open with no owner. False when ``holder`` no longer holds it (another process took it over)."""
    cursor = conn.execute(
        f"UPDATE sessions SET owner_pid = NULL, owner_host = NULL, studied_seconds = ?, "
        f"last_heartbeat_at = max(last_heartbeat_at, ?) "
        f"WHERE id = ? AND owner_pid = ? AND owner_host = ? AND state IN {OPEN_STATES_SQL}",
        (studied_seconds, to_seconds(at), session_id, holder.pid, holder.host),
    )
    return cursor.rowcount == 1


def get_session(conn: sqlite3.Connection, session_id: int) -> SessionRecord | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return None if row is None else _record(conn, row)


def open_sessions(conn: sqlite3.Connection) -> list[SessionRecord]:
    """Running or paused sessions, oldest first (normally none or one)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM sessions WHERE state IN {OPEN_STATES_SQL} ORDER BY started_at"
    ).fetchall()
    return [_record(conn, row) for row in rows]


def last_session(conn: sqlite3.Connection) -> SessionRecord | None:
    """The most recently started session that counts (not discarded)."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM sessions WHERE state IN {COUNTED_STATES_SQL} "
        "ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    return None if row is None else _record(conn, row)


def recent_subjects(conn: sqlite3.Connection, since: datetime, limit: int) -> list[str]:
    """The subjects of the sessions that count started since ``since``, each once (whatever its case,
    spelled as last time), the most recently studied first."""
    rows = conn.execute(
        f"SELECT subject, max(started_at) AS last FROM sessions WHERE state IN {COUNTED_STATES_SQL} "
        "AND started_at >= ? GROUP BY lower(subject) ORDER BY last DESC LIMIT ?",
        (to_seconds(since), limit),
    ).fetchall()
    return [subject for subject, _ in rows]


def sessions_on(conn: sqlite3.Connection, day: date) -> list[SessionRecord]:
    """The sessions of one local day that count, in the order they started."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM sessions WHERE state IN {COUNTED_STATES_SQL} AND day = ? "
        "ORDER BY started_at",
        (day.isoformat(),),
    ).fetchall()
    return [_record(conn, row) for row in rows]


def seconds_by_day(
    conn: sqlite3.Connection, start: date | None = None, end: date | None = None
) -> dict[date, float]:
    """Seconds studied per local day (days with sessions only), all time when no range is given."""
    low, high = _day_range(start, end)
    rows = conn.execute(
        f"SELECT day, sum(studied_seconds) FROM sessions WHERE state IN {COUNTED_STATES_SQL} "
        "AND day BETWEEN ? AND ? GROUP BY day",
        (low, high),
    )
    return {date.fromisoformat(day): seconds for day, seconds in rows}


def seconds_by_subject(
    conn: sqlite3.Connection, start: date | None = None, end: date | None = None
) -> dict[str, float]:
    low, high = _day_range(start, end)
    rows = conn.execute(
        f"SELECT subject, sum(studied_seconds) FROM sessions WHERE state IN {COUNTED_STATES_SQL} "
        "AND day BETWEEN ? AND ? GROUP BY subject",
        (low, high),
    )
    return dict(rows.fetchall())


def _day_range(start: date | None, end: date | None) -> tuple[str, str]:
    # ISO dates sort as text; these bounds lie outside any real date.
    return (
        "0000-00-00" if start is None else start.isoformat(),
        "9999-99-99" if end is None else end.isoformat(),
    )


def _write_pauses(conn: sqlite3.Connection, session_id: int, pauses: tuple[Pause, ...]) -> None:
    conn.executemany(
        "INSERT INTO pauses (session_id, started_at, ended_at) VALUES (?, ?, ?)",
        [
            (session_id, to_seconds(pause.start), None if pause.end is None else to_seconds(pause.end))
            for pause in pauses
        ],
    )


def _record(conn: sqlite3.Connection, row: tuple) -> SessionRecord:
    (
        session_id, subject, lesson_id, planned, started, day, state, heartbeat, ended,
        studied, owner_pid, owner_host, tried, right, wrong,
    ) = row  # fmt: skip
    pauses = tuple(
        Pause(from_seconds(start), None if end is None else from_seconds(end))
        for start, end in conn.execute(
            "SELECT started_at, ended_at FROM pauses WHERE session_id = ? ORDER BY started_at", (session_id,)
        )
    )
    timer = TimerSession(
        planned=timedelta(seconds=planned),
        state=TimerState(state),
        started_at=from_seconds(started),
        pauses=pauses,
        ended_at=None if ended is None else from_seconds(ended),
    )
    return SessionRecord(
        id=session_id,
        subject=subject,
        lesson_id=lesson_id,
        day=date.fromisoformat(day),
        timer=timer,
        last_heartbeat_at=from_seconds(heartbeat),
        studied_seconds=studied,
        owner=None if owner_pid is None else Owner(owner_pid, owner_host or ""),
        exercises_tried=tried,
        exercises_right=right,
        exercises_wrong=wrong,
    )
