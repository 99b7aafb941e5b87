"""The study log and its database cache, kept in step.

Every domain write (a session's change, an attempt, a lesson opened, a review) is ``record``ed: appended
to this machine's log and applied to the database in the caller's write transaction, which also moves
this machine's file's "applied up to" mark past it. ``catch_up`` applies what the database has not seen:
other machines' lines after a `git pull`, lines a crash left unapplied, every line into a fresh database
(a deleted cache is rebuilt); a log file rewritten under the database (its first line changed, or it
shrank) rebuilds the whole cache. It also turns an existing home's rows into its first log, once.

Without an ``EventLog`` (a bare database in a test) events are applied and not kept anywhere else.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from studybuddy.storage import event_log, log_cards, log_events
from studybuddy.storage.database import Database
from studybuddy.storage.event_log import Event, EventLog


@dataclass(frozen=True)
class CatchUp:
    """What ``catch_up`` did: events applied (by machine file), bad lines skipped, legacy rows logged."""

    applied: dict[str, int]
    skipped: int = 0
    migrated: int = 0
    rebuilt: bool = False

    @property
    def events(self) -> int:
        return sum(self.applied.values())


def new_event_id() -> str:
    return os.urandom(16).hex()


class Journal:
    def __init__(self, database: Database, log: EventLog | None = None) -> None:
        self.database = database
        self.log = log
        self.skipped = 0  # lines found not to be events (a log edited by hand) by this journal's catch-ups

    def record(self, conn: sqlite3.Connection, event: Event) -> None:
        """Inside a write transaction: keep ``event`` in this machine's log, then apply it."""
        if self.log is not None:
            own = self.log.own_file
            applied = _applied(conn).get(own.name)
            if (applied[0] if applied else 0) != event_log.size_of(own):  # a crash left lines unapplied
                touched: dict[int, Event] = {}
                if self._catch_up_file(conn, own, touched, {}) is None:
                    self._rebuild(conn, touched, {})
                log_cards.settle_cards(conn, touched)
                applied = _applied(conn).get(own.name)
            end = self.log.append(event)
            head = applied[1] if applied and applied[0] else event_log.head(own)
            _mark(conn, own.name, end, head)
        log_events.apply(conn, event)

    def pending(self) -> bool:
        """Whether a log holds lines the database has not applied (a read, no lock taken)."""
        if self.log is None:
            return False
        with self.database.read() as conn:
            applied = _applied(conn)
            if self._legacy_rows(conn):
                return True
        return any(applied.get(path.name, (0, ""))[0] != event_log.size_of(path) for path in self.log.files())

    def catch_up(self, *, wait: float | None = None) -> CatchUp:
        """Apply every log line the database has not seen (and log an existing home's rows, once).
        ``wait``: at most this long for another process's write lock (DatabaseBusyError after)."""
        if self.log is None or not self.pending():
            return CatchUp({})
        counts: dict[str, int] = {}
        touched: dict[int, Event] = {}  # card -> its newest review in this batch
        with self.database.write(wait=wait) as conn:
            migrated = self._migrate(conn)
            skipped, rebuilt = 0, False
            for path in self.log.files():
                outcome = self._catch_up_file(conn, path, touched, counts)
                if outcome is None:  # rewritten: the cache is rebuilt from every file
                    rebuilt = True
                    counts.clear()
                    touched.clear()
                    skipped = self._rebuild(conn, touched, counts)
                    break
                skipped += outcome
            log_cards.settle_cards(conn, touched)
        self.skipped += skipped
        return CatchUp(counts, skipped, migrated, rebuilt)

    # ---- internals --------------------------------------------------------------------------------

    def _catch_up_file(
        self, conn: sqlite3.Connection, path: Path, touched: dict[int, Event], counts: dict[str, int]
    ) -> int | None:
        """Apply a file's new lines; the bad lines skipped, or None when the file was rewritten."""
        applied, known_head = _applied(conn).get(path.name, (0, ""))
        size = event_log.size_of(path)
        if size == applied:
            return 0
        head = event_log.head(path)
        if size < applied or (applied and head != known_head):
            return None
        chunk = event_log.read(path, applied)
        skipped = chunk.skipped + _apply_all(conn, chunk.events, touched)
        counts[path.name] = counts.get(path.name, 0) + len(chunk.events)
        _mark(conn, path.name, chunk.end, head)
        return skipped

    def _rebuild(self, conn: sqlite3.Connection, touched: dict[int, Event], counts: dict[str, int]) -> int:
        """Empty the cache and apply every file from its start, keeping what only this database knows
        of open sessions (heartbeat, owner, time studied so far)."""
        assert self.log is not None
        local = conn.execute(
            "SELECT uid, last_heartbeat_at, owner_pid, owner_host, studied_seconds FROM sessions "
            "WHERE state IN ('running', 'paused') AND uid IS NOT NULL"
        ).fetchall()
        log_events.wipe(conn)
        events: list[Event] = []
        skipped = 0
        for path in self.log.files():
            chunk = event_log.read(path, 0)
            events += chunk.events
            skipped += chunk.skipped
            counts[path.name] = len(chunk.events)
            _mark(conn, path.name, chunk.end, event_log.head(path))
        skipped += _apply_all(conn, events, touched)
        conn.executemany(
            "UPDATE sessions SET last_heartbeat_at = max(last_heartbeat_at, ?), owner_pid = ?, "
            "owner_host = ?, studied_seconds = max(studied_seconds, ?) "
            "WHERE uid = ? AND state IN ('running', 'paused')",
            [(beat, pid, host, studied, uid) for uid, beat, pid, host, studied in local],
        )
        return skipped

    def _legacy_rows(self, conn: sqlite3.Connection) -> bool:
        return any(
            conn.execute(f"SELECT 1 FROM {table} WHERE uid IS NULL LIMIT 1").fetchone()
            for table in ("sessions", "attempts", "review_logs")
        ) or bool(
            conn.execute(
                "SELECT 1 FROM lesson_progress WHERE NOT EXISTS (SELECT 1 FROM log_files) LIMIT 1"
            ).fetchone()
        )

    def _migrate(self, conn: sqlite3.Connection) -> int:
        """An existing home's rows (written before the log) become this machine's log, once."""
        from studybuddy.services.log_migration import legacy_events

        if not self._legacy_rows(conn):
            return 0
        assert self.log is not None
        own = self.log.own_file
        kept = event_log.read(own, 0).events if own.exists() else []
        known = {event["id"] for event in kept}
        fresh = [event for event in legacy_events(conn, self.log.machine_id) if event["id"] not in known]
        end = self.log.write_whole([*kept, *fresh])  # atomic: all of them or none
        _mark(conn, own.name, end, event_log.head(own))
        return len(fresh)


