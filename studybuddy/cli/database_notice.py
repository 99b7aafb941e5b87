"""Open the study context for a command, telling the user if a damaged database was set aside."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from studybuddy.services.context import StudyContext

if TYPE_CHECKING:
    from studybuddy.storage.database import Database


def open_context(args: argparse.Namespace) -> StudyContext:
    """For commands that always use the database (timer, stats): opened now, and the user told."""
    context = StudyContext.open(args.home)
    _tell(context.database)
    return context


def tell_if_database_set_aside(context: StudyContext) -> None:
    """For commands that open the database only when they need it (the diary's study minutes): call
    after that use. ``database`` is a cached property, in the instance's ``__dict__`` once opened."""
    database = context.__dict__.get("database")
    if database is not None:
        _tell(database)


def _tell(database: Database) -> None:
    if database.set_aside is not None:
        print(f"studybuddy: {database.set_aside.message()}", file=sys.stderr)
