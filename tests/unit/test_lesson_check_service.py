"""Checking lessons in killable workers: an item that never ends is stopped and the rest still run."""

from __future__ import annotations

import threading
from pathlib import Path

from studybuddy.core.lessons import Lesson, validate_lesson
from studybuddy.core.lessons.checker import CheckItem, ItemResult
from studybuddy.services.lesson_checking import run_checks
from studybuddy.storage.lesson_yaml import load_yaml_text

GOOD = (Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml").read_text()


def _never_ends() -> ItemResult:
    threading.Event().wait()  # blocks for ever, like a runaway SymPy computation
    raise AssertionError("unreachable")


def plan_with_a_hang(lesson: Lesson) -> list[CheckItem]:
    """A planner for the worker (found by name): fine, hangs, fine."""
    return [
        CheckItem("before", lambda: ItemResult("before", True, "fine")),
        CheckItem("forever", _never_ends),
        CheckItem("after", lambda: ItemResult("after", True, "fine")),
    ]


def test_an_item_that_never_ends_is_stopped_and_the_lesson_carries_on() -> None:
    lesson = validate_lesson(load_yaml_text(GOOD, "my.yaml"), "my.yaml")
    [report] = run_checks([lesson], item_timeout=0.5, workers=1, planner=f"{__name__}:plan_with_a_hang")
    assert [(r.key, r.passed) for r in report.results] == [
        ("before", True),
        ("forever", False),
        ("after", True),
    ]
    assert report.results[1].message.startswith("took longer than 0.5 s and was stopped")
    assert not report.passed


def test_real_lessons_are_checked_in_workers_in_parallel() -> None:
    lessons = [
        validate_lesson(
            load_yaml_text(GOOD.replace("sigmoid-derivative", name), f"{name}.yaml"), f"{name}.yaml"
        )
        for name in ("one", "two")
    ]
    reports = sorted(run_checks(lessons, workers=2), key=lambda report: report.source)
    assert [(r.lesson_id, r.passed, len(r.results)) for r in reports] == [
        ("one", True, 13),
        ("two", True, 13),
    ]
