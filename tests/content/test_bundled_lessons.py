"""Every bundled lesson passes the lesson checker: the bar the library is held to (issue 3)."""

from __future__ import annotations

import pytest

from studybuddy.services.lessons import LessonService
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

MINIMUM_LESSONS = 24
MINIMUM_EXERCISES = 3


@pytest.mark.slow
def test_every_bundled_lesson_passes_the_checker() -> None:
    service = LessonService(home=None)
    reports = list(service.check())
    problems = [
        str(report.error)
        if report.error
        else "\n".join(f"{report.source}: {r.headline()}" for r in report.failures)
        for report in reports
        if not report.passed
    ]
    assert problems == []
    assert len(reports) >= MINIMUM_LESSONS


def test_the_library_is_big_enough_and_every_lesson_has_exercises() -> None:
    files = find_lesson_files([(bundled_lessons_dir(), "bundled")])
    lessons = [read_lesson(file) for file in files]
    assert len(lessons) >= MINIMUM_LESSONS
    assert [lesson.id for lesson in lessons if len(lesson.exercises) < MINIMUM_EXERCISES] == []
