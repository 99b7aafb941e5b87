"""Checking listed mistakes is bounded: each is compared with every one before it, so past
MAX_CHECKED_MISTAKES a lesson is refused at the first unchecked mistake instead of taking minutes."""

from __future__ import annotations

from pathlib import Path

from studybuddy.core.lessons import validate_lesson
from studybuddy.core.lessons.checker import MAX_CHECKED_MISTAKES, plan_checks
from studybuddy.storage.lesson_yaml import load_yaml_text

GOOD = (Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml").read_text()
FIRST_MISTAKE = "      - answer: s*(1 + s)\n        feedback: Check the sign of the second factor.\n"


def _with_mistakes(count: int) -> str:
    extra = "".join(
        f"      - answer: s*(1 - s) + {n}*x\n        feedback: Mistake {n}.\n" for n in range(count)
    )
    return GOOD.replace(FIRST_MISTAKE, FIRST_MISTAKE + extra, 1)


def test_an_exercise_with_400_listed_mistakes_is_refused_at_the_first_one_past_the_limit() -> None:
    text = _with_mistakes(399)
    lesson = validate_lesson(load_yaml_text(text, "many.yaml"), "many.yaml")

    keys = [item.key for item in plan_checks(lesson)]
    mistakes = [key for key in keys if key.startswith("exercise sigmoid-prime mistake")]

    assert len(mistakes) == MAX_CHECKED_MISTAKES + 1  # not 400 items of up to 400 comparisons each
    [refusal] = [item for item in plan_checks(lesson) if item.key == mistakes[-1]]
    result = refusal.run()
    assert not result.passed
    assert result.message == (
        f"this exercise lists 400 mistakes; at most {MAX_CHECKED_MISTAKES} can be checked "
        "(each is compared with every one listed before it)"
    )
    line = text.splitlines().index(f"      - answer: s*(1 - s) + {MAX_CHECKED_MISTAKES - 1}*x") + 1
    assert result.location is not None and result.location.line == line
    assert keys[-1] == "exercise one-minus-s mistake 1"  # the other exercises are still checked


def test_an_exercise_at_the_limit_is_checked_in_full() -> None:
    lesson = validate_lesson(load_yaml_text(_with_mistakes(MAX_CHECKED_MISTAKES - 1), "at.yaml"), "at.yaml")
    keys = [item.key for item in plan_checks(lesson) if item.key.startswith("exercise sigmoid-prime mistake")]
    assert keys[-1] == f"exercise sigmoid-prime mistake {MAX_CHECKED_MISTAKES}"
    assert len(keys) == MAX_CHECKED_MISTAKES
