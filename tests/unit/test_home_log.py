"""The study log (log/<machine>.jsonl) as the record of truth and the database as its cache: a deleted
database is rebuilt the same, an existing home's rows become its log once, a torn or bad line is
skipped, a line a crash left unapplied is applied, and reviews arriving in any order give one card."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fsrs import Rating

from studybuddy.core.reviews.rating import Encounter, Try
from studybuddy.services.context import StudyContext
from studybuddy.services.journal import Journal
from studybuddy.storage import event_log, log_events, sessions
from studybuddy.storage.database import Database
from studybuddy.storage.event_log import EventLog

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
LESSON = "sigmoid-derivative"


@dataclass
class FrozenClock:
    moment: datetime = T0

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture(autouse=True)
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)


def open_home(root: Path, clock: FrozenClock) -> StudyContext:
    context = StudyContext.open(str(root))
    context.clock = clock
    return context


def study(context: StudyContext, clock: FrozenClock, subject: str, exercise: str, right: bool) -> None:
    """A learner's hour as the app and the CLI make it: a session with a pause, a lesson, an answer and
    its review."""
    context.timer.start(subject=subject, minutes=60)
    context.progress.lesson_opened(LESSON, 3)
    clock.advance(minutes=10)
    context.timer.pause()
    clock.advance(minutes=2)
    context.timer.resume()
    context.progress.record_attempt(
        lesson_id=LESSON, exercise_id=exercise, answer="s*(1-s)", correct=right, verdict="proved equal"
    )
    proposal = context.reviews.propose(LESSON, exercise, Encounter((Try(right, clock.now()),)))
    assert proposal is not None
    context.reviews.save(proposal)
    clock.advance(minutes=20)
    context.timer.stop()


def seen(context: StudyContext) -> dict[str, Any]:
    """What the learner sees: the day's sessions, stats, each lesson's standing, review stats and cards."""
    day = T0.date()
    return {
        "sessions": sorted(
            (s.subject, s.state, s.studied_seconds, s.exercises_tried, s.exercises_right, len(s.timer.pauses))
            for s in context.timer.sessions_on(day)
        ),
        "stats": context.stats.report().to_json(),
        "lessons": [
            (s.lesson_id, s.steps_seen, s.attempts, s.right, s.mastered)
            for s in context.progress.lesson_standings(context.lessons)
        ],
        "reviews": context.reviews.stats().to_json(),
        "cards": {ex: context.reviews.card(LESSON, ex) for ex in ("symmetry", "sigmoid-prime", "dx")},
        "recent": [(p.lesson_id, p.steps_revealed) for p in context.progress.recent_lessons()],
    }


def delete_database(root: Path) -> None:
    for path in root.glob("studybuddy.sqlite3*"):
        path.unlink()


def test_every_write_is_one_line_in_this_machines_log(tmp_path: Path) -> None:
    clock = FrozenClock()
    context = open_home(tmp_path / "home", clock)
    study(context, clock, "calculus", "sigmoid-prime", right=True)
    files = EventLog(tmp_path / "home").files()
    assert [path.name for path in files] == [f"{context.journal.log.machine_id}.jsonl"]  # type: ignore[union-attr]
    types = [json.loads(line)["type"] for line in files[0].read_text().splitlines()]
    assert types == ["session", "lesson", "session", "session", "attempt", "review", "session"]


def test_a_deleted_database_is_rebuilt_from_the_log_showing_the_same(tmp_path: Path) -> None:
    clock = FrozenClock()
    context = open_home(tmp_path / "home", clock)
    study(context, clock, "calculus", "sigmoid-prime", right=True)
    clock.advance(hours=1)
    study(context, clock, "algebra", "symmetry", right=False)
    before = seen(context)
    assert len(before["sessions"]) == 2 and before["reviews"]["cards"]["learning"] == 2
    context.database.close()
    delete_database(tmp_path / "home")

    assert seen(open_home(tmp_path / "home", clock)) == before


def make_legacy(root: Path) -> None:
    """The home as a studybuddy from before the log left it: rows with no event ids, no log/."""
    with Database.open(root / "studybuddy.sqlite3", now=T0) as database, database.write() as conn:
        conn.execute("UPDATE sessions SET uid = NULL, logged_at = NULL, logged_event = NULL")
        conn.execute("UPDATE attempts SET uid = NULL")
        conn.execute("UPDATE review_logs SET uid = NULL")
        conn.execute("DELETE FROM log_files")
    shutil.rmtree(root / "log")


def test_an_existing_homes_rows_become_its_log_once_and_show_the_same(tmp_path: Path) -> None:
    clock = FrozenClock()
    root = tmp_path / "home"
    context = open_home(root, clock)
    study(context, clock, "calculus", "sigmoid-prime", right=True)
    study(context, clock, "algebra", "symmetry", right=False)
    context.database.close()
    with Database.open(root / "studybuddy.sqlite3", now=T0) as database, database.write() as conn:
        conn.execute(  # a card schema 3 made for an exercise answered before reviews existed
            "INSERT INTO cards (lesson_id, exercise_id, due, created_at) VALUES (?, 'dx', ?, ?)",
            (LESSON, T0.timestamp(), T0.timestamp()),
        )
    context = open_home(root, clock)
    before = seen(context)
    assert before["cards"]["dx"] is not None
    context.database.close()
    make_legacy(root)

    assert seen(open_home(root, clock)) == before
    lines = EventLog(root).files()[0].read_text().splitlines()
    assert len(lines) == 2 + 2 + 1 + 2 + 1  # sessions, attempts, the lesson, reviews, the unreviewed card
    assert seen(open_home(root, clock)) == before  # opened again: nothing added twice
    assert EventLog(root).files()[0].read_text().splitlines() == lines

    delete_database(root)  # and the log alone gives it all back
    assert seen(open_home(root, clock)) == before


def another_machines_line(root: Path, event: dict[str, Any]) -> Path:
    path = root / "log" / "0ther0machine.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as out:
        out.write(event_log.encode(event))
    return path


def lesson_event(event_id: str, lesson: str, steps: int) -> dict[str, Any]:
    return {"id": event_id, "type": "lesson", "at": T0.timestamp(), "lesson": lesson, "steps": steps}


def test_a_torn_last_line_is_left_until_it_ends_and_a_bad_line_is_skipped(tmp_path: Path) -> None:
    clock = FrozenClock()
    root = tmp_path / "home"
    path = another_machines_line(root, lesson_event("e1", "tanh", 2))
    with open(path, "ab") as out:
        out.write(b'{"id":"e2","type":"lesson","at":1,"lesson":"relu-fam')  # the machine died mid-write
    context = open_home(root, clock)
    assert [(p.lesson_id, p.steps_revealed) for p in context.progress.recent_lessons()] == [("tanh", 2)]

    with open(path, "ab") as out:  # its next write starts on a fresh line, leaving the torn one bad
        out.write(b"\n" + event_log.encode(lesson_event("e3", "softmax", 4)))
        out.write(b'["not an event"]\n{"id": "e4", "type": "session", "at": "soon"}\n')
    again = open_home(root, clock)
    assert {p.lesson_id for p in again.progress.recent_lessons()} == {"tanh", "softmax"}
    assert again.journal.catch_up().events == 0  # nothing left to apply, nothing raised


def test_this_machines_append_after_a_torn_line_starts_a_fresh_line(tmp_path: Path) -> None:
    log = EventLog(tmp_path)
    log.append(lesson_event("e1", "tanh", 1))
    with open(log.own_file, "ab") as out:
        out.write(b'{"id":"e2","ty')
    log.append(lesson_event("e3", "tanh", 2))
    chunk = event_log.read(log.own_file, 0)
    assert [event["id"] for event in chunk.events] == ["e1", "e3"] and chunk.skipped == 1


def test_a_line_a_crash_left_unapplied_is_applied_before_the_next_write(tmp_path: Path) -> None:
    clock = FrozenClock()
    root = tmp_path / "home"
    context = open_home(root, clock)
    context.progress.lesson_opened("tanh", 1)
    context.journal.log.append(lesson_event("crashed", "softmax", 3))  # type: ignore[union-attr]
    context.progress.lesson_opened("tanh", 2)
    assert {(p.lesson_id, p.steps_revealed) for p in context.progress.recent_lessons()} == {
        ("tanh", 2),
        ("softmax", 3),
    }


def review_event(event_id: str, minutes: float, rating: Rating) -> dict[str, Any]:
    at = T0 + timedelta(minutes=minutes)
    return {
        "id": event_id,
        "type": "review",
        "at": at.timestamp(),
        "lesson": LESSON,
        "exercise": "symmetry",
        "rating": int(rating),
        "proposed": int(rating),
        "duration_ms": None,
        "kind": "new",
        "day": at.date().isoformat(),
        "session": None,
    }


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_reviews_arriving_in_any_order_give_the_same_card(tmp_path: Path, order: tuple[int, ...]) -> None:
    events = [
        review_event("a", 0, Rating.Good),
        review_event("b", 30, Rating.Again),
        review_event("c", 60 * 24, Rating.Easy),
    ]
    expected_db = Database.open(tmp_path / "expected.sqlite3", now=T0)
    with expected_db.write() as conn:
        for event in events:
            Journal(expected_db).record(conn, event)
    database = Database.open(tmp_path / "shuffled.sqlite3", now=T0)
    for index in order:  # one at a time, as syncs bring them
        with database.write() as conn:
            Journal(database).record(conn, events[index])
    query = "SELECT state, step, stability, difficulty, due, reps, lapses FROM cards"
    with expected_db.read() as a, database.read() as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        states = "SELECT uid, state_before FROM review_logs ORDER BY uid"
        assert a.execute(states).fetchall() == b.execute(states).fetchall()


def test_one_exercise_reviewed_on_two_machines_since_the_last_sync_replays_both_reviews(
    tmp_path: Path,
) -> None:
    """Each machine's review left the card at one review; after exchanging logs, both hold FSRS's replay
    of the two, the same on both (not the state either review carried)."""
    homes = []
    for name, minutes in (("laptop", 0), ("desktop", 90)):
        clock = FrozenClock(T0 + timedelta(minutes=minutes))
        context = open_home(tmp_path / name, clock)
        proposal = context.reviews.propose(LESSON, "symmetry", Encounter((Try(True, clock.now()),)))
        assert proposal is not None
        context.reviews.save(proposal, Rating.Good if minutes else Rating.Hard)
        homes.append((tmp_path / name, clock, context))
    for (root, _, _), (other, _, _) in ((homes[0], homes[1]), (homes[1], homes[0])):
        for path in EventLog(other).files():
            shutil.copy(path, root / "log" / path.name)  # what a pull brings
    cards = []
    for root, clock, context in homes:
        context.database.close()
        cards.append(open_home(root, clock).reviews.card(LESSON, "symmetry"))
    assert cards[0] == cards[1]
    assert cards[0] is not None and cards[0].reps == 2


def test_a_line_holding_unicode_line_separators_reads_back_whole(tmp_path: Path) -> None:
    log = EventLog(tmp_path)
    typed = "s\u2028(1 - s)\u0085\u000b"  # separators str.splitlines would break a line at
    log.append({**lesson_event("e1", "tanh", 1), "answer": typed})
    chunk = event_log.read(log.own_file, 0)
    assert [event.get("answer") for event in chunk.events] == [typed] and chunk.skipped == 0


def session_state(event_id: str, minutes: float, state: str, pauses: list[list[float]]) -> dict[str, Any]:
    start = T0.timestamp()
    return {
        "id": event_id,
        "type": "session",
        "at": start + 60 * minutes,
        "session": "s1",
        "subject": "calculus",
        "lesson": None,
        "planned": 3600,
        "started": start,
        "day": T0.date().isoformat(),
        "state": state,
        "ended": None,
        "studied": 60.0 * minutes,
        "pauses": pauses,
    }


@pytest.mark.parametrize("first_pauses", [[], [[T0.timestamp() + 60, T0.timestamp() + 120]]])
def test_a_session_state_that_cannot_be_stored_leaves_the_one_before_whole(
    tmp_path: Path, first_pauses: list[list[float]]
) -> None:
    database = Database.open(tmp_path / "studybuddy.sqlite3", now=T0)
    moment = T0.timestamp() + 300
    with database.write() as conn:
        Journal(database).record(conn, session_state("e1", 5, "running", first_pauses))
    with database.write() as conn, pytest.raises(log_events.BadEvent):
        log_events.apply(conn, session_state("e2", 10, "paused", [[moment, None], [moment, None]]))
    with database.read() as conn:
        record = sessions.get_session(conn, 1)
    assert (
        record is not None
        and record.state.value == "running"
        and len(record.timer.pauses) == len(first_pauses)
    )
