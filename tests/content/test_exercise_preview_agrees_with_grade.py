"""Every bundled exercise: the live preview and the grade read an answer alike, through the app's calls.

The quiz screen once graded without the exercise's ``variables`` while its preview used them, so
``exp(-z)/(1 + exp(-z))^2`` in an exercise asking for ``s`` previewed "unknown name 'z'" and was then
graded right. Both now go through ``GradingService.preview_exercise_answer`` and ``grade_exercise``;
this holds them to agreeing on every exercise's answer, each of its listed mistakes, and an answer
using a name the exercise does not allow.
"""

from __future__ import annotations

import re

import pytest

from studybuddy.core.lessons import Exercise, Lesson
from studybuddy.core.lessons.variants import instantiate
from studybuddy.services.grading import GradingService
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

LESSONS = [read_lesson(file) for file in find_lesson_files([(bundled_lessons_dir(), "bundled")])]
EXERCISES = [  # an exercise with parameters as a variant, as the app draws one
    pytest.param(lesson, instantiate(exercise, 1), id=f"{lesson.id}/{exercise.id}")
    for lesson in LESSONS
    for exercise in lesson.exercises
]


def as_typed(exercise: Exercise, text: str) -> str:
    """An answer or mistake as the learner types it for the variant on screen: the drawn values in
    place of the parameters' names (the learner types values, not the names)."""
    for name, value in exercise.drawn:
        text = re.sub(rf"\b{name}\b", f"({value})", text)
    return text


@pytest.fixture(scope="module")
def grading():
    with GradingService(timeout=10.0) as service:
        yield service


def outside_name(lesson: Lesson, exercise: Exercise) -> str:
    """A lesson symbol the exercise does not allow, else a name the lesson never declares (with an
    underscore, so that it cannot be read as a product of declared one-letter names)."""
    allowed = set(exercise.variables) if exercise.variables is not None else None
    declared = [symbol.name for symbol in lesson.symbols]
    if allowed is not None:
        for name in declared:
            if name not in allowed:
                return name
    return "undeclared_name"


def test_the_library_has_exercises_that_limit_their_names() -> None:
    assert len(EXERCISES) >= 100
    assert sum(1 for param in EXERCISES if param.values[1].variables is not None) >= 40


@pytest.mark.parametrize(("lesson", "exercise"), EXERCISES)
def test_the_preview_shows_an_error_exactly_when_the_grade_says_invalid(
    grading: GradingService, lesson: Lesson, exercise: Exercise
) -> None:
    outside = outside_name(lesson, exercise)
    answer = as_typed(exercise, exercise.answer.text)
    answers = [answer, *(as_typed(exercise, mistake.answer.text) for mistake in exercise.mistakes), outside]
    seen = {}
    for text in answers:
        preview = grading.preview_exercise_answer(lesson, exercise, text)
        verdict = grading.grade_exercise(lesson, exercise, text)
        seen[text] = (preview.get("message"), verdict.kind)
        assert (preview["pretty"] is None) == (verdict.kind == "invalid"), f"{text!r}: {seen[text]}"
        if verdict.kind == "invalid":
            assert verdict.error is not None and preview["message"] == str(verdict.error)
    assert seen[answer][1] == "equivalent"
    message, kind = seen[outside]
    assert kind == "invalid", seen[outside]
    if exercise.kind == "answer":  # a number, a shape or a choice refuses a name with its own words
        assert message.startswith(f"unknown name '{outside}'"), seen[outside]


# --- NumPy code the learner may type: the preview must show whatever the grade reads ------------------

