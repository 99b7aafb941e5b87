"""Open the study context for a command, telling the user if a damaged database was set aside."""

from __future__ import annotations

import argparse
import sys

from studybuddy.services.context import StudyContext


def open_context(args: argparse.Namespace) -> StudyContext:
    context = StudyContext.open(args.home)
    set_aside = context.database.set_aside
    if set_aside is not None:
        print(f"studybuddy: {set_aside.message()}", file=sys.stderr)
    return context
