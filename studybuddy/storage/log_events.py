"""The events of the study log: what each holds, and how each is applied to the database.

The database is a cache of the logs (storage.event_log): every domain write is an event, applied here
both when it is made and when another machine's log arrives, so the two can never differ. Events refer
to each other by ids every machine knows (a session's ``uid``), never by a row number. Applying is
idempotent and does not depend on the order the logs arrive in:

- ``session``: the session's whole state (no heartbeats: those stay in the local database). The state
  with the newest (time, event id) wins, so two machines that both changed a session agree.
- ``attempt``, ``review``: inserted once by their event id; a reviewed card's state is set as
  storage.log_cards says, the same whatever order the reviews arrive in.
- ``lesson``: the lesson's latest opening and furthest step, whichever event says more.
- ``card``: a card never reviewed, from before reviews were logged.

A malformed event (a log edited by hand) raises BadEvent and is skipped by the caller.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from studybuddy.storage import log_cards
from studybuddy.storage.event_log import Event
from studybuddy.storage.sessions import from_seconds

_STATES = ("running", "paused", "finished", "stopped", "discarded")
_KINDS = ("new", "learning", "review")


class BadEvent(ValueError):
    pass


# ---- building events from what a service wrote ---------------------------------------------------------


def session_event(conn: sqlite3.Connection, event_id: str, session_id: int, at: float) -> Event:
    """The session's state as now stored, as an event made at ``at`` (Unix seconds)."""
    row = conn.execute(
        "SELECT uid, subject, lesson_id, planned_seconds, started_at, day, state, ended_at, studied_seconds "
        "FROM sessions WHERE id = ?",
        (session_id,),
    ).fetchone()
    uid, subject, lesson_id, planned, started, day, state, ended, studied = row
    pauses = conn.execute(
        "SELECT started_at, ended_at FROM pauses WHERE session_id = ? ORDER BY started_at", (session_id,)
    ).fetchall()
    return {
        "id": event_id,
        "type": "session",
        "at": at,
        "session": uid,
        "subject": subject,
        "lesson": lesson_id,
        "planned": planned,
        "started": started,
        "day": day,
        "state": state,
        "ended": ended,
        "studied": studied,
        "pauses": [list(pause) for pause in pauses],
    }


def name_session(conn: sqlite3.Connection, session_id: int, uid: str) -> None:
    """Give a session written before the log existed (and not migrated yet) the id its events carry."""
    conn.execute("UPDATE sessions SET uid = ? WHERE id = ? AND uid IS NULL", (uid, session_id))


def session_uid(conn: sqlite3.Connection, session_id: int | None) -> str | None:
    if session_id is None:
        return None
    row = conn.execute("SELECT uid FROM sessions WHERE id = ?", (session_id,)).fetchone()
    return None if row is None else row[0]


# ---- applying ------------------------------------------------------------------------------------------


def apply(conn: sqlite3.Connection, event: Event, touched: dict[int, Event] | None = None) -> None:
    """Apply one event (BadEvent when it is malformed; nothing is written then). ``touched``: in a
    batch, collect each reviewed card's newest review for ``settle_cards`` to set its state once."""
    kind = event.get("type")
    try:
        if kind == "session":
            _apply_session(conn, event)
        elif kind == "attempt":
            _apply_attempt(conn, event)
        elif kind == "lesson":
            _apply_lesson(conn, event)
        elif kind == "review":
            _apply_review(conn, event, touched)
        elif kind == "card":
            _apply_card(conn, event)
        else:
            raise BadEvent(f"unknown event type {kind!r}")
    except (sqlite3.IntegrityError, TypeError, ValueError, OverflowError) as error:
        # Each kind checks its event before its first write, so a bad one writes nothing; a
        # constraint the checks missed fails on that kind's first statement, written alone.
        raise BadEvent(str(error)) from error