# Forms over the exercise's own vectors and matrices, as learners write them (`W^T @ diag(g)`, a ReLU
# mask `(W1 @ X > 0) * G`, `np.dot(W.T, g)`): one name, then two, each with every operator.
ONE_NAME = [
    "{a}", "{a}.T", "{a}^T", "-{a}", "2*{a}", "{a}/2", "{a}**2", "{a}^2", "exp({a})", "np.tanh({a})",
    "relu({a})", "sigmoid({a})", "({a} > 0)", "diag({a})", "np.diag({a})", "sum({a})", "np.sum({a})",
    "norm({a})", "mean({a})", "max({a})", "{a}_1", "{a}_1_1", "softmax({a})", "transpose({a})",
    "trace({a})", "1 - {a}", "{a} - 1",
]  # fmt: skip
TWO_NAMES = [
    "{a} @ {b}", "{a}.T @ {b}", "{a}^T @ {b}", "{a} @ {b}.T", "{a}^T @ diag({b})", "{a}.T @ np.diag({b})",
    "{a} * {b}", "{a}.T * {b}", "{a} + {b}", "{a} - {b}", "{a} / {b}", "dot({a}, {b})",
    "np.dot({a}.T, {b})", "outer({a}, {b})", "np.outer({a}, {b})", "np.maximum({a}, {b})",
    "({a} @ {b} > 0) * {b}", "({a} > 0) * {b}", "{a} * ({b} > 0)", "{a} {b}", "{a}^T {b}", "{a} {b}^T",
    "kron({a}, {b})", "hadamard({a}, {b})", "{a} @ ({a} * {b})", "{b} + {a}^T @ (({a} @ {b} > 0) * {b})",
]  # fmt: skip


def shaped_names(lesson: Lesson, exercise: Exercise) -> list[str]:
    """The exercise's vectors and matrices, one for each shape declared: two names of one shape read
    alike in every form, so the second would only double the test's time."""
    allowed = set(exercise.variables) if exercise.variables is not None else None
    by_shape = {}
    for symbol in lesson.symbols:
        if symbol.shape is not None and (allowed is None or symbol.name in allowed):
            by_shape.setdefault(symbol.shape, symbol.name)
    return list(by_shape.values())


def numpy_forms(lesson: Lesson, exercise: Exercise) -> list[str]:
    names = shaped_names(lesson, exercise)
    texts = [form.format(a=a) for a in names for form in ONE_NAME]
    texts += [form.format(a=a, b=b) for a in names for b in names for form in TWO_NAMES]
    written = [exercise.answer.text, *(mistake.answer.text for mistake in exercise.mistakes)]
    texts += [text.replace("^T", ".T") for text in written]  # the answer and mistakes as NumPy code
    return list(dict.fromkeys(texts))


MATRIX_EXERCISES = [
    param for param in EXERCISES if param.values[1].kind == "answer" and shaped_names(*param.values)
]


def test_the_library_has_matrix_answers() -> None:
    assert len(MATRIX_EXERCISES) >= 10


@pytest.mark.parametrize(("lesson", "exercise"), MATRIX_EXERCISES)
def test_the_preview_shows_every_numpy_form_the_grade_reads(lesson: Lesson, exercise: Exercise) -> None:
    """In the worker's own calls (in-process, as the lesson checker grades): an answer the grade reads
    (anything but 'invalid') shows pretty-printed; one it refuses shows the grade's own message."""
    from studybuddy.core.grading.grader import answer_preview, grade_terms
    from studybuddy.core.grading.terms import exercise_terms

    terms = exercise_terms(lesson, exercise)
    failures = []
    for text in numpy_forms(lesson, exercise):
        try:
            preview = answer_preview(text, terms)
        except Exception as error:  # the worker would answer "SymPy failed on this"
            failures.append(f"{text!r}: the preview raised {type(error).__name__}: {error}")
            continue
        if preview["pretty"] is not None:
            continue
        verdict = grade_terms(text, terms)
        if verdict.kind != "invalid" or preview["message"] != str(verdict.error):
            failures.append(f"{text!r}: preview {preview['message']!r}, grade {verdict.kind} {verdict.error}")
    assert not failures, "\n".join(failures)
