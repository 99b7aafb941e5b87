"""Every bundled exercise: the example answers shown beside the answer box are never its answer.

The box once said "The letters of your choices: a c" above a choice whose right options were a and c,
"2x, x^2" above d/dx x^2, "np.outer(g, x)" above dW = g x^T, and "2^10" above a variant drawing 2^n
with n = 10. Each example shown (placeholder and instruction) is graded against the exercise as the
app grades it: none may be right. A number's examples are the set the grading worker would choose.
"""

from __future__ import annotations

import pytest

from studybuddy.core.grading.examples import first_clear
from studybuddy.core.grading.grader import grade_terms
from studybuddy.core.grading.terms import exercise_terms
from studybuddy.core.lessons import Exercise, Lesson
from studybuddy.core.lessons.variants import instantiate
from studybuddy.services.exercise_form import exercise_form, number_placeholder
from studybuddy.storage.lesson_library import bundled_lessons_dir, find_lesson_files, read_lesson

LESSONS = [read_lesson(file) for file in find_lesson_files([(bundled_lessons_dir(), "bundled")])]
SEEDS = range(1, 41)  # an exercise with parameters: this many variants, as the app draws them
EXERCISES = [
    pytest.param(lesson, exercise, id=f"{lesson.id}/{exercise.id}")
    for lesson in LESSONS
    for exercise in lesson.exercises
]


def shown_examples(lesson: Lesson, variant: Exercise) -> list[str]:
    form = exercise_form(lesson, variant)
    examples = list(form.examples)
    if form.number_examples:
        chosen = first_clear(form.number_examples, exercise_terms(lesson, variant))
        assert chosen is not None, "every set of number examples holds the answer"
        examples += form.number_examples[chosen]
        placeholder = number_placeholder(form.number_examples[chosen])
    else:
        placeholder = form.placeholder
    for example in examples:
        assert example in placeholder or example in form.instruction, f"{example!r} is not what is shown"
    return examples


def test_every_kind_shows_examples() -> None:
    kinds = {exercise.kind for lesson in LESSONS for exercise in lesson.exercises}
    assert {"answer", "number", "shape", "choice"} <= kinds
    for lesson in LESSONS:
        for exercise in lesson.exercises:
            form = exercise_form(lesson, instantiate(exercise, 1))
            assert form.examples or form.number_examples, f"{lesson.id}/{exercise.id} shows no example"


@pytest.mark.parametrize(("lesson", "exercise"), EXERCISES)
def test_no_example_shown_is_the_answer(lesson: Lesson, exercise: Exercise) -> None:
    seeds = SEEDS if exercise.parameters else [1]
    for seed in seeds:
        variant = instantiate(exercise, seed)
        terms = exercise_terms(lesson, variant)
        for example in shown_examples(lesson, variant):
            verdict = grade_terms(example, terms)
            assert verdict.kind != "equivalent", f"seed {seed}: the example {example!r} is the answer"


@pytest.mark.parametrize(
    ("answer", "tolerance", "chosen"),
    [
        ("2^10", None, 1),  # the first set shows 2^10
        ("1024", None, 1),
        ("1/4", None, 1),
        ("0.2501", ("absolute", 0.001), 1),  # within the tolerance of 0.25
        ("0.27", ("absolute", 0.05), 2),  # 0.25 and 0.3 are both within 0.05
        ("7/3", None, 0),
    ],
)
def test_a_number_s_examples_skip_a_set_that_holds_its_answer(answer: str, tolerance, chosen: int) -> None:
    from studybuddy.core.grading.terms import GradingTerms
    from studybuddy.services.exercise_form import NUMBER_EXAMPLES

    terms = GradingTerms(answer, (), answer_variables=(), kind="number", tolerance=tolerance)
    assert first_clear(NUMBER_EXAMPLES, terms) == chosen
