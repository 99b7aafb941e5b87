"""The SQLite store in the study home, safe with several studybuddy processes at once.

WAL lets readers run beside a writer. Every write is a short ``BEGIN IMMEDIATE`` transaction: the write
lock is taken up front, so two writers queue instead of deadlocking halfway, and ``busy_timeout`` makes
the second one wait rather than fail. A bounded retry covers the few cases where SQLite reports
SQLITE_BUSY without waiting. ``synchronous=NORMAL`` is SQLite's recommended WAL setting: never corrupt,
and only a power cut (not a crash, kill or clean reboot) can lose the last commits.

A file that is damaged, or is not a studybuddy database at all, is never written to: it is renamed
aside (``studybuddy.sqlite3.corrupt-<timestamp>``) and a fresh database made; ``Database.set_aside``
says so, for the caller to tell the user. Nothing outside the database's own files is touched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from studybuddy.core.errors import StudybuddyError
from studybuddy.storage.schema import MIGRATIONS, SCHEMA_VERSION

APPLICATION_ID = 0x53747564  # "Stud" in the file header (PRAGMA application_id): marks the file as ours
BUSY_TIMEOUT_SECONDS = 10.0
BUSY_ATTEMPTS = 5
VERIFY_WAIT = 1.0  # seconds for the write lock when opening, before judging the file in a read snapshot
SIDE_FILES = ("-wal", "-shm", "-journal", ".needs-check")

_SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 5, 8, 11, 13, 26


class DatabaseError(StudybuddyError):
    """The database cannot do what was asked; the message says why and what to do."""


class DatabaseBusyError(DatabaseError):
    pass


class DatabaseTooNewError(DatabaseError):
    pass


class _Unusable(Exception):
    """Internal: the file is damaged or foreign, and must be set aside."""

    def __init__(self, reason: str, inode: int | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.inode = inode


@dataclass(frozen=True)
class SetAside:
    """A database file that could not be used and was renamed out of the way."""

    original: Path
    kept_as: Path
    reason: str

    def message(self) -> str:
        return (
            f"the database {self.original} could not be used ({self.reason}). It was kept as "
            f"{self.kept_as.name} beside it and a fresh database was made; your diary is untouched."
        )


class Database:
    """One connection to the study database. Use ``write()`` for every change and ``read()`` for
    several queries that must agree; both are short and may be used from any thread."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        sleep: Callable[[float], None] = time.sleep,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        self.path = path
        self.set_aside: SetAside | None = None
        self._conn = connection
        self._sleep = sleep
        self._busy_timeout = busy_timeout
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        now: datetime,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Database:
        """Open (creating and migrating as needed). ``now`` names a file set aside."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseError(f"cannot create the folder {path.parent}: {error.strerror}") from error
        if path.is_dir():  # SQLite would only say "unable to open database file"
            raise DatabaseError(f"{path} is a folder, not a database file; move it out of the way")
        try:
            return cls._open_checked(path, busy_timeout, sleep)
        except _Unusable as problem:
            kept_as = _move_aside(path, problem.inode, now)
            database = cls._open_checked(path, busy_timeout, sleep)
            if kept_as is not None:  # else another process set it aside first and told its user
                database.set_aside = SetAside(path, kept_as, problem.reason)
            return database

    @classmethod
    def _open_checked(cls, path: Path, busy_timeout: float, sleep: Callable[[float], None]) -> Database:
        inode = _inode(path)
        try:
            if inode is None or path.stat().st_size == 0:
                _create(path)
                inode = _inode(path)
            connection = sqlite3.connect(
                f"{path.absolute().as_uri()}?mode=rw",
                uri=True,
                timeout=_attempt_ms(busy_timeout) / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except OSError as error:
            raise DatabaseError(f"cannot create the database {path}: {error.strerror}") from error
        except sqlite3.Error as error:
            raise DatabaseError(f"cannot open the database {path}: {error}") from error
        database = cls(path, connection, sleep, busy_timeout)
        try:
            database._verify(inode)  # before anything could write to another app's file
            database._configure()
            database._migrate(inode)
        except sqlite3.Error as error:
            connection.close()
            raise _user_error(error, path) from error
        except BaseException:
            connection.close()
            raise
        return database

    # ---- transactions -----------------------------------------------------------------------------

    @contextmanager
    def write(self, *, wait: float | None = None) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction: committed when the block ends, rolled back on error.

        ``wait``: how long to wait for another process's write lock (default: the busy timeout); a
        caller that must stay responsive (a countdown's heartbeat) waits briefly and tries again later.
        """
        with self._lock:
            try:
                self._execute_when_free("BEGIN IMMEDIATE", wait)
            except sqlite3.Error as error:
                raise self._failed(error) from error
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as error:
                self._end_quietly()
                if isinstance(error, sqlite3.Error):
                    raise self._failed(error) from error
                raise

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One consistent snapshot for several queries (WAL readers never wait for the writer)."""
        with self._lock:
            try:
                self._execute_when_free("BEGIN")
                yield self._conn
            except sqlite3.Error as error:
                self._end_quietly()
                raise self._failed(error) from error
            finally:
                self._end_quietly()

    def _end_quietly(self) -> None:
        """Roll back what is left of a transaction; the error that ended it is what the user needs."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _execute_when_free(self, statement: str, wait: float | None = None) -> None:
        """Run a statement that needs a lock (BEGIN, a journal mode switch), waiting up to ``wait``
        seconds in all (default: the busy timeout) for another process's lock: BUSY_ATTEMPTS tries of
        an equal share each, since SQLite sometimes reports SQLITE_BUSY without waiting. (Five full
        busy timeouts made `timer status` hang for 50 s behind a lock held a minute.)"""
        if wait is not None:
            self._conn.execute(f"PRAGMA busy_timeout = {_attempt_ms(wait)}")
        try:
            delay = 0.02
            for attempt in range(BUSY_ATTEMPTS):
                try:
                    self._conn.execute(statement)
                    return
                except sqlite3.OperationalError as error:
                    if _error_code(error) != _SQLITE_BUSY or attempt == BUSY_ATTEMPTS - 1:
                        raise
                self._sleep(delay)
                delay *= 2
        finally:
            if wait is not None:
                self._conn.execute(f"PRAGMA busy_timeout = {_attempt_ms(self._busy_timeout)}")

    # ---- maintenance ------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def data_version(self) -> int:
        """A number that changes whenever another connection (another process) commits to the file,
        and never for this one's own writes: a cheap way to notice what a shell did (SQLite reads it
        from the shared memory index, no query of any table)."""
        with self._lock:
            try:
                return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error as error:
                raise self._failed(error) from error

    def backup(self, target: Path) -> None:
        """A consistent copy through SQLite's backup API (safe while others write), placed atomically."""
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
        partial.unlink(missing_ok=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                with self._lock:
                    self._conn.backup(copy)
            finally:
                copy.close()
            os.replace(partial, target)
        except sqlite3.Error as error:
            raise _user_error(error, target) from error
        except OSError as error:
            raise DatabaseError(f"cannot write the backup {target}: {error.strerror}") from error
        finally:
            partial.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- opening ----------------------------------------------------------------------------------

    def _configure(self) -> None:
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        mode = self._conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":  # switching needs a moment of exclusive access
            self._execute_when_free("PRAGMA journal_mode = WAL")

    def _verify(self, inode: int | None) -> None:
        """Judge the file while holding the write lock, so a database another process is creating
        right now is never mistaken for a damaged or foreign one.

        When another process holds the write lock past VERIFY_WAIT (a long write, a sqlite3 shell), the
        file is judged in a read snapshot instead, so commands that only read (`timer status`) still
        answer; a file that then looks wrong is reported as busy, never set aside on that sight."""
        locked = True
        try:
            try:
                self._execute_when_free("BEGIN IMMEDIATE", VERIFY_WAIT)  # not SQLite at all fails here
            except sqlite3.OperationalError as error:
                if _error_code(error) != _SQLITE_BUSY:
                    raise
                locked = False
                self._conn.execute("BEGIN")
            try:
                self._check_ownership(inode)
            except _Unusable:
                if locked:
                    raise
                raise DatabaseBusyError(
                    f"another studybuddy process kept the database {self.path} busy for too long; try again"
                ) from None
            # A full check costs ~1 ms per 1,000 sessions, too much for every command: it runs when a
            # past operation met a damaged page (or the schema page itself is unreadable, just above).
            marker = self._check_marker()
            if marker.exists():
                problem = self._conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                if problem != "ok":
                    raise _Unusable(f"the file is damaged: {problem}", inode)
                marker.unlink(missing_ok=True)
        except sqlite3.DatabaseError as error:
            if _error_code(error) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
                raise _Unusable(f"the file is damaged: {error}", inode) from error
            raise
        finally:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    def _migrate(self, inode: int | None) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise DatabaseTooNewError(
                f"the database {self.path} was written by a newer studybuddy (schema {version}, this "
                f"version knows {SCHEMA_VERSION}); upgrade studybuddy to use it"
            )
        if version < SCHEMA_VERSION:
            with self.write() as conn:
                self._check_ownership(inode)  # another process may have got here first
                for number in range(self.schema_version, SCHEMA_VERSION):
                    for statement in MIGRATIONS[number]:
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number + 1}")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _check_marker(self) -> Path:
        return self.path.with_name(self.path.name + ".needs-check")

    def _failed(self, error: sqlite3.Error) -> DatabaseError:
        if _error_code(error) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            with contextlib.suppress(OSError):  # best effort: the message below still tells the user
                self._check_marker().touch()
        return _user_error(error, self.path)

    def _check_ownership(self, inode: int | None) -> None:
        """Inside a transaction: raises _Unusable for another application's database."""
        application_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
        has_tables = self._conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]  # reads page 1
        if application_id == APPLICATION_ID:
            return
        if application_id != 0 or has_tables:
            raise _Unusable("it is another application's SQLite database", inode)


