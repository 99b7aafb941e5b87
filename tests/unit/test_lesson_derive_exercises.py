"""`kind: derive` exercises in lessons: validated with file:line:column, proved by the lesson checker
through the same engine a learner's lines go through."""

from __future__ import annotations

from pathlib import Path

import pytest

from studybuddy.core.derivation.engine import mark_all
from studybuddy.core.derivation.lines import read_line
from studybuddy.core.derivation.model import Derivation
from studybuddy.core.lessons import Lesson, LessonError, validate_lesson
from studybuddy.core.lessons.checker import check_lesson
from studybuddy.core.lessons.derive_exercises import derive_context, derive_reference
from studybuddy.storage.lesson_yaml import load_yaml_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "lessons"
GOOD = (FIXTURES / "sigmoid-derivative.yaml").read_text()

DERIVE = """\
  - id: derive-sigmoid
    kind: derive
    prompt: Derive ds/dx from the definition of the sigmoid, and write it in terms of s.
    from: 1/(1 + exp(-x))
    goal: s*(1 - s)
    reference:
      - expr: 1/(1 + exp(-x))
      - expr: exp(-x)/(1 + exp(-x))^2
        by: {differentiate: x}
      - expr: s*(1 - s)
    mistakes:
      - step: 2
        answer: -exp(-x)/(1 + exp(-x))^2
        feedback: The inner derivative of -x is -1; it cancels the minus of the quotient.
      - step: 3
        answer: s*(1 + s)
        feedback: exp(-x)/(1 + exp(-x)) is 1 - s, not 1 + s.
"""


def with_derive(exercise: str = DERIVE, base: str = GOOD) -> str:
    return base.replace("exercises:\n", "exercises:\n" + exercise, 1)


def load(text: str, source: str = "my.yaml") -> Lesson:
    return validate_lesson(load_yaml_text(text, source), source)


def results(text: str) -> dict[str, tuple[bool, str]]:
    return {result.key: (result.passed, result.headline()) for result in check_lesson(load(text))}


def test_a_derive_exercise_is_read_into_the_lesson_beside_the_answer_exercises() -> None:
    lesson = load(with_derive())
    assert [exercise.id for exercise in lesson.exercises] == [
        "sigmoid-prime",
        "sigmoid-at-zero",
        "one-minus-s",
    ]
    (derive,) = lesson.derive_exercises
    assert (derive.start.text, derive.goal.text) == ("1/(1 + exp(-x))", "s*(1 - s)")
    assert [step.by.kind for step in derive.reference] == ["given", "differentiate", "equal"]
    assert [mistake.step for mistake in derive.mistakes] == [2, 3]
    assert (derive.start.location.line, derive.start.location.column) == (45, 11)


def test_lessons_check_proves_the_reference_and_each_listed_mistake() -> None:
    found = results(with_derive())
    assert found["exercise derive-sigmoid reference"][0], found["exercise derive-sigmoid reference"]
    assert found["exercise derive-sigmoid mistake 1"] == (
        True,
        "exercise derive-sigmoid mistake 1: caught at step 2 with its listed feedback",
    )
    assert found["exercise derive-sigmoid mistake 2"][0]
    assert all(passed for passed, _ in found.values()), [h for ok, h in found.values() if not ok]


def test_a_reference_that_does_not_reach_its_goal_is_refused_at_the_goal() -> None:
    found = results(with_derive(DERIVE.replace("goal: s*(1 - s)", "goal: s*(1 + s)")))
    passed, headline = found["exercise derive-sigmoid reference"]
    assert not passed
    assert headline.startswith(
        "my.yaml:46:11: exercise derive-sigmoid reference: the reference does not reach the goal: its last "
        "step s*(1 - s) (line 51) is not s*(1 + s) (different, e.g. at x = "
    )


def test_a_reference_step_that_does_not_follow_is_refused_at_that_step() -> None:
    found = results(
        with_derive(
            DERIVE.replace("exp(-x)/(1 + exp(-x))^2\n        by", "exp(x)/(1 + exp(-x))^2\n        by")
        )
    )
    passed, headline = found["exercise derive-sigmoid reference"]
    assert not passed
    assert headline.startswith(
        "my.yaml:49:15: exercise derive-sigmoid reference: reference step 2: Does not follow"
    )


def test_an_unreadable_reference_step_points_at_the_character() -> None:
    found = results(with_derive(DERIVE.replace("      - expr: s*(1 - s)\n", "      - expr: s*(1 - q)\n")))
    passed, headline = found["exercise derive-sigmoid reference"]
    assert not passed
    assert headline.startswith(
        "my.yaml:51:22: exercise derive-sigmoid reference: reference step 3: unknown name 'q'"
    )


