"""``--at DATETIME``: run a command as of a given moment (for scripts and tests), and opening the study
context on that moment's clock."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext

EXAMPLE = "e.g. 2025-07-06T09:30, or 2025-07-06T09:30+02:00; without an offset, local time"


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one moment (what ``--at`` gives every service)."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


def moment(text: str) -> datetime:
    """An ISO 8601 date and time, timezone-aware (argparse reports a bad one as a usage error)."""
    from studybuddy.services.clock import ClockError, checked

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date and time ({EXAMPLE})") from None
    try:
        value = value if value.tzinfo is not None else value.astimezone()
        return checked(value)
    except (ClockError, OverflowError, OSError, ValueError) as error:
        raise argparse.ArgumentTypeError(f"{text!r} cannot be used: {error}") from None


def add_at_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--at", type=moment, metavar="DATETIME", help=f"act as of this moment instead of now ({EXAMPLE})"
    )


def open_context_at(args: argparse.Namespace) -> StudyContext:
    """The study context, its clock stopped at ``--at`` when given, the database opened (and the user
    told if a damaged one was set aside)."""
    from studybuddy.cli.database_notice import tell_if_database_set_aside
    from studybuddy.services.context import StudyContext

    context = StudyContext.open(args.home)
    if getattr(args, "at", None) is not None:
        context.clock = FixedClock(args.at)  # before any service is built: they all share it
    context.database  # noqa: B018 - opened now, so a damaged file is reported before the output
    tell_if_database_set_aside(context)
    return context
