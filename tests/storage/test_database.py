"""The SQLite store: WAL, migrations, write transactions, backups, and damaged or foreign files."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studybuddy.storage.database import (
    APPLICATION_ID,
    BUSY_ATTEMPTS,
    Database,
    DatabaseError,
    DatabaseTooNewError,
)
from studybuddy.storage.schema import SCHEMA_VERSION

NOW = datetime(2025, 7, 6, 9, 30, tzinfo=UTC)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    diary = tmp_path / "diary"
    diary.mkdir()
    (diary / "2025-07-05.md").write_text("# Saturday\nbackprop by hand\n", encoding="utf-8")
    return tmp_path


def diary_snapshot(home: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((home / "diary").iterdir())}


def add_row(database: Database, subject: str = "calculus") -> None:
    with database.write() as conn:
        conn.execute(
            "INSERT INTO sessions (subject, planned_seconds, started_at, day, state, last_heartbeat_at) "
            "VALUES (?, 3600, 0, '2025-07-06', 'running', 0)",
            (subject,),
        )


def count_rows(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM sessions").fetchone()[0]


def test_a_new_database_is_in_wal_mode_with_a_busy_timeout_and_the_latest_schema(home: Path) -> None:
    with Database.open(home / "studybuddy.sqlite3", now=NOW) as database, database.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # each of BUSY_ATTEMPTS tries waits its share of the busy timeout: seconds in all
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] * BUSY_ATTEMPTS >= 5000
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert database.schema_version == SCHEMA_VERSION


def test_reopening_keeps_the_data_and_migrates_nothing_twice(home: Path) -> None:
    path = home / "studybuddy.sqlite3"
    with Database.open(path, now=NOW) as database:
        add_row(database)
    with Database.open(path, now=NOW) as database:
        assert database.set_aside is None
        assert database.schema_version == SCHEMA_VERSION
    assert count_rows(path) == 1


def test_a_failed_write_leaves_nothing_behind(home: Path) -> None:
    path = home / "studybuddy.sqlite3"
    with Database.open(path, now=NOW) as database, pytest.raises(RuntimeError), database.write():
        add_row_in = database._conn  # the same transaction
        add_row_in.execute(
            "INSERT INTO sessions (subject, planned_seconds, started_at, day, state, last_heartbeat_at) "
            "VALUES ('x', 60, 0, '2025-07-06', 'running', 0)"
        )
        raise RuntimeError("crash halfway")
    assert count_rows(path) == 0


def test_a_busy_begin_immediate_is_retried_until_the_other_writer_lets_go(home: Path) -> None:
    path = home / "studybuddy.sqlite3"
    Database.open(path, now=NOW).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    waits: list[float] = []

    def wait_then_release(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            other.execute("COMMIT")

    database = Database.open(path, now=NOW, busy_timeout=0.001, sleep=wait_then_release)
    add_row(database)
    database.close()
    other.close()
    assert len(waits) == 2 and waits[1] > waits[0]  # backed off, then got through
    assert count_rows(path) == 1


def test_a_writer_that_never_lets_go_gives_a_clear_message_not_database_is_locked(home: Path) -> None:
    path = home / "studybuddy.sqlite3"
    Database.open(path, now=NOW).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(DatabaseError) as raised:
        add_row(Database.open(path, now=NOW, busy_timeout=0.001, sleep=lambda seconds: None))
    other.close()
    assert "busy" in str(raised.value) and "locked" not in str(raised.value)


def test_a_database_from_a_newer_studybuddy_is_left_alone(home: Path) -> None:
    path = home / "studybuddy.sqlite3"
    Database.open(path, now=NOW).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DatabaseTooNewError, match="newer studybuddy"):
        Database.open(path, now=NOW)
    assert path.exists() and not list(home.glob("*.corrupt-*"))


def test_backup_is_a_complete_consistent_copy(home: Path) -> None:
    with Database.open(home / "studybuddy.sqlite3", now=NOW) as database:
        for _ in range(3):
            add_row(database)
        target = home / "backups" / "copy.sqlite3"
        database.backup(target)
        add_row(database)  # later writes do not reach the backup
    assert count_rows(target) == 3
    assert not list(target.parent.glob(".*partial*"))


def test_backup_through_the_service_names_the_file_by_time(home: Path) -> None:
    from studybuddy.services.backup import backup_database

    with Database.open(home / "studybuddy.sqlite3", now=NOW) as database:
        add_row(database)
        target = backup_database(database, home / "backups", NOW)
    assert target.name == "studybuddy-20250706T093000.sqlite3"
    assert count_rows(target) == 1


def corrupt_pages(path: Path) -> None:
    """Keep the header, overwrite the rest: a file damaged by a disk or a bad sync."""
    data = bytearray(path.read_bytes())
    data[100:] = b"\xde\xad\xbe\xef" * ((len(data) - 100) // 4 + 1)
    path.write_bytes(bytes(data[: len(path.read_bytes())]))


def make_damaged(home: Path) -> bytes:
    path = home / "studybuddy.sqlite3"
    with Database.open(path, now=NOW) as database:
        add_row(database)
    assert not (home / "studybuddy.sqlite3-wal").exists()  # closing folded the WAL into the file
    corrupt_pages(path)
    return path.read_bytes()


def make_text_file(home: Path) -> bytes:
    data = b"these are my notes, not a database\n" * 50
    (home / "studybuddy.sqlite3").write_bytes(data)
    return data


def make_other_apps_database(home: Path) -> bytes:
    path = home / "studybuddy.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE bookmarks (url TEXT)")
        conn.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("make_bad_file", [make_damaged, make_text_file, make_other_apps_database])
def test_an_unusable_file_is_kept_aside_and_a_fresh_database_made_without_touching_the_diary(
    home: Path, make_bad_file
) -> None:
    before = diary_snapshot(home)
    original = make_bad_file(home)
    database = Database.open(home / "studybuddy.sqlite3", now=NOW)
    assert database.set_aside is not None
    kept = database.set_aside.kept_as
    assert kept.name == "studybuddy.sqlite3.corrupt-20250706T093000"
    assert kept.read_bytes() == original
    message = database.set_aside.message()
    assert "could not be used" in message and kept.name in message and "diary is untouched" in message
    add_row(database)  # the fresh one works
    database.close()
    assert count_rows(home / "studybuddy.sqlite3") == 1
    assert diary_snapshot(home) == before


def test_a_second_damaged_file_at_the_same_second_does_not_overwrite_the_first(home: Path) -> None:
    make_text_file(home)
    Database.open(home / "studybuddy.sqlite3", now=NOW).close()
    make_text_file(home)
    second = Database.open(home / "studybuddy.sqlite3", now=NOW)
    assert second.set_aside is not None and second.set_aside.kept_as.name.endswith("-2")
    second.close()
    assert len(list(home.glob("studybuddy.sqlite3.corrupt-*"))) == 2


def test_damage_found_while_working_is_reported_and_the_file_set_aside_at_the_next_start(home: Path) -> None:
    path = home / "studybuddy.sqlite3"
    with Database.open(path, now=NOW) as database:
        for number in range(200):
            add_row(database, f"subject {number}")
        with database.read() as conn:
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'sessions'").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = page_size * (root - 1)  # the sessions table's root page; the schema's pages are left whole
    data[start : start + page_size] = b"\xde\xad\xbe\xef" * (page_size // 4)
    path.write_bytes(bytes(data))

    database = Database.open(path, now=NOW)  # the schema page is fine: not noticed yet
    damaged = r"is damaged .* run studybuddy again to set it aside"
    with pytest.raises(DatabaseError, match=damaged), database.read() as conn:
        conn.execute("SELECT sum(planned_seconds) FROM sessions").fetchall()
    database.close()

    again = Database.open(path, now=NOW)
    assert again.set_aside is not None and again.set_aside.kept_as.read_bytes() == bytes(data)
    again.close()


def test_a_folder_where_the_database_should_be_is_named_and_left_alone(home: Path) -> None:
    (home / "studybuddy.sqlite3").mkdir()
    with pytest.raises(DatabaseError, match="is a folder, not a database file"):
        Database.open(home / "studybuddy.sqlite3", now=NOW)
    assert (home / "studybuddy.sqlite3").is_dir()
