"""Every bundled lesson's text reads whole at 80x24, as a learner sees it (issue 16, "Done when").

A code block in Markdown does not wrap: at 80 columns the lesson body shows CODE_COLUMNS characters
of a code line (the screen's padding, the block's indent and the scrollbar take the rest), and what
is past them is simply not on the screen. And the time a lesson takes is said once, by its `minutes`
(shown beside the title): an intro that says it too ("About 50 minutes.") soon disagrees with it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest

from studybuddy.core.lessons import Lesson
from studybuddy.core.markdown_fences import FenceTracker
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

CODE_COLUMNS = 72  # a code line's characters visible in the lesson body at 80 columns
MINUTES_IN_TEXT = re.compile(r"\babout \d+ min(?:ute)?s?\b", re.IGNORECASE)


@cache
def bundled() -> dict[str, Lesson]:
    lessons = (read_lesson(file) for file in find_lesson_files([(bundled_lessons_dir(), "bundled")]))
    return {lesson.id: lesson for lesson in lessons}


def markdown_texts(lesson: Lesson) -> Iterator[tuple[str, str]]:
    """Each Markdown text of the lesson, with where it is (for the failure message)."""
    yield "intro", lesson.intro
    for number, step in enumerate(lesson.derivation, start=1):
        yield f"step {number} reason", step.reason
    for check in lesson.checks:
        yield f"check {check.id}", check.description
    for exercise in (*lesson.exercises, *lesson.derive_exercises):
        yield f"exercise {exercise.id} prompt", exercise.prompt
        yield f"exercise {exercise.id} solution", exercise.solution
        for number, hint in enumerate(exercise.hints, start=1):
            yield f"exercise {exercise.id} hint {number}", hint
        for number, mistake in enumerate(exercise.mistakes, start=1):
            yield f"exercise {exercise.id} mistake {number}", mistake.feedback
    for exercise in lesson.exercises:
        for number, option in enumerate(exercise.options, start=1):
            yield f"exercise {exercise.id} option {number}", option.text + "\n" + option.feedback


def code_lines(text: str) -> Iterator[str]:
    """The lines of a Markdown text that are code: in a fence, or indented 4 spaces after a blank line
    (or after another such line)."""
    fences = FenceTracker()
    indented = False
    blank_before = True
    for line in text.split("\n"):
        if fences.is_code(line):
            if not line.lstrip().startswith(("```", "~~~")):
                yield line
            continue
        indented = line.startswith("    ") and (blank_before or indented)
        if indented:
            yield line[4:]
        blank_before = not line.strip()


@pytest.mark.parametrize("lesson_id", sorted(bundled()))
def test_every_code_line_fits_the_lesson_body_at_80_columns(lesson_id: str) -> None:
    too_long = [
        f"{where}: {len(line.rstrip())} > {CODE_COLUMNS}: {line.strip()}"
        for where, text in markdown_texts(bundled()[lesson_id])
        for line in code_lines(text)
        if len(line.rstrip()) > CODE_COLUMNS
    ]
    assert too_long == []


@pytest.mark.parametrize("lesson_id", sorted(bundled()))
def test_only_the_minutes_field_says_how_long_a_lesson_takes(lesson_id: str) -> None:
    lesson = bundled()[lesson_id]
    assert MINUTES_IN_TEXT.findall(lesson.intro) == [], f"intro: minutes is {lesson.minutes}"
