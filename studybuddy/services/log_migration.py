"""An existing home's rows, written before the study log existed, as this machine's first log events.

Each row gets an id made from the machine's id and its row number (so running this twice, after a
crash, names the same events and nothing is doubled), and the row takes that id, as if it had been
logged when it was written. Run by ``Journal.catch_up`` inside its write transaction.
"""

from __future__ import annotations

import sqlite3

from studybuddy.storage import log_events
from studybuddy.storage.event_log import Event


def legacy_events(conn: sqlite3.Connection, machine: str) -> list[Event]:
    """The events of every row not yet logged (in time order), their ids stored on the rows."""
    first_time = conn.execute("SELECT 1 FROM log_files LIMIT 1").fetchone() is None
    events = [*_sessions(conn, machine), *_attempts(conn, machine), *_reviews(conn, machine)]
    if first_time:
        events += _lessons(conn, machine) + _unreviewed_cards(conn, machine)
    return sorted(events, key=lambda event: (event["at"], event["id"]))


def _sessions(conn: sqlite3.Connection, machine: str) -> list[Event]:
    events = []
    rows = conn.execute(
        "SELECT id, coalesce(ended_at, last_heartbeat_at) FROM sessions WHERE uid IS NULL ORDER BY id"
    ).fetchall()
    for session_id, at in rows:
        uid = f"{machine}-session-{session_id}"
        event_id = f"{uid}-state"
        conn.execute(
            "UPDATE sessions SET uid = ?, logged_at = ?, logged_event = ? WHERE id = ?",
            (uid, at, event_id, session_id),
        )
        events.append(log_events.session_event(conn, event_id, session_id, at))
    return events


def _attempts(conn: sqlite3.Connection, machine: str) -> list[Event]:
    events = []
    rows = conn.execute(
        "SELECT a.id, a.lesson_id, a.exercise_id, a.answer, a.correct, a.verdict, a.diagnosis, a.at, s.uid, "
        "a.hints_used, a.solution_seen, a.variant_seed, a.wrong_lines FROM attempts a "
        "LEFT JOIN sessions s ON s.id = a.session_id WHERE a.uid IS NULL ORDER BY a.id"
    ).fetchall()
    for (
        attempt_id,
        lesson,
        exercise,
        answer,
        correct,
        verdict,
        diagnosis,
        at,
        session,
        hints,
        solution,
        seed,
        wrong,
    ) in rows:
        event_id = f"{machine}-attempt-{attempt_id}"
        conn.execute("UPDATE attempts SET uid = ? WHERE id = ?", (event_id, attempt_id))
        events.append(
            {
                "id": event_id,
                "type": "attempt",
                "at": at,
                "session": session,
                "lesson": lesson,
                "exercise": exercise,
                "answer": answer,
                "correct": bool(correct),
                "verdict": verdict,
                "diagnosis": diagnosis,
                "hints": hints,
                "solution": bool(solution),
                "seed": seed,
                "wrong_lines": None if wrong is None else [int(n) for n in wrong.split(",") if n],
            }
        )
    return events


def _reviews(conn: sqlite3.Connection, machine: str) -> list[Event]:
    events = []
    rows = conn.execute(
        "SELECT r.id, c.lesson_id, c.exercise_id, r.rating, r.proposed, r.review_duration, r.kind, r.day, "
        "r.at, s.uid, r.state_before FROM review_logs r JOIN cards c ON c.card_id = r.card_id "
        "LEFT JOIN sessions s ON s.id = r.session_id WHERE r.uid IS NULL ORDER BY r.id"
    ).fetchall()
    for log_id, lesson, exercise, rating, proposed, duration, kind, day, at, session, before in rows:
        event_id = f"{machine}-review-{log_id}"
        conn.execute("UPDATE review_logs SET uid = ? WHERE id = ?", (event_id, log_id))
        events.append(
            {
                "id": event_id,
                "type": "review",
                "at": at,
                "lesson": lesson,
                "exercise": exercise,
                "rating": rating,
                "proposed": proposed,
                "duration_ms": duration,
                "kind": kind,
                "day": day,
                "session": session,
                "before": before,
            }
        )
    return events


def _lessons(conn: sqlite3.Connection, machine: str) -> list[Event]:
    rows = conn.execute(
        "SELECT lesson_id, last_opened_at, steps_revealed FROM lesson_progress ORDER BY lesson_id"
    )
    return [
        {"id": f"{machine}-lesson-{lesson}", "type": "lesson", "at": at, "lesson": lesson, "steps": steps}
        for lesson, at, steps in rows
    ]


def _unreviewed_cards(conn: sqlite3.Connection, machine: str) -> list[Event]:
    """Cards made for exercises answered before reviews existed, never reviewed since."""
    rows = conn.execute(
        "SELECT card_id, lesson_id, exercise_id, due, created_at FROM cards c "
        "WHERE NOT EXISTS (SELECT 1 FROM review_logs r WHERE r.card_id = c.card_id) ORDER BY card_id"
    )
    return [
        {
            "id": f"{machine}-card-{card_id}",
            "type": "card",
            "at": created,
            "lesson": lesson,
            "exercise": exercise,
            "due": due,
            "created": created,
        }
        for card_id, lesson, exercise, due, created in rows
    ]
