"""Review cards and logs in SQLite: the migration from schema 2, and a review that is either saved
whole or not at all when the process is killed in the middle of saving it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from fsrs import State

from studybuddy.storage import reviews
from studybuddy.storage.database import APPLICATION_ID, Database
from studybuddy.storage.schema import MIGRATIONS, SCHEMA_VERSION

T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def schema_2_database(path: Path) -> None:
    """The file the previous studybuddy (schema 2) left: two exercises answered, one twice."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        for statements in MIGRATIONS[:2]:
            for statement in statements:
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 2")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for exercise, correct, diagnosis, seconds in (
            ("sigmoid-prime", 0, "sign", 0),
            ("sigmoid-prime", 1, None, 60),
            ("max-slope", 1, None, 120),
        ):
            conn.execute(
                "INSERT INTO attempts (lesson_id, exercise_id, answer, correct, verdict, diagnosis, at) "
                "VALUES ('sigmoid-derivative', ?, 'x', ?, 'graded', ?, ?)",
                (exercise, correct, diagnosis, T0.timestamp() + seconds),
            )
    conn.close()


def test_a_schema_2_database_gets_a_card_for_every_exercise_answered_due_at_its_last_answer(
    tmp_path: Path,
) -> None:
    assert SCHEMA_VERSION >= 3
    path = tmp_path / "studybuddy.sqlite3"
    schema_2_database(path)
    with Database.open(path, now=T0) as database:
        assert database.schema_version == SCHEMA_VERSION and database.set_aside is None
        with database.read() as conn:
            prime = reviews.get_card(conn, "sigmoid-derivative", "sigmoid-prime")
            slope = reviews.get_card(conn, "sigmoid-derivative", "max-slope")
            attempts = conn.execute("SELECT count(*), count(diagnosis) FROM attempts").fetchone()
        assert attempts == (3, 1), "attempts and their diagnosis kept"
    assert prime is not None and slope is not None
    assert prime.card.is_new and prime.card.state == State.Learning and prime.card.stability is None
    assert prime.card.due == datetime.fromtimestamp(T0.timestamp() + 60, UTC), "due at its last answer"
    assert slope.card.due == datetime.fromtimestamp(T0.timestamp() + 120, UTC)


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import UTC, datetime
    from pathlib import Path

    from studybuddy.core.reviews.rating import Encounter, Try
    from studybuddy.services.reviews import ReviewService
    from studybuddy.storage.database import Database

    T0 = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)

    class Clock:
        def now(self):
            return T0

    class DieBeforeTheCard:
        # The connection, except that the process is killed as a card's new state is about to be
        # written: the review's log is written by then, in the same transaction.

        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            if sql.startswith("UPDATE cards"):
                os.kill(os.getpid(), signal.SIGKILL)
            return self.conn.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.conn, name)

    database = Database.open(Path(sys.argv[1]), now=T0)
    service = ReviewService(database, Clock())
    for number, exercise in enumerate(["a", "b", "a"]):
        if number == 2:  # the second review of "a"
            database._conn = DieBeforeTheCard(database._conn)
        proposal = service.propose("lesson", exercise, Encounter((Try(True, T0),)))
        service.save(proposal)
        print("saved", exercise, flush=True)
    """
)


def test_a_process_killed_while_saving_a_review_loses_nothing_saved_before_and_leaves_no_half(
    tmp_path: Path,
) -> None:
    path = tmp_path / "studybuddy.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.split("\n")[:2] == ["saved a", "saved b"]
    with Database.open(path, now=T0) as database:
        assert database.set_aside is None
        with database.read() as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            logs = conn.execute(
                "SELECT c.exercise_id, count(l.id), c.reps FROM cards c LEFT JOIN review_logs l "
                "USING (card_id) GROUP BY c.card_id ORDER BY c.exercise_id"
            ).fetchall()
    assert logs == [("a", 1, 1), ("b", 1, 1)], "each card's review count is its logs; the killed one is gone"


def test_after_the_kill_reviewing_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "studybuddy.sqlite3"
    subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, cwd=ROOT, timeout=120)
    from studybuddy.core.reviews.rating import Encounter, Try
    from studybuddy.services.reviews import ReviewService

    class Clock:
        def now(self) -> datetime:
            return T0

    with Database.open(path, now=T0) as database:
        service = ReviewService(database, Clock())
        proposal = service.propose("lesson", "a", Encounter((Try(True, T0),)))
        assert proposal is not None and proposal.card_reps == 1
        service.save(proposal)
        card = service.card("lesson", "a")
        assert card is not None and card.reps == 2
        assert json.loads(json.dumps([log.to_dict() for log in service.review_logs()]))[-1]["card_id"] == 1
