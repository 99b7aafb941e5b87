"""Review cards and their review logs (schema 3), read inside the caller's transaction.

A card row is FSRS's state of one exercise's card, keyed by (lesson id, exercise id); a review log row
is FSRS's ReviewLog (card_id, rating, review_datetime, review_duration, as its to_dict() writes them)
plus what studybuddy needs for the daily caps and retention. Both are written only by applying the
log's review events (``log_events`` and ``log_cards``): the database is a cache of the logs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from fsrs import Rating, ReviewLog, State

from studybuddy.core.reviews.cards import CardState
from studybuddy.core.reviews.queue import DoneToday
from studybuddy.storage.sessions import from_seconds, to_seconds

_CARD_COLUMNS = "card_id, state, step, stability, difficulty, due, last_review, reps, lapses"


@dataclass(frozen=True)
class StoredCard:
    lesson_id: str
    exercise_id: str
    card_id: int
    card: CardState


def get_card(conn: sqlite3.Connection, lesson_id: str, exercise_id: str) -> StoredCard | None:
    row = conn.execute(
        f"SELECT {_CARD_COLUMNS} FROM cards WHERE lesson_id = ? AND exercise_id = ?", (lesson_id, exercise_id)
    ).fetchone()
    return None if row is None else StoredCard(lesson_id, exercise_id, row[0], _card(row[1:]))


ScheduleRow = tuple[int, str, str, int, float, int]  # card id, lesson, exercise, state, due (Unix s), reps
_SCHEDULE = "SELECT card_id, lesson_id, exercise_id, state, due, reps FROM cards"
_IN_STEPS = "(reps > 0 AND state != 2)"  # a learning or relearning step (minutes apart), see core.reviews


def card_generation(conn: sqlite3.Connection) -> int:
    """The newest card's id (0 with none). Cards are only ever added, never removed or re-keyed, so this
    names the set of (lesson, exercise) keys: what depends on the keys alone can be kept until it moves."""
    return int(conn.execute("SELECT coalesce(max(card_id), 0) FROM cards").fetchone()[0])


def card_keys(conn: sqlite3.Connection, after: int = 0) -> list[tuple[int, str, str]]:
    """The (id, lesson id, exercise id) of every card, or of those added after card ``after``."""
    return conn.execute(
        "SELECT card_id, lesson_id, exercise_id FROM cards WHERE card_id > ?", (after,)
    ).fetchall()


def cards_by_id(conn: sqlite3.Connection, card_ids: list[int]) -> list[ScheduleRow]:
    rows: list[ScheduleRow] = []
    for start in range(0, len(card_ids), 500):  # SQLite's limit on bound parameters
        chunk = card_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows += conn.execute(f"{_SCHEDULE} WHERE card_id IN ({marks}) ORDER BY due, card_id", chunk)
    return rows


def steps_due(conn: sqlite3.Connection, before: datetime) -> list[ScheduleRow]:
    """Cards in a learning step due before ``before``, the soonest due first."""
    return conn.execute(
        f"{_SCHEDULE} WHERE due < ? AND {_IN_STEPS} ORDER BY due, card_id", (to_seconds(before),)
    ).fetchall()


def reviews_due(conn: sqlite3.Connection, before: datetime) -> Iterator[ScheduleRow]:
    """Cards due on their day (not in a learning step) before ``before``, the most overdue first; read
    as the caller goes, so taking the first hundred of ten thousand reads a hundred."""
    return iter(
        conn.execute(
            f"{_SCHEDULE} WHERE due < ? AND NOT {_IN_STEPS} ORDER BY due, card_id", (to_seconds(before),)
        )
    )


def due_after(conn: sqlite3.Connection, after: datetime) -> Iterator[ScheduleRow]:
    """Cards due at or after ``after``, the soonest first (read as the caller goes)."""
    return iter(conn.execute(f"{_SCHEDULE} WHERE due >= ? ORDER BY due, card_id", (to_seconds(after),)))


def count_reviews_due(conn: sqlite3.Connection, before: datetime) -> int:
    row = conn.execute(f"SELECT count(*) FROM cards WHERE due < ? AND NOT {_IN_STEPS}", (to_seconds(before),))
    return int(row.fetchone()[0])


def due_per_day(conn: sqlite3.Connection, day_start: datetime, days: int) -> dict[int, int]:
    """How many cards come due on each day from ``day_start`` (a local midnight; days of 24 hours, as in
    the clock's fixed offset), by day number (0: that day, with everything overdue)."""
    start = to_seconds(day_start)
    rows = conn.execute(
        "SELECT CASE WHEN due < :start THEN 0 ELSE CAST((due - :start) / 86400 AS INTEGER) END AS day, "
        "count(*) FROM cards WHERE due < :end GROUP BY day",
        {"start": start, "end": start + 86400 * days},
    )
    return dict(rows.fetchall())


def mastered_count(conn: sqlite3.Connection, stability_days: float) -> int:
    return int(
        conn.execute("SELECT count(*) FROM cards WHERE stability >= ?", (stability_days,)).fetchone()[0]
    )


def stabilities(conn: sqlite3.Connection) -> dict[tuple[str, str], float | None]:
    rows = conn.execute("SELECT lesson_id, exercise_id, stability FROM cards")
    return {(lesson, exercise): stability for lesson, exercise, stability in rows}


def cards_by_state(conn: sqlite3.Connection) -> dict[str, int]:
    """How many cards are new (never reviewed), learning, in review, relearning."""
    counts = {"new": 0, "learning": 0, "review": 0, "relearning": 0}
    names = {1: "learning", 2: "review", 3: "relearning"}
    for state, reps, count in conn.execute(
        "SELECT state, reps > 0, count(*) FROM cards GROUP BY state, reps > 0"
    ):
        counts["new" if not reps else names[state]] += count
    return counts


def done_on(conn: sqlite3.Connection, day: date) -> DoneToday:
    counts = dict(
        conn.execute("SELECT kind, count(*) FROM review_logs WHERE day = ? GROUP BY kind", (day.isoformat(),))
    )
    return DoneToday(
        new=counts.get("new", 0), reviews=counts.get("review", 0), steps=counts.get("learning", 0)
    )


def reviews_on_days(conn: sqlite3.Connection, first: date, last: date) -> int:
    """Reviews saved on the local days ``first`` to ``last``."""
    row = conn.execute(
        "SELECT count(*) FROM review_logs WHERE day BETWEEN ? AND ?", (first.isoformat(), last.isoformat())
    ).fetchone()
    return int(row[0])


def review_ratings(
    conn: sqlite3.Connection, start: datetime, end: datetime
) -> list[tuple[State | None, Rating]]:
    """(the card's state before, the rating) of every review from ``start`` to before ``end``."""
    rows = conn.execute(
        "SELECT state_before, rating FROM review_logs WHERE at >= ? AND at < ? ORDER BY at",
        (to_seconds(start), to_seconds(end)),
    )
    return [(None if before is None else State(before), Rating(rating)) for before, rating in rows]


def review_logs(conn: sqlite3.Connection) -> list[ReviewLog]:
    """Every review in FSRS's own format, oldest first (what ``fsrs.Optimizer`` takes)."""
    rows = conn.execute(
        "SELECT card_id, rating, review_datetime, review_duration FROM review_logs ORDER BY at, id"
    )
    return [
        ReviewLog.from_dict(
            {"card_id": card_id, "rating": rating, "review_datetime": when, "review_duration": duration}
        )
        for card_id, rating, when, duration in rows
    ]


def _card(row: tuple) -> CardState:
    state, step, stability, difficulty, due, last_review, reps, lapses = row
    return CardState(
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_seconds(due),
        last_review=None if last_review is None else from_seconds(last_review),
        reps=reps,
        lapses=lapses,
    )