def _apply_session(conn: sqlite3.Connection, event: Event) -> None:
    uid = _text(event, "session")
    at, event_id = _number(event, "at"), _text(event, "id")
    state = _text(event, "state")
    if state not in _STATES:
        raise BadEvent(f"unknown session state {state!r}")
    date.fromisoformat(_text(event, "day"))
    pauses = event.get("pauses")
    if not isinstance(pauses, list) or not all(
        isinstance(p, list) and len(p) == 2 and _is_number(p[0]) and (p[1] is None or _is_number(p[1]))
        for p in pauses
    ):
        raise BadEvent("a session's pauses are not a list of [start, end] times")
    values = (
        _text(event, "subject"),
        _optional_text(event, "lesson"),
        int(_number(event, "planned")),
        _number(event, "started"),
        event["day"],
        state,
        _optional_number(event, "ended"),
        _number(event, "studied"),
        at,
        event_id,
    )
    row = conn.execute("SELECT id, logged_at, logged_event FROM sessions WHERE uid = ?", (uid,)).fetchone()
    if row is not None and row[1] is not None and (at, event_id) <= (row[1], row[2] or ""):
        return  # a newer state is already here
    several = row is not None or bool(pauses)  # more than one statement: all or none
    if several:
        conn.execute("SAVEPOINT session_event")
    try:
        if row is None:
            session_id = conn.execute(
                "INSERT INTO sessions (subject, lesson_id, planned_seconds, started_at, day, state, "
                "ended_at, studied_seconds, logged_at, logged_event, uid, last_heartbeat_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, uid, at),
            ).lastrowid
        else:
            session_id = row[0]
            conn.execute(
                "UPDATE sessions SET subject = ?, lesson_id = ?, planned_seconds = ?, started_at = ?, "
                "day = ?, state = ?, ended_at = ?, studied_seconds = ?, logged_at = ?, logged_event = ?, "
                "last_heartbeat_at = max(last_heartbeat_at, ?) WHERE id = ?",
                (*values, at, session_id),
            )
            conn.execute("DELETE FROM pauses WHERE session_id = ?", (session_id,))
        if pauses:
            conn.executemany(
                "INSERT INTO pauses (session_id, started_at, ended_at) VALUES (?, ?, ?)",
                [(session_id, start, end) for start, end in pauses],
            )
    except BaseException:
        if several:
            conn.execute("ROLLBACK TO session_event")
        raise
    finally:
        if several:
            conn.execute("RELEASE session_event")


def _apply_attempt(conn: sqlite3.Connection, event: Event) -> None:
    session_id = _local_session(conn, _optional_text(event, "session"))
    correct, solution = bool(event.get("correct")), bool(event.get("solution"))
    wrong_lines = event.get("wrong_lines")
    if wrong_lines is not None and not (
        isinstance(wrong_lines, list) and all(isinstance(n, int) for n in wrong_lines)
    ):
        raise BadEvent("an attempt's wrong lines are not line numbers")
    seed = event.get("seed")
    if seed is not None and not isinstance(seed, int):
        raise BadEvent("an attempt's variant seed is not a number")
    cursor = conn.execute(
        "INSERT OR IGNORE INTO attempts (uid, lesson_id, exercise_id, answer, correct, verdict, diagnosis, "
        "at, session_id, hints_used, solution_seen, variant_seed, wrong_lines) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            _text(event, "id"),
            _text(event, "lesson"),
            _text(event, "exercise"),
            _text(event, "answer"),
            int(correct),
            _text(event, "verdict"),
            _optional_text(event, "diagnosis"),
            _number(event, "at"),
            session_id,
            int(_number(event, "hints")),
            int(solution),
            seed,
            None if wrong_lines is None else ",".join(str(line) for line in wrong_lines),
        ),
    )
    if cursor.rowcount == 1 and session_id is not None:
        column = "exercises_right" if correct and not solution else "exercises_wrong"
        conn.execute(
            f"UPDATE sessions SET exercises_tried = exercises_tried + 1, {column} = {column} + 1 "
            "WHERE id = ?",
            (session_id,),
        )


def _apply_lesson(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "INSERT INTO lesson_progress (lesson_id, last_opened_at, steps_revealed) VALUES (?, ?, ?) "
        "ON CONFLICT (lesson_id) DO UPDATE SET "
        "last_opened_at = max(last_opened_at, excluded.last_opened_at), "
        "steps_revealed = max(steps_revealed, excluded.steps_revealed)",
        (_text(event, "lesson"), _number(event, "at"), int(_number(event, "steps"))),
    )


