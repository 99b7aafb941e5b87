"""The text a new diary entry starts from: a template with the day's study filled in.

A template is Markdown with placeholders, set in the config file's ``[diary] template`` (without
one, a new entry is an empty page):
``{date}`` (2025-07-06), ``{weekday}`` (Sunday), ``{sessions}`` (one line per study session),
``{lessons}`` (one line per lesson with exercises answered that day), ``{minutes}`` (minutes studied).
Anything else in braces is kept as written (a template is never run as a format string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# The README's example: what a learner writes after an hour, the part to write in last.
EXAMPLE_TEMPLATE = """# {weekday} {date}

Studied {minutes} min:
{sessions}
{lessons}

## What was hard

## What I learned
"""

PLACEHOLDERS = ("date", "weekday", "sessions", "lessons", "minutes")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


@dataclass(frozen=True)
class LessonDay:
    """What was done in one lesson on the day: its name and the exercises answered."""

    lesson: str
    tried: int
    right: int


def fill_template(
    template: str, day: date, *, sessions: list[str], lessons: list[LessonDay], minutes: int
) -> str:
    """``template`` with its placeholders filled; ``sessions`` are lines as the diary shows them."""
    values = {
        "date": day.isoformat(),
        "weekday": f"{day:%A}",
        "sessions": "\n".join(f"- {line}" for line in sessions) or "- no session yet",
        "lessons": "\n".join(
            f"- {lesson.lesson}: {lesson.tried} exercise{'s' if lesson.tried != 1 else ''} "
            f"({lesson.right} right)"
            for lesson in lessons
        ),
        "minutes": str(minutes),
    }
    if not lessons:  # a line holding only {lessons} goes, rather than stay blank
        template = re.sub(r"^[ \t]*\{lessons\}[ \t]*\n", "", template, flags=re.M)
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)
