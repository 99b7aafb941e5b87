"""Session rows, pauses, attempts and lesson progress as stored, and the queries stats rely on."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from studybuddy.core.timer import TimerSession, TimerState
from studybuddy.storage import log_events, progress, sessions
from studybuddy.storage.database import Database
from studybuddy.storage.sessions import Owner, to_seconds

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def database(tmp_path: Path):
    with Database.open(tmp_path / "studybuddy.sqlite3", now=T0) as database:
        yield database


def store(database: Database, subject: str, day: date, timer: TimerSession, studied: float = 0.0) -> int:
    with database.write() as conn:
        return sessions.insert_session(
            conn,
            subject=subject,
            lesson_id=None,
            day=day,
            timer=timer,
            heartbeat=timer.started_at,
            owner=Owner(123, "laptop"),
            studied_seconds=studied,
        )


def test_a_session_reads_back_exactly_as_stored_pauses_included(database: Database) -> None:
    timer = TimerSession(HOUR).start(T0).pause(T0 + timedelta(minutes=10)).resume(T0 + timedelta(minutes=12))
    session_id = store(database, "calculus", T0.date(), timer.pause(T0 + timedelta(minutes=20)))
    with database.read() as conn:
        record = sessions.get_session(conn, session_id)
    assert record is not None
    assert record.timer == timer.pause(T0 + timedelta(minutes=20))
    assert (record.subject, record.day, record.owner) == ("calculus", T0.date(), Owner(123, "laptop"))


def test_saving_a_transition_replaces_state_end_and_pauses(database: Database) -> None:
    timer = TimerSession(HOUR).start(T0).pause(T0 + timedelta(minutes=5))
    session_id = store(database, "calculus", T0.date(), timer)
    stopped = timer.stop(T0 + timedelta(minutes=30))
    with database.write() as conn:
        sessions.save_timer(conn, session_id, stopped, 300.0)
    with database.read() as conn:
        record = sessions.get_session(conn, session_id)
        assert record is not None and record.timer == stopped and record.studied_seconds == 300.0
        assert sessions.open_sessions(conn) == []


def test_a_heartbeat_never_moves_back_and_never_touches_an_ended_session(database: Database) -> None:
    session_id = store(database, "calculus", T0.date(), TimerSession(HOUR).start(T0))
    with database.write() as conn:
        sessions.beat(conn, session_id, T0 + timedelta(minutes=5), 300)
        sessions.beat(conn, session_id, T0 + timedelta(minutes=4), 240)  # a late, out-of-order beat
    with database.read() as conn:
        record = sessions.get_session(conn, session_id)
    assert record is not None and record.last_heartbeat_at == T0 + timedelta(minutes=5)
    ended = store(database, "algebra", T0.date(), TimerSession(HOUR).start(T0).stop(T0 + HOUR / 2), 1800)
    with database.write() as conn:
        sessions.beat(conn, ended, T0 + HOUR, 9999)
        assert sessions.get_session(conn, ended).studied_seconds == 1800  # type: ignore[union-attr]


def test_minutes_by_day_and_subject_count_every_state_but_discarded(database: Database) -> None:
    day1, day2 = date(2025, 7, 5), date(2025, 7, 6)
    store(database, "calculus", day1, TimerSession(HOUR).start(T0).settle(T0 + HOUR), 3600)
    store(database, "algebra", day1, TimerSession(HOUR).start(T0).stop(T0 + HOUR / 4), 900)
    store(database, "algebra", day2, TimerSession(HOUR).start(T0), 600)  # running: counts so far
    store(database, "algebra", day2, TimerSession(HOUR).start(T0).discarded(), 3000)
    store(database, "algebra", date(2025, 7, 9), TimerSession(HOUR).start(T0).stop(T0 + HOUR), 3600)
    with database.read() as conn:
        assert sessions.seconds_by_day(conn, day1, day2) == {day1: 4500, day2: 600}
        assert sessions.seconds_by_subject(conn, day1, day2) == {"calculus": 3600, "algebra": 1500}
        assert len(sessions.seconds_by_day(conn)) == 3  # all time


def test_the_last_session_skips_discarded_ones(database: Database) -> None:
    store(database, "calculus", T0.date(), TimerSession(HOUR).start(T0).stop(T0 + HOUR / 2))
    store(database, "algebra", T0.date(), TimerSession(HOUR).start(T0 + HOUR).discarded())
    with database.read() as conn:
        last = sessions.last_session(conn)
    assert last is not None and last.subject == "calculus" and last.state is TimerState.STOPPED


def test_attempt_events_feed_mastery_and_count_in_their_session(database: Database) -> None:
    session_id = store(database, "ml", T0.date(), TimerSession(HOUR).start(T0))
    with database.write() as conn:
        log_events.name_session(conn, session_id, "session-1")
        for minute, correct in ((1, False), (2, True)):
            event = {
                "id": f"attempt-{minute}",
                "type": "attempt",
                "at": to_seconds(T0 + timedelta(minutes=minute)),
                "session": "session-1",
                "lesson": "sigmoid",
                "exercise": "e1",
                "answer": "s*(1-s)" if correct else "s*(1+s)",
                "correct": correct,
                "verdict": "proved equal" if correct else "different",
                "diagnosis": None if correct else "sign error",
                "hints": 0,
            }
            log_events.apply(conn, event)
            log_events.apply(conn, event)  # a line read twice (a sync applying it again) counts once
    with database.read() as conn:
        outcomes = progress.attempt_outcomes(conn, "sigmoid")
        record = sessions.get_session(conn, session_id)
    assert [outcome.correct for outcome in outcomes] == [False, True]
    assert record is not None
    assert (record.exercises_tried, record.exercises_right, record.exercises_wrong) == (2, 1, 1)


def test_recent_lessons_come_newest_first_and_steps_revealed_never_go_back(database: Database) -> None:
    with database.write() as conn:
        for n, (lesson, minute, steps) in enumerate(
            (("sigmoid", 0, 3), ("softmax", 5, 1), ("sigmoid", 9, 1))
        ):
            at = to_seconds(T0 + timedelta(minutes=minute))
            log_events.apply(
                conn, {"id": f"l{n}", "type": "lesson", "at": at, "lesson": lesson, "steps": steps}
            )
    with database.read() as conn:
        recent = progress.recent_lessons(conn, limit=5)
    assert [(item.lesson_id, item.steps_revealed) for item in recent] == [("sigmoid", 3), ("softmax", 1)]
    assert recent[0].last_opened_at == T0 + timedelta(minutes=9)