def _apply_card(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO cards (lesson_id, exercise_id, due, created_at) VALUES (?, ?, ?, ?)",
        (_text(event, "lesson"), _text(event, "exercise"), _number(event, "due"), _number(event, "created")),
    )


def _apply_review(conn: sqlite3.Connection, event: Event, touched: dict[int, Event] | None) -> None:
    lesson_id, exercise_id = _text(event, "lesson"), _text(event, "exercise")
    at, event_id = _number(event, "at"), _text(event, "id")
    rating, proposed = int(_number(event, "rating")), int(_number(event, "proposed"))
    kind = _text(event, "kind")
    if kind not in _KINDS or not (1 <= rating <= 4 and 1 <= proposed <= 4):
        raise BadEvent("a review's rating or queue is not one studybuddy knows")
    duration = event.get("duration_ms")
    if duration is not None and not (isinstance(duration, int) and duration >= 0):
        raise BadEvent("a review's duration is not a number of milliseconds")
    date.fromisoformat(_text(event, "day"))
    if conn.execute("SELECT 1 FROM review_logs WHERE uid = ?", (event_id,)).fetchone():
        return
    row = conn.execute(
        "SELECT card_id, reps FROM cards WHERE lesson_id = ? AND exercise_id = ?", (lesson_id, exercise_id)
    ).fetchone()
    if row is None:
        made = conn.execute(
            "INSERT INTO cards (lesson_id, exercise_id, due, created_at) VALUES (?, ?, ?, ?)",
            (lesson_id, exercise_id, at, at),
        ).lastrowid
        assert made is not None
        card_id, reps = made, 0
    else:
        card_id, reps = row
    later = (
        touched is None
        and conn.execute(
            "SELECT 1 FROM review_logs WHERE card_id = ? AND (at > ? OR (at = ? AND uid > ?))",
            (card_id, at, at, event_id),
        ).fetchone()
    )
    conn.execute(
        "INSERT INTO review_logs (uid, card_id, rating, review_datetime, review_duration, at, day, kind, "
        "state_before, proposed, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event_id,
            card_id,
            rating,
            from_seconds(at).isoformat(),  # as FSRS's ReviewLog.to_dict() writes it
            duration,
            at,
            event["day"],
            kind,
            event.get("before") if event.get("before") in (1, 2, 3) else None,
            proposed,
            _local_session(conn, _optional_text(event, "session")),
        ),
    )
    if touched is not None:
        touched[card_id] = event  # applied in time order: the newest so far
    elif later:  # it arrived after reviews made later: replay the card's history in order
        log_cards.replay_cards(conn, [card_id])
    else:
        carried = log_cards.carried_card(event)
        if carried is not None and carried.reps == reps + 1:
            log_cards.store_card(conn, card_id, carried)
        else:
            log_cards.review_last(conn, card_id, lesson_id, exercise_id, rating, at, event_id)


def wipe(conn: sqlite3.Connection) -> None:
    """Empty every table the logs rebuild (before replaying them all)."""
    for table in ("review_logs", "cards", "attempts", "pauses", "sessions", "lesson_progress", "log_files"):
        conn.execute(f"DELETE FROM {table}")


def _local_session(conn: sqlite3.Connection, uid: str | None) -> int | None:
    if uid is None:
        return None
    row = conn.execute("SELECT id FROM sessions WHERE uid = ?", (uid,)).fetchone()
    return None if row is None else row[0]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(event: Event, key: str) -> float:
    value = event.get(key)
    if not _is_number(value):
        raise BadEvent(f"{key!r} is not a number")
    assert isinstance(value, int | float)
    return value


def _optional_number(event: Event, key: str) -> float | None:
    return None if event.get(key) is None else _number(event, key)


def _text(event: Event, key: str) -> str:
    value = event.get(key)
    if not isinstance(value, str):
        raise BadEvent(f"{key!r} is not text")
    return value


def _optional_text(event: Event, key: str) -> str | None:
    return None if event.get(key) is None else _text(event, key)
