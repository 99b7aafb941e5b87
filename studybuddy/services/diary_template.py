"""A new diary entry's text: the config's ``[diary] template`` with the day's sessions and
the lessons worked on that day filled in, as a learner would write after an hour's study.

The app's editor and ``diary edit`` start a day without an entry from it; nothing is written until
the learner changes it (the service saves an editor's text only when it differs from what it was
given).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from studybuddy.core.diary_template import LessonDay, fill_template
from studybuddy.core.errors import StudybuddyError

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext
    from studybuddy.services.session_view import SessionView


def describe_session(session: SessionView) -> str:
    """``09:30 linear algebra 60 min, 4 exercises (3 right)``, the start in local time."""
    minutes = int(session.studied_seconds) // 60
    text = f"{session.started_at.astimezone():%H:%M} {session.subject or 'study'} {minutes} min"
    if session.exercises_tried:
        text += f", {session.exercises_tried} exercises ({session.exercises_right} right)"
    return text


def entry_template(context: StudyContext) -> Callable[[date], str]:
    """The text a new entry for a day starts from, in ``context``'s study home."""
    template = context.config.diary_template or ""

    def for_day(day: date) -> str:
        if not template.strip():
            return ""
        if not context.home.database_path.exists():  # never create the database just for this
            return fill_template(template, day, sessions=[], lessons=[], minutes=0)
        try:
            sessions = context.timer.sessions_on(day)
            lessons = _lessons_on(context, day)
        except StudybuddyError:  # the database cannot be read: the template without the day's study
            return fill_template(template, day, sessions=[], lessons=[], minutes=0)
        minutes = sum(int(session.studied_seconds) for session in sessions) // 60
        return fill_template(
            template, day, sessions=[describe_session(s) for s in sessions], lessons=lessons, minutes=minutes
        )

    return for_day


def _lessons_on(context: StudyContext, day: date) -> list[LessonDay]:
    from studybuddy.storage import progress

    zone = context.clock.now().tzinfo
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    with context.database.read() as conn:
        answers = progress.attempts_between(conn, start, start + timedelta(days=1))
    tried: dict[str, list[bool]] = {}
    for answer in answers:
        tried.setdefault(answer.lesson_id, []).append(answer.correct)
    return [LessonDay(lesson, len(results), sum(results)) for lesson, results in tried.items()]
