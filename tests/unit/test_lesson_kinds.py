"""Lesson files with shape, number, choice and variant exercises: loaded, refused with file:line:column
when malformed, and proven by the lesson checker (the answer right, every listed mistake and wrong
option caught with its feedback, every variant's answer defined)."""

from __future__ import annotations

from pathlib import Path

import pytest

from studybuddy.core.lessons import Lesson, LessonError, validate_lesson
from studybuddy.core.lessons.checker import check_lesson
from studybuddy.core.lessons.variants import draw, every_draw, fill, instantiate
from studybuddy.storage.lesson_yaml import load_yaml_text

FIXTURE = (Path(__file__).parent.parent / "fixtures" / "lessons" / "exercise-kinds.yaml").read_text()


def load(text: str) -> Lesson:
    return validate_lesson(load_yaml_text(text, "my.yaml"), "my.yaml")


def refuse(text: str) -> str:
    with pytest.raises(LessonError) as caught:
        load(text)
    return caught.value.headline()


def replaced(old: str, new: str) -> str:
    assert FIXTURE.count(old) == 1, old
    return FIXTURE.replace(old, new)


def failures(text: str) -> dict[str, str]:
    return {result.key: result.headline() for result in check_lesson(load(text)) if not result.passed}


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_the_fixture_loads_every_kind_and_passes_every_check() -> None:
    lesson = load(FIXTURE)
    assert [exercise.kind for exercise in lesson.exercises] == [
        "shape",
        "number",
        "number",
        "choice",
        "answer",
        "answer",
    ]
    results = check_lesson(lesson)
    assert [result.headline() for result in results if not result.passed] == []
    keys = {result.key for result in results}
    assert {
        "exercise out-size variants",
        "exercise step-bug option a",
        "exercise step-bug option c",
        "exercise dw-shape mistake 1",
        "exercise dx mistake 1",
    } <= keys
    choice = lesson.exercise("step-bug")
    assert choice.answer == "b" and [option.correct for option in choice.options] == [False, True, False]


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "        correct: true\n        feedback: Yes, += climbs the loss.",
            "        feedback: Yes, += climbs the loss.",
            '      - text: "`w -= lr * dw`"',
            "exercises[3].options: no option is right: mark the right one (or ones) with 'correct: true'",
        ),
        (
            "        correct: true\n",
            "        correct: yes\n",
            "correct: yes",
            "exercises[3].options[1].correct: 'yes' is not true or false",
        ),
        (
            "      n: integer 8..20",
            "      n: integer 20..8",
            "integer 20..8",
            "exercises[1].parameters.n: the range 'integer 20..8' is empty: no integer number lies in it",
        ),
        (
            "      k: odd 1..7",
            "      k: odd 2..2",
            "odd 2..2",
            "exercises[1].parameters.k: the range 'odd 2..2' is empty: no odd number lies in it",
        ),
        (
            "      k: odd 1..7",
            "      k: natural 0..7",
            "natural 0..7",
            "exercises[1].parameters.k: natural numbers start at 1, so 'natural 0..7' is not a range of them",
        ),
        (
            "      k: odd 1..7",
            "      k: odd 1 to 7",
            "odd 1 to 7",
            "exercises[1].parameters.k: 'odd 1 to 7' is not a parameter: write a range of whole numbers such "
            "as 'integer 2..9' (or natural, odd, even), or a list of values such as [0.5, 1, 2]",
        ),
        (
            "      k: odd 1..7",
            "      k: [1, 3, nan]",
            "nan]",
            "exercises[1].parameters.k[2]: 'nan' is not a value a parameter can take: a number such as 3, "
            "-0.5 or 1e-3, at most 15 characters",
        ),
        (
            "      - The kernel is {k} wide; count where it can start.",
            "      - The kernel is {kk} wide; count where it can start.",
            "The kernel is {kk}",
            "exercises[1].hints[0]: {kk} is not a parameter of this exercise (its parameters: k, n); write "
            "{{ and }} for a brace",
        ),
        (
            "    tolerance: 0.001",
            "    tolerance: 0",
            "tolerance: 0",
            "exercises[2].tolerance: '0' is not a tolerance: write a number above 0 (an absolute tolerance, "
            "such as 0.01) or a percentage (a relative one, such as 1%)",
        ),
        (
            "    tolerance: 0.001",
            "    tolerance: 50%",
            "tolerance: 50%",
            "exercises[2].tolerance: a relative tolerance is at most 10%, not '50%': a larger one accepts a "
            "different answer",
        ),
        (
            "    kind: shape",
            "    kind: shapes",
            "kind: shapes",
            "exercises[0].kind: unknown exercise kind 'shapes'; did you mean 'shape'?",
        ),
        (
            "    tolerance: 0.001",
            "    options: []",
            "options: []",
            "exercises[2].options: unknown field 'options'",
        ),
    ],
)
def test_a_malformed_exercise_is_refused_where_it_is(old: str, new: str, needle: str, message: str) -> None:
    text = replaced(old, new)
    headline = refuse(text)
    location, _, said = headline.partition(": ")
    assert said.startswith(message), headline
    line = line_of(text, needle)
    assert location.startswith(f"my.yaml:{line}:"), (headline, line)


