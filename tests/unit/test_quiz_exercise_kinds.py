"""Every exercise kind through the app's own quiz path (services.quiz.QuizSession) with the real grader:
what the learner is told, what is recorded (a shape slip is not an attempt; a variant's attempt keeps its
seed), how to answer each kind (services.exercise_form), and variants drawn and drawn again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from studybuddy.core.lessons.variants import instantiate
from studybuddy.services.context import StudyContext
from studybuddy.services.exercise_form import chosen_letters, exercise_form
from studybuddy.services.quiz import SHAPE_NOT_COUNTED, QuizSession

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lessons" / "exercise-kinds.yaml"
LESSON = "exercise-kinds"


@pytest.fixture(scope="module")
def grader():
    from studybuddy.services.grading import GradingService

    service = GradingService(timeout=120.0)  # patient: busy shared cores never make a grade "unknown"
    service.start()
    yield service
    service.close()


@pytest.fixture
def context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grader) -> StudyContext:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    (tmp_path / "home" / "lessons").mkdir(parents=True)
    shutil.copy(FIXTURE, tmp_path / "home" / "lessons")
    ctx = StudyContext.open(str(tmp_path / "home"))
    ctx.grading = grader
    return ctx


def quiz(context: StudyContext, exercise_id: str) -> QuizSession:
    lesson = context.lessons.get(LESSON)
    index = [exercise.id for exercise in lesson.exercises].index(exercise_id)
    return QuizSession(lesson, context.grading, context.progress, index, reviews=context.reviews)


def answer(session: QuizSession, text: str):
    request = session.ask_grade(text)
    assert request is not None
    return session.grade(request)


def recorded(context: StudyContext) -> list[tuple[str, str, int | None]]:
    with context.database.read() as conn:
        return conn.execute("SELECT exercise_id, answer, variant_seed FROM attempts ORDER BY id").fetchall()


def test_an_answer_of_another_shape_is_said_and_not_recorded(context) -> None:
    session = quiz(context, "dx")
    result = answer(session, "W.T * g")
    assert result.tone == "shape"
    assert "Your answer is 2x3, the question wants 2x1 (a column)" in result.text
    assert SHAPE_NOT_COUNTED in result.text and "Could not decide" not in result.text
    transposed = answer(session, "g^T @ W")  # the mathematical row (NumPy's g.T of a 1-D g is g itself)
    assert (
        "Your answer is 1x2 (a row), the question wants 2x1 (a column): did you transpose?" in transposed.text
    )
    assert "That is a row; z is a column." in transposed.text, "the listed mistake of that shape says more"
    assert recorded(context) == []
    assert session.pending_proposal() is None, "no try in the sitting: nothing to rate"
    wrong = answer(session, "W.T @ g + g_1")
    assert wrong.tone == "wrong" and "every entry is wrong" in wrong.text
    assert [row[:2] for row in recorded(context)] == [("dx", "W.T @ g + g_1")]
    assert answer(session, "g.T @ W").tone == "right", "NumPy's g.T @ W with a 1-D g is g @ W, W.T @ g"


def test_the_right_option_says_why_it_is_right_and_a_wrong_one_why_not(context) -> None:
    session = quiz(context, "step-bug")
    wrong = answer(session, "a")
    assert wrong.tone == "wrong" and "it steps against the gradient, downhill" in wrong.text
    right = answer(session, "b")
    assert right.tone == "right" and "Yes, += climbs the loss." in right.text


def test_a_variant_is_drawn_shown_graded_with_its_values_and_its_seed_recorded(context) -> None:
    session = quiz(context, "out-size")
    assert session.draw_variant(seed=7)
    shown = session.exercise
    values = dict(shown.drawn)
    width, kernel = int(values["n"]), int(values["k"])
    assert f"An input of width {width} and a kernel of width {kernel}" in shown.prompt
    assert (
        "{n}" not in shown.prompt
        and shown.hints[0] == f"The kernel is {kernel} wide; count where it can start."
    )
    assert answer(session, str(width - kernel + 1)).tone == "right"
    wrong = answer(session, str(width - kernel))
    assert wrong.tone == "wrong" and "count the first position too" in wrong.text
    assert recorded(context) == [
        ("out-size", str(width - kernel + 1), 7),
        ("out-size", str(width - kernel), 7),
    ]
    assert instantiate(context.lessons.get(LESSON).exercise("out-size"), 7).prompt == shown.prompt, (
        "the recorded seed draws the same question again"
    )


def test_drawing_another_variant_changes_the_values_and_drops_the_grade_on_its_way(context) -> None:
    session = quiz(context, "power")
    first = session.exercise
    assert first.drawn and "{a}" not in first.prompt
    request = session.ask_grade("z")
    assert request is not None
    assert session.draw_variant()
    second = session.exercise
    assert second.drawn != first.drawn and second.prompt != first.prompt
    late = session.grade(request)
    assert not session.is_current_grade(late), "a grade of the variant before is stale"
    assert quiz(context, "dx").draw_variant() is False, "an exercise without parameters has no variants"


def test_a_variant_handed_in_drawn_already_is_kept_and_another_is_drawn_from_its_template(context) -> None:
    """The Review section hands the quiz a lesson whose exercise is a variant already."""
    lesson = context.lessons.get(LESSON)
    index = [exercise.id for exercise in lesson.exercises].index("out-size")
    drawn = instantiate(lesson.exercises[index], 3)
    exercises = list(lesson.exercises)
    exercises[index] = drawn
    from dataclasses import replace

    session = QuizSession(
        replace(lesson, exercises=tuple(exercises)), context.grading, context.progress, index
    )
    assert session.exercise == drawn
    session.draw_variant(seed=11)
    again = session.exercise
    assert again.prompt == instantiate(lesson.exercises[index], 11).prompt
    assert "{" not in again.solution and again.seed == 11


@pytest.mark.parametrize(
    ("exercise_id", "kind", "said"),
    [
        # the example shape uses names the exercise does not: with N, D and C declared, (N, C) could be
        # the answer itself
        ("dw-shape", "shape", "A shape: (P, Q) or P x Q, with N, D, C; (P,) for a 1-D array."),
        ("out-size", "number", "A number: exact (an expression of numbers, such as a fraction or a power"),
        ("sigmoid-value", "number", "A number: right within ±0.001 (absolute)."),
        ("step-bug", "choice", "One option is right: choose it (type its letter, a to c)."),
        ("dx", "answer", "W is 3x2; g is a 3-vector (NumPy's shape (3,)). Type it as NumPy code"),
        ("power", "answer", ""),
    ],
)
def test_each_kind_says_how_to_answer_it(context, exercise_id: str, kind: str, said: str) -> None:
    session = quiz(context, exercise_id)
    form = exercise_form(session.lesson, session.exercise)
    assert form.kind == kind and form.instruction.startswith(said)
    assert (form.variant is not None) == bool(session.exercise.parameters)
    assert form.arrays == (exercise_id == "dx")


def test_a_choice_lists_its_options_and_a_relative_tolerance_is_said_as_one(context) -> None:
    lesson = context.lessons.get(LESSON)
    choice = exercise_form(lesson, lesson.exercise("step-bug"))
    assert [(o.letter, o.text) for o in choice.options] == [
        ("a", "`w -= lr * dw`"),
        ("b", "`w += lr * dw`"),
        ("c", "`w -= lr * w`"),
    ]
    assert not choice.several
    from dataclasses import replace

    from studybuddy.core.lessons.model import Tolerance

    two_right = replace(
        lesson.exercise("step-bug"),
        options=tuple(replace(o, correct=True) for o in lesson.exercise("step-bug").options[:2]),
    )
    several = exercise_form(lesson, two_right)
    assert several.several and several.instruction.startswith("Several options are right")
    relative = replace(lesson.exercise("sigmoid-value"), tolerance=Tolerance("relative", 0.01, "1%"))
    assert (
        exercise_form(lesson, relative).instruction == "A number: right within 1% of the answer (relative)."
    )
    assert chosen_letters("a, c", 3) == {0, 2} and chosen_letters("b and 3", 3) == {1, 2}
    assert chosen_letters("z", 3) == set()


def test_the_expected_shape_of_a_matrix_answer_is_read_in_the_worker(context) -> None:
    lesson = context.lessons.get(LESSON)
    assert context.grading.answer_shape(lesson, lesson.exercise("dx")) == "a 2-vector"  # NumPy's 1-D W.T @ g
    assert context.grading.answer_shape(lesson, lesson.exercise("power")) is None


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("np.system(g)", "np.system is not one of the NumPy functions studybuddy reads"),
        ("g_4", "g_4 is past the end of g: it has 3 entries"),
        ("__import__('os')", ""),
    ],
)
def test_bad_input_in_a_matrix_answer_is_refused_and_not_recorded(context, typed: str, said: str) -> None:
    result = answer(quiz(context, "dx"), typed)
    assert result.tone == "invalid" and said in result.text
    assert recorded(context) == []


def test_a_broadcast_product_previews_as_an_elementwise_product(context) -> None:
    lesson = context.lessons.get(LESSON)
    pretty = context.grading.preview_exercise_answer(lesson, lesson.exercise("dx"), "W.T * g")["pretty"]
    assert "∘" in pretty and "DiagMatrix" not in pretty, pretty


@pytest.mark.parametrize(
    ("markdown", "parts"),
    [
        ("`np.argmax(window)`", (("np.argmax(window)", True),)),
        ("use `w -= lr * dw` here", (("use ", False), ("w -= lr * dw", True), (" here", False))),
        ("``a `b` c``", (("a `b` c", True),)),
        ("`` `x` ``", (("`x`", True),)),
        ("a ` b", (("a ` b", False),)),  # nothing closes it: shown as written
        ("``a` b", (("``a` b", False),)),
        ("`a` and `b`", (("a", True), (" and ", False), ("b", True))),
        ("plain", (("plain", False),)),
    ],
)
def test_an_option_shows_inline_code_without_its_backticks(markdown: str, parts: tuple) -> None:
    from studybuddy.services.exercise_form import inline_code_parts

    assert inline_code_parts(markdown) == parts