def _apply_all(conn: sqlite3.Connection, events: list[Event], touched: dict[int, Event]) -> int:
    """Apply sessions first, then the rest in time order (then id), so an attempt finds its session
    whatever the clocks said; how many were malformed and skipped.

    Of a session's states in one batch only the newest can win, so it alone is applied (this halves a
    rebuild); should it be malformed, the one before it is tried, and so on."""
    skipped = 0
    states: dict[object, list[Event]] = {}
    others: list[Event] = []
    for event in sorted(events, key=_order):
        if event["type"] == "session":
            states.setdefault(event.get("session"), []).append(event)
        else:
            others.append(event)
    for newest_last in states.values():
        for event in reversed(newest_last):
            try:
                log_events.apply(conn, event, touched)
                break
            except log_events.BadEvent:
                skipped += 1
    for event in others:
        try:
            log_events.apply(conn, event, touched)
        except log_events.BadEvent:
            skipped += 1
    return skipped


def _order(event: Event) -> tuple[float, str]:
    at = event.get("at")
    return (at if isinstance(at, int | float) and not isinstance(at, bool) else 0.0, str(event["id"]))


def _applied(conn: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    return {name: (applied, head) for name, applied, head in conn.execute("SELECT * FROM log_files")}


def _mark(conn: sqlite3.Connection, name: str, applied: int, head: str) -> None:
    conn.execute(
        "INSERT INTO log_files (name, applied, head) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET applied = excluded.applied, head = excluded.head",
        (name, applied, head),
    )