def test_a_choice_with_only_one_option_is_refused() -> None:
    text = replaced(
        """      - text: "`w -= lr * w`"
        feedback: That is weight decay alone; it ignores the gradient but does not climb.
""",
        "",
    )
    first = '      - text: "`w -= lr * dw`"\n        feedback: This one is right; it steps'
    text = text.replace(f"{first} against the gradient, downhill.\n", "")
    assert "needs at least 2 options, found 1" in refuse(text)


def test_a_variant_that_makes_the_answer_undefined_is_refused_at_the_answer() -> None:
    text = replaced("    answer: n - k + 1\n", "    answer: 1/(n - 12)\n")
    found = failures(text)
    line = line_of(text, "answer: 1/(n - 12)")
    assert found["exercise out-size variants"] == (
        f"my.yaml:{line}:13: exercise out-size variants: the answer is not a usable value (this has no "
        "finite value) in the variant n = 12, k = 1: narrow the parameters"
    )


def test_a_variant_that_divides_by_zero_in_an_expression_answer_is_refused() -> None:
    text = replaced("    answer: a*z^(a - 1)\n", "    answer: z/(a - 5)\n").replace(
        "      - answer: z^(a - 1)\n", "      - answer: -z/(a - 5)\n"
    )
    found = failures(text)
    assert (
        "the answer is undefined (a division by zero?) in the variant a = 5"
        in found["exercise power variants"]
    )


def test_a_listed_mistake_equal_to_the_answer_in_a_variant_fails_naming_the_variant() -> None:
    text = replaced("      - answer: n - k\n", "      - answer: (n - k + 1)*(k - 1)/(k - 1) + (k - k)\n")
    text = text.replace("      k: odd 1..7\n", "      k: odd 3..7\n")
    found = failures(text)
    assert "this listed mistake is graded correct" in found["exercise out-size mistake 1"]
    assert "(in the variant n = " in found["exercise out-size mistake 1"]


def test_a_wrong_listed_option_feedback_is_checked() -> None:
    text = replaced("        correct: true\n", "        correct: false\n").replace(
        '      - text: "`w -= lr * w`"\n', '      - text: "`w -= lr * w`"\n        correct: true\n'
    )
    assert failures(text) == {}  # another right option: still proven, its wrong options checked


def test_a_matrix_answer_of_the_wrong_shape_as_a_listed_mistake_is_caught_with_its_feedback() -> None:
    lesson = load(FIXTURE)
    results = {result.key: result for result in check_lesson(lesson)}
    assert results["exercise dx mistake 1"].passed  # g^T W: a row, said as a shape with its feedback


def test_variants_are_reproducible_from_their_seed_and_fill_every_text() -> None:
    exercise = load(FIXTURE).exercise("out-size")
    assert draw(exercise.parameters, 11) == draw(exercise.parameters, 11)
    seen = {draw(exercise.parameters, seed) for seed in range(40)}
    assert len(seen) > 10
    variant = instantiate(exercise, 11)
    assert variant.seed == 11 and variant.drawn == draw(exercise.parameters, 11)
    n, k = (value for _, value in variant.drawn)
    assert "{n}" not in variant.prompt and f"width {n}" in variant.prompt
    assert variant.solution == f"{n} - {k} + 1 positions."
    for name, value in variant.drawn:
        assert name in "nk" and (8 <= int(value) <= 20 if name == "n" else int(value) % 2 == 1)


def test_the_template_substitutes_names_only() -> None:
    values = {"a": "3"}
    assert fill("{a} and {{a}} and {b} and {a.__class__} and {a!r} and {0}", values) == (
        "3 and {a} and {b} and {a.__class__} and {a!r} and {0}"
    )


def test_every_draw_lists_a_small_grid_whole_and_samples_a_large_one() -> None:
    exercise = load(FIXTURE).exercise("out-size")
    assert len(list(every_draw(exercise.parameters))) == 13 * 4
    text = replaced("      n: integer 8..20", "      n: integer 8..200000")
    large = list(every_draw(load(text).exercise("out-size").parameters))
    assert 200 <= len(large) <= 256 and len(set(large)) == len(large)
    assert (("n", "8"), ("k", "1")) in large and (("n", "200000"), ("k", "7")) in large
