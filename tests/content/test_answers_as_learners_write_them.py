"""Right answers written the way learners write them (as code, or in another right form) are graded right
in the bundled lessons, through the app's own grading call; and the wrong forms next to them stay wrong.

The lesson checker proves each exercise's own answer and listed mistakes; these are the other forms a
learner types that a lesson's domains must make right (``k // 2`` for an odd kernel width).
"""

from __future__ import annotations

import pytest

from studybuddy.core.lessons import Lesson
from studybuddy.services.grading import GradingService
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

LESSONS = {
    lesson.id: lesson for lesson in map(read_lesson, find_lesson_files([(bundled_lessons_dir(), "bundled")]))
}

RIGHT = [
    ("conv-output-size", "same-padding", "k//2"),
    ("conv-output-size", "same-padding", "k // 2"),
    ("conv-output-size", "same-padding", "floor(k/2)"),
    ("conv-output-size", "same-padding", "(k - 1)//2"),
    ("conv-output-size", "same-padding", "k/2 - 1/2"),
]
WRONG = [
    ("conv-output-size", "same-padding", "k/2", "k // 2 rounds down and is right"),
    ("conv-output-size", "same-padding", "(k + 1)//2", None),
]


@pytest.fixture(scope="module")
def grading():
    with GradingService(timeout=10.0) as service:
        yield service


def exercise_of(lesson_id: str, exercise_id: str):
    lesson: Lesson = LESSONS[lesson_id]
    return lesson, next(exercise for exercise in lesson.exercises if exercise.id == exercise_id)


@pytest.mark.parametrize(("lesson_id", "exercise_id", "answer"), RIGHT)
def test_a_right_answer_in_another_form_is_right(
    grading: GradingService, lesson_id: str, exercise_id: str, answer: str
) -> None:
    lesson, exercise = exercise_of(lesson_id, exercise_id)
    verdict = grading.grade_exercise(lesson, exercise, answer)
    assert verdict.kind == "equivalent", verdict


@pytest.mark.parametrize(("lesson_id", "exercise_id", "answer", "feedback"), WRONG)
def test_the_wrong_form_beside_it_stays_wrong(
    grading: GradingService, lesson_id: str, exercise_id: str, answer: str, feedback: str | None
) -> None:
    lesson, exercise = exercise_of(lesson_id, exercise_id)
    verdict = grading.grade_exercise(lesson, exercise, answer)
    assert verdict.kind == "different", verdict
    if feedback is not None:
        assert verdict.diagnosis is not None and feedback in verdict.diagnosis.message
