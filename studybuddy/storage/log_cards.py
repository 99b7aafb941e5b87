"""Review cards as the study log rebuilds them: the state FSRS gives a card from its reviews.

A review event carries the state it left its card in (``card_fields``). That state is taken as it is
when the review followed every other review of the card (the card's count of reviews is the one it
carries); otherwise (two machines reviewed the card since their last sync, or a review arrived after
later ones) the card is FSRS's replay of all its reviews in time order, then event id, which every
machine computes alike. Functions work inside the caller's write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from studybuddy.storage.event_log import Event
from studybuddy.storage.sessions import from_seconds


def card_seed(lesson_id: str, exercise_id: str) -> str:
    """What fixes a card's FSRS fuzz: its identity (the same on every machine)."""
    return f"{lesson_id}\x1f{exercise_id}"


def settle_cards(conn: sqlite3.Connection, touched: dict[int, Event]) -> None:
    """After a batch: each card a review came in for takes the state its newest review carries when that
    review followed every other one (its count of reviews is the card's), else FSRS's replay."""
    for card_id, newest in touched.items():
        count, last = conn.execute(
            "SELECT count(*), (SELECT uid FROM review_logs WHERE card_id = :card ORDER BY at DESC, uid DESC "
            "LIMIT 1) FROM review_logs WHERE card_id = :card",
            {"card": card_id},
        ).fetchone()
        carried = carried_card(newest)
        if last == newest["id"] and carried is not None and carried.reps == count:
            store_card(conn, card_id, carried)
        else:
            replay_cards(conn, [card_id])


def card_fields(card: Any) -> dict[str, Any]:
    """A card's FSRS state as a review event carries it (the state that review left it in)."""
    return {
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due.timestamp(),
        "last_review": card.last_review.timestamp(),
        "reps": card.reps,
        "lapses": card.lapses,
    }


def carried_card(event: Event) -> Any:
    """The card state a review event carries (None: none, or not a well-formed one)."""
    fields = event.get("card")
    if not isinstance(fields, dict):
        return None
    from fsrs import State

    from studybuddy.core.reviews.cards import CardState

    try:
        number = fields["state"]
        step, stability, difficulty = fields["step"], fields["stability"], fields["difficulty"]
        if not (
            number in (1, 2, 3)
            and (step is None or isinstance(step, int))
            and all(v is None or is_number(v) for v in (stability, difficulty))
            and is_number(fields["due"])
            and is_number(fields["last_review"])
            and isinstance(fields["reps"], int)
            and isinstance(fields["lapses"], int)
        ):
            return None
        return CardState(
            state=State(number),
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=from_seconds(fields["due"]),
            last_review=from_seconds(fields["last_review"]),
            reps=fields["reps"],
            lapses=fields["lapses"],
        )
    except (KeyError, ValueError, OverflowError, OSError):
        return None


def replay_cards(conn: sqlite3.Connection, card_ids: Iterable[int]) -> None:
    """Each card's state as FSRS's replay of its reviews in time order (then event id)."""
    from studybuddy.core.reviews.cards import CardState, review

    for card_id in card_ids:
        lesson_id, exercise_id = conn.execute(
            "SELECT lesson_id, exercise_id FROM cards WHERE card_id = ?", (card_id,)
        ).fetchone()
        card = CardState()
        seed = card_seed(lesson_id, exercise_id)
        logs = conn.execute(
            "SELECT id, rating, at FROM review_logs WHERE card_id = ? ORDER BY at, uid", (card_id,)
        ).fetchall()
        if not logs:
            continue
        for log_id, rating, at in logs:
            before = None if card.is_new else int(card.state)
            conn.execute("UPDATE review_logs SET state_before = ? WHERE id = ?", (before, log_id))
            card = review(card, _rating(rating), from_seconds(at), seed)
        store_card(conn, card_id, card)


def review_last(
    conn: sqlite3.Connection, card_id: int, lesson_id: str, exercise_id: str, rating: int, at: float, uid: str
) -> None:
    """The newest review of a card: one FSRS step from its stored state (what a replay would give)."""
    from studybuddy.core.reviews.cards import review
    from studybuddy.storage.reviews import get_card

    stored = get_card(conn, lesson_id, exercise_id)
    assert stored is not None
    card = stored.card
    conn.execute(
        "UPDATE review_logs SET state_before = ? WHERE uid = ?",
        (None if card.is_new else int(card.state), uid),
    )
    store_card(
        conn, card_id, review(card, _rating(rating), from_seconds(at), card_seed(lesson_id, exercise_id))
    )


def store_card(conn: sqlite3.Connection, card_id: int, card: Any) -> None:
    assert card.due is not None and card.last_review is not None
    conn.execute(
        "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, last_review = ?, "
        "reps = ?, lapses = ? WHERE card_id = ?",
        (
            int(card.state),
            card.step,
            card.stability,
            card.difficulty,
            card.due.timestamp(),
            card.last_review.timestamp(),
            card.reps,
            card.lapses,
            card_id,
        ),
    )


def _rating(value: int) -> Any:
    from fsrs import Rating

    return Rating(value)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