def _create(path: Path) -> None:
    """Build a fresh database beside ``path`` and move it into place only when complete, so no other
    process ever sees a half-made file (nor one not yet in WAL mode, which it could misread)."""
    fresh = path.with_name(f".{path.name}.new-{os.getpid()}-{threading.get_ident()}")
    try:
        connection = sqlite3.connect(fresh, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("BEGIN IMMEDIATE")
            for number, statements in enumerate(MIGRATIONS, start=1):
                for statement in statements:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {number}")
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute("COMMIT")
        finally:
            connection.close()  # folds the WAL into the file; the header keeps WAL mode
        try:
            os.link(fresh, path)  # never replaces: if another process got there first, use theirs
        except FileExistsError:
            if path.stat().st_size == 0:  # an empty file left by some other tool: nothing to lose
                os.replace(fresh, path)
    finally:
        for leftover in (fresh, *(fresh.with_name(fresh.name + suffix) for suffix in SIDE_FILES)):
            leftover.unlink(missing_ok=True)


def _inode(path: Path) -> int | None:
    """The file's inode (None if absent), found without opening it: closing any other descriptor of
    a database file drops every POSIX lock this process's SQLite connections hold on it."""
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DatabaseError(f"cannot read the database {path}: {error.strerror}") from error


def _move_aside(path: Path, inode: int | None, now: datetime) -> Path | None:
    """Rename the unusable file (and its WAL and journal) to ``<name>.corrupt-<timestamp>``."""
    try:
        if inode is not None and path.stat().st_ino != inode:
            return None  # already replaced by another process
        stamp = now.strftime("%Y%m%dT%H%M%S")
        kept_as = path.with_name(f"{path.name}.corrupt-{stamp}")
        serial = 1
        while kept_as.exists():
            serial += 1
            kept_as = path.with_name(f"{path.name}.corrupt-{stamp}-{serial}")
        os.rename(path, kept_as)
        for suffix in SIDE_FILES:
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.rename(side, kept_as.with_name(kept_as.name + suffix))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DatabaseError(
            f"the database {path} cannot be used and could not be set aside ({error.strerror}); "
            "move it away yourself and try again"
        ) from error
    return kept_as


def _attempt_ms(seconds: float) -> int:
    """SQLite's busy timeout for one of BUSY_ATTEMPTS tries that wait ``seconds`` in all."""
    return max(1, int(seconds * 1000 / BUSY_ATTEMPTS))


def _error_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF  # extended codes carry the primary one in the low byte


def _user_error(error: sqlite3.Error, path: Path) -> DatabaseError:
    code = _error_code(error)
    if code == _SQLITE_BUSY:
        return DatabaseBusyError(
            f"another studybuddy process kept the database {path} busy for too long; try again"
        )
    if code == _SQLITE_FULL:
        return DatabaseError(f"the disk holding {path} is full; nothing was saved")
    if code == _SQLITE_READONLY:
        return DatabaseError(f"the database {path} is read-only; nothing was saved")
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return DatabaseError(
            f"the database {path} is damaged ({error}); run studybuddy again to set it aside"
        )
    return DatabaseError(f"database error in {path}: {error}")
