"""Math workers are bounded: an answer or lesson item that fills memory is stopped and said so, the worker
is replaced, and `lessons check` never runs more workers than half the machine's memory holds."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from studybuddy.core.derivation.model import context_of, derivation_from_text
from studybuddy.core.lessons import Lesson, validate_lesson
from studybuddy.core.lessons.checker import CheckItem, ItemResult
from studybuddy.core.mathexpr import Domain, Variable
from studybuddy.services.derivation import DerivationService
from studybuddy.services.grading import GradingService
from studybuddy.services.lesson_checking import run_checks, worker_count
from studybuddy.services.worker_limits import MEMORY_LIMIT, MiB, workers_within_memory
from studybuddy.storage.lesson_yaml import load_yaml_text

X = [Variable("x", Domain.REAL)]
# A typed answer that took one process to 1.8 GB within the 2 s limit (5.2 GB in `lessons check`).
TOWER = "2^9^x^e^9^2^e^2^x^e^1.0001^9"
GOOD = (Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml").read_text()
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is Linux's")


def _lesson(text: str = GOOD) -> Lesson:
    return validate_lesson(load_yaml_text(text, "my.yaml"), "my.yaml")


@linux_only
@pytest.mark.slow  # two cold worker starts (each imports SymPy)
def test_an_answer_that_fills_memory_is_unknown_says_so_and_the_next_answer_is_graded() -> None:
    with GradingService() as service:
        assert service.grade("x^2", "x*x", X).kind == "equivalent"

        verdict = service.grade(TOWER, "x", X)

        assert verdict.kind == "unknown"
        assert verdict.strength == "memory limit"
        assert verdict.detail.startswith("Too much memory: this needed more than 768 MiB")
        assert service.restarts == 1
        after = service.grade("2x", "x", X)  # a fresh worker answers the next request
        assert after.kind == "different"
        assert after.diagnosis is not None and after.diagnosis.code == "factor"


@linux_only
@pytest.mark.slow
def test_a_derivation_line_that_fills_memory_is_unknown_and_later_lines_are_marked() -> None:
    derivation = derivation_from_text(f"x\n= {TOWER}\ny^2\n= y*y", context_of(["x", "y"]), "tower")
    with GradingService() as grading:
        marks = list(DerivationService(grading).marks(derivation))
        assert grading.restarts >= 1
    assert marks[1].verdict == "unknown"
    assert "too much memory" in marks[1].detail
    assert marks[-1].verdict == "follows"  # y*y after y^2: marked by a fresh worker


@linux_only
@pytest.mark.slow
def test_a_lesson_item_that_fills_memory_fails_saying_so_and_the_rest_of_the_lesson_is_checked() -> None:
    text = GOOD.replace("      - answer: s*(1 + s)\n", f"      - answer: {TOWER}\n", 1)
    [report] = run_checks([_lesson(text)], workers=1)

    results = {result.key: result for result in report.results}
    tower = results["exercise sigmoid-prime mistake 1"]
    assert not tower.passed
    assert tower.message.startswith("too much memory: needed more than 768 MiB and was stopped")
    # A fresh worker carried on after it: every later item was checked, and passed.
    later = report.results[report.results.index(tower) + 1 :]
    assert [result.key for result in later] == [
        "exercise sigmoid-at-zero",
        "exercise one-minus-s",
        "exercise one-minus-s mistake 1",
    ]
    assert all(result.passed for result in later)


def _never_returns(lesson: Lesson) -> list[CheckItem]:
    threading.Event().wait()  # a definition whose expansion never ends
    raise AssertionError("unreachable")


def test_reading_a_lesson_is_held_to_the_item_time_limit_and_says_what_was_stopped() -> None:
    [report] = run_checks([_lesson()], item_timeout=0.5, workers=1, planner=f"{__name__}:_never_returns")

    [result] = report.results
    assert result.key == "symbols"
    assert result.message.startswith(
        "reading the symbols and definitions took longer than 0.5 s and was stopped"
    )


def _crash() -> ItemResult:
    os._exit(7)  # a crash in a C extension, or the system's out-of-memory killer


def plan_with_a_crash(lesson: Lesson) -> list[CheckItem]:
    return [
        CheckItem("before", lambda: ItemResult("before", True, "fine")),
        CheckItem("crash", _crash),
        CheckItem("after", lambda: ItemResult("after", True, "fine")),
    ]


def test_a_worker_that_dies_on_an_item_fails_that_item_and_a_fresh_one_checks_the_rest() -> None:
    [report] = run_checks([_lesson()], workers=1, planner=f"{__name__}:plan_with_a_crash")

    assert [(result.key, result.passed) for result in report.results] == [
        ("before", True),
        ("crash", False),
        ("after", True),
    ]
    assert report.results[1].message == (
        "the checker process stopped unexpectedly while checking this (exit code 7)"
    )


@pytest.mark.parametrize(
    ("memory_gib", "expected"),
    [(0.5, 1), (2, 1), (3, 2), (4, 2), (6, 4), (8, 4), (64, 4)],
)
def test_lessons_check_runs_only_as_many_workers_as_half_the_memory_holds(
    memory_gib: float, expected: int
) -> None:
    memory = int(memory_gib * 1024 * MiB)
    assert worker_count(8, 10, memory=memory) == expected
    assert worker_count(8, 10, memory=memory) * MEMORY_LIMIT <= max(memory // 2, MEMORY_LIMIT)


def test_worker_count_is_never_more_than_the_lessons_or_four() -> None:
    many = 1024 * 1024 * MiB
    assert worker_count(8, 3, memory=many) == 3
    assert worker_count(None, 100, memory=many) == min(os.cpu_count() or 1, 4)
    assert workers_within_memory(4, total_memory=None) in (1, 2, 3, 4)
