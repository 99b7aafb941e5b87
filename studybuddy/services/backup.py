"""Backups of the study database, through SQLite's backup API (never a file copy, which can tear)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from studybuddy.storage.database import Database


def backup_database(database: Database, folder: Path, now: datetime) -> Path:
    """Write ``studybuddy-<timestamp>.sqlite3`` into ``folder``; returns its path."""
    target = folder / f"studybuddy-{now:%Y%m%dT%H%M%S}.sqlite3"
    database.backup(target)
    return target
