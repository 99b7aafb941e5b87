"""What the lesson screen shows of a lesson's math: each derivation step pretty-printed, each step's
mark, and the numeric checks with their figures.

Asked of the grading worker process (the app's process never imports SymPy), which answers with the
lesson checker's own functions, so the app and `studybuddy lessons check` cannot disagree. Kept for the
session per lesson, so reopening a lesson shows them at once; an answer that may change when asked
again (a time-out) is never kept. Called from worker threads: each call waits for the grading worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from studybuddy.core.errors import StudybuddyError

if TYPE_CHECKING:
    from studybuddy.core.lessons import Lesson

# A step's mark: "start" (a starting point), "checked" (follows from the step before), "failed", or
# "unknown" (the worker ran out of time: asked again next time the lesson is opened).
UNKNOWN = "unknown"


@dataclass
class LessonFigures:
    lesson: Lesson
    steps: list[str] | None = None  # pretty-printed, in derivation order
    marks: dict[int, str] = field(default_factory=dict)  # step index -> mark (never "unknown")
    checks: list[dict[str, Any]] | None = None  # numeric check results, in lesson order


class LessonFiguresCache:
    """By lesson id; an entry is dropped when the lesson changed (an edited file is another lesson)."""

    def __init__(self) -> None:
        self._by_id: dict[str, LessonFigures] = {}

    def for_lesson(self, lesson: Lesson) -> LessonFigures:
        entry = self._by_id.get(lesson.id)
        if entry is None or entry.lesson != lesson:
            entry = self._by_id[lesson.id] = LessonFigures(lesson)
        return entry


def pretty_steps(grading: Any, figures: LessonFigures) -> list[str]:
    """The steps as the worker pretty-prints them (StudybuddyError when it cannot read the lesson)."""
    if figures.steps is None:
        figures.steps = grading.lesson_steps(figures.lesson)
    return figures.steps


def step_mark(grading: Any, figures: LessonFigures, index: int) -> str:
    """The mark of derivation step ``index``: the checker's verdict, through the worker."""
    from studybuddy.services.grading import MathStopped

    mark = figures.marks.get(index)
    if mark is not None:
        return mark
    try:
        mark = str(grading.verify_step(figures.lesson, index)["mark"])
    except MathStopped:  # a time or memory limit: not the step's fault, asked again next time
        return UNKNOWN
    except StudybuddyError:  # an expression the checker refuses: `studybuddy lessons check` says why
        mark = "failed"
    figures.marks[index] = mark
    return mark


def numeric_checks(grading: Any, figures: LessonFigures) -> list[dict[str, Any]]:
    """Every numeric check of the lesson, run as `studybuddy lessons check` runs it, with its figures."""
    if figures.checks is not None:
        return figures.checks
    results = [_numeric_check(grading, figures.lesson, check.id) for check in figures.lesson.checks]
    if not any(result.get("timed_out") for result in results):
        figures.checks = results
    return results


def _numeric_check(grading: Any, lesson: Lesson, check_id: str) -> dict[str, Any]:
    from studybuddy.services.grading import MathStopped

    try:
        return dict(grading.numeric_check(lesson, check_id))
    except StudybuddyError as error:  # a time-out or a check SymPy could not run: shown as failed
        timed_out = isinstance(error, MathStopped)  # a time or memory limit: run again next time
        return {
            "id": check_id,
            "kind": "",
            "passed": False,
            "summary": str(error),
            "rows": [],
            "timed_out": timed_out,
        }


def format_checks(results: list[dict[str, Any]]) -> str:
    """One line per check (✓/✗, its id, the checker's summary); for a gradient, a line per variable
    with the analytic and numeric values and their relative error."""
    lines: list[str] = []
    for result in results:
        lines.append(f"{'✓' if result['passed'] else '✗'} {result['id']}: {result['summary']}")
        if result.get("kind") == "gradient":
            lines.extend(f"    {describe_gradient_row(row)}" for row in result["rows"])
    return "\n".join(lines) or "This lesson has no numeric checks."


def describe_gradient_row(row: dict[str, Any]) -> str:
    """``∂/∂z: analytic 0.2350037, numeric 0.2350037, relative error 3.1e-11 (excellent)``."""
    analytic, numeric = row["analytic"], row["numeric"]
    if isinstance(analytic, list) or isinstance(numeric, list):
        values = f"{_count(analytic)} entries"
    else:
        values = f"analytic {analytic:.7g}, numeric {numeric:.7g}"
    return f"∂/∂{row['variable']}: {values}, relative error {row['relative_error']:.1e} ({row['rating']})"


def _count(value: Any) -> int:
    return sum(_count(item) for item in value) if isinstance(value, list) else 1