def test_a_listed_mistake_that_is_right_or_caught_elsewhere_is_refused() -> None:
    right = DERIVE.replace("answer: s*(1 + s)", "answer: s - s^2")
    passed, headline = results(with_derive(right))["exercise derive-sigmoid mistake 2"]
    assert not passed and "this listed mistake follows from step 2" in headline
    assert headline.startswith("my.yaml:57:17:")
    twice = DERIVE + "      - step: 3\n        answer: s + s^2\n        feedback: Another word for it.\n"
    passed, headline = results(with_derive(twice))["exercise derive-sigmoid mistake 3"]
    assert not passed
    assert (
        "caught at step 3 but not with its feedback (the learner is told: exp(-x)/(1 + exp(-x)) is 1 - s"
        in headline
    )


def test_without_a_reference_the_lessons_own_derivation_is_the_reference() -> None:
    exercise = (
        DERIVE.split("    reference:\n")[0]
        + DERIVE.split("        by: {differentiate: x}\n      - expr: s*(1 - s)\n")[1]
    )
    lesson = load(with_derive(exercise))
    (derive,) = lesson.derive_exercises
    assert derive.reference == ()
    assert [step.expr.text for step in derive_reference(lesson, derive)] == [
        step.expr.text for step in lesson.derivation
    ]
    found = results(with_derive(exercise))
    assert all(found[key][0] for key in found if "derive-sigmoid" in key), found


def test_a_goal_the_lessons_derivation_never_reaches_needs_a_reference() -> None:
    exercise = DERIVE.split("    reference:\n")[0].replace("goal: s*(1 - s)", "goal: s^2")
    found = results(with_derive(exercise))
    passed, headline = found["exercise derive-sigmoid reference"]
    assert not passed
    assert headline == (
        "my.yaml:46:11: exercise derive-sigmoid reference: exercises[0].goal: no later step of the same "
        "chain of the lesson's derivation equals 'goal'; give the exercise a reference derivation"
    )


def test_a_learners_lines_in_the_exercises_context_meet_its_listed_mistakes() -> None:
    lesson = load(with_derive())
    (derive,) = lesson.derive_exercises
    context = derive_context(lesson, derive, derive_reference(lesson, derive))
    lines = tuple(
        read_line(text) for text in ["1/(1 + exp(-x))", "d/dx: exp(-x)/(1 + exp(-x))^2", "= s*(1 + s)"]
    )
    marks = mark_all(Derivation("learner", context, lines))
    assert marks[2].diagnosis_kind == "listed-mistake"
    assert marks[2].diagnosis == "exp(-x)/(1 + exp(-x)) is 1 - s, not 1 + s."


@pytest.mark.parametrize(
    ("change", "message", "where"),
    [
        (
            ("kind: derive", "kind: derivation"),
            "unknown exercise kind 'derivation'; did you mean 'derive'?",
            "43:11",
        ),
        (
            ("    from: 1/(1 + exp(-x))\n", ""),
            "exercises[0].from: this field is required but missing",
            "42:5",
        ),
        (("      - step: 3\n", "      - step: 1\n"), "'1' is not a step", "56:15"),
        (
            ("      - step: 3\n", "      - step: 4\n"),
            "the reference has 3 steps, so there is no step 4",
            "56:15",
        ),
        (("      - step: 3\n", "      - step: two\n"), "'two' is not a step", "56:15"),
        (("    goal: s*(1 - s)\n", "    goal: s*(1 - s)\n    answer: s\n"), "unknown field 'answer'", "47:5"),
        (
            ("        by: {differentiate: x}", "        by: {differentiate: q}"),
            "'q' is not a declared symbol",
            "50:29",
        ),
        (("      - step: 2\n", "      - stage: 2\n"), "unknown field 'stage'; did you mean 'step'?", "53:9"),
    ],
)
def test_a_malformed_derive_exercise_is_refused_with_file_line_column(
    change: tuple[str, str], message: str, where: str
) -> None:
    text = with_derive(DERIVE.replace(*change))
    with pytest.raises(LessonError) as caught:
        load(text)
    assert message in caught.value.headline()
    assert caught.value.headline().startswith(f"my.yaml:{where}:"), caught.value.headline()


def test_exercise_ids_are_unique_across_both_kinds() -> None:
    with pytest.raises(LessonError, match="exercise id 'sigmoid-prime' is used twice"):
        load(with_derive(DERIVE.replace("id: derive-sigmoid", "id: sigmoid-prime")))
