"""The math the TUI shows, computed inside the grading worker process (never in the app's process).

The app sends plain data or a ``Lesson`` (it pickles) and gets plain data back: pretty-printed text,
step marks, numeric check figures. SymPy and NumPy are imported here, in the worker, so the app's
process stays small and its event loop never waits for an import of SymPy.

Each function answers one request and is bounded by the grading service's time limit per request.
An exercise answer's preview is not here: it is read as its grade reads it (``core.grading.grader``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from studybuddy.core.errors import StudybuddyError

if TYPE_CHECKING:
    from studybuddy.core.lessons import Lesson
    from studybuddy.core.lessons.compile import LessonMath

_LESSONS_KEPT = 8  # parsed lessons kept in the worker: a learner moves between a few lessons at a time
_lessons: OrderedDict[Lesson, LessonMath] = OrderedDict()


def pretty(expr: Any) -> str:
    from sympy.printing.pretty.pretty import PrettyPrinter  # safe: printing only, nothing is parsed here
    from sympy.printing.pretty.pretty_symbology import pretty_use_unicode

    class Printer(PrettyPrinter):
        # SymPy's pretty printer writes Max's and Min's arguments with str() ('Max(0, w11*x1)'):
        # printed as any other function, they read as the rest of the step does (Max(0, w₁₁⋅x₁)).
        def _print_Max(self, expr: Any) -> Any:
            return self._print_Function(expr)

        _print_Min = _print_Max

    was_unicode = pretty_use_unicode(True)  # as sympy.pretty(use_unicode=True) does
    try:
        return str(Printer({"use_unicode": True, "wrap_line": False}).doprint(expr))
    finally:
        pretty_use_unicode(was_unicode)


def _math(lesson: Lesson) -> LessonMath:
    """The lesson's parsed mathematics, kept for the next request about the same lesson.

    Keyed by the lesson itself: a Lesson is an immutable value that compares by everything it holds
    (its fingerprint is its file's SHA-256), so an edited lesson is another key, never stale math.
    """
    from studybuddy.core.lessons.compile import LessonMath

    math = _lessons.get(lesson)
    if math is None:
        math = LessonMath(lesson)  # parses the symbols and definitions; LessonError when they are bad
        _lessons[lesson] = math
        while len(_lessons) > _LESSONS_KEPT:
            _lessons.popitem(last=False)
    _lessons.move_to_end(lesson)
    return math


def lesson_steps(lesson: Lesson) -> dict[str, Any]:
    """Each derivation step pretty-printed as the lesson wrote it (not as SymPy simplifies it)."""
    from studybuddy.core.mathexpr import parse_expression

    table = _math(lesson).table
    steps = []
    for step in lesson.derivation:
        try:
            steps.append(pretty(parse_expression(step.expr.text, table, evaluate=False)))
        except StudybuddyError:  # shown as written; `studybuddy lessons check` names the problem
            steps.append(step.expr.text)
    return {"steps": steps}


def verify_step(lesson: Lesson, index: int) -> dict[str, Any]:
    """``mark``: "start" (a starting point), "checked" (follows from the step before) or "failed";
    ``message``: what `studybuddy lessons check` says of the step (the same call decides both)."""
    from studybuddy.core.lessons.checker import is_starting_point, step_result

    result = step_result(_math(lesson), index)
    if not result.passed:
        return {"mark": "failed", "message": result.message}
    return {"mark": "start" if is_starting_point(lesson, index) else "checked", "message": result.message}


def numeric_check(lesson: Lesson, check_id: str) -> dict[str, Any]:
    """One of the lesson's numeric checks, run as `studybuddy lessons check` runs it, with its figures:
    ``rows`` as studybuddy.core.numeric gives them (for a gradient: per variable the analytic and
    numeric values and the relative error)."""
    from studybuddy.core.lessons.checker import numeric_check_result

    check = next((check for check in lesson.checks if check.id == check_id), None)
    if check is None:
        raise StudybuddyError(f"the lesson {lesson.id} has no check {check_id!r}")
    result = numeric_check_result(_math(lesson), check)
    return {
        "id": check.id,
        "kind": check.kind,
        "passed": result.passed,
        "summary": result.message,
        "rows": _plain_rows(result.rows),
    }


def _plain_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with plain Python numbers only (no NumPy scalars cross the pipe into the app)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        if hasattr(value, "tolist"):
            return value.tolist()
        if isinstance(value, complex):
            return value.real if value.imag == 0 else str(value)
        return value

    return [plain(row) for row in rows]


def answer_shape(lesson: Lesson, exercise: Any) -> dict[str, Any]:
    """``shape``: what the exercise's expected answer is ('2x1 (a column)'), None for a number."""
    from studybuddy.core.grading.grader import expected_shape
    from studybuddy.core.grading.terms import exercise_terms

    return {"shape": expected_shape(exercise_terms(lesson, exercise))}


def clear_examples(lesson: Lesson, exercise: Any, candidates: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """``index``: the first set of example texts none of which grades as the exercise's answer."""
    from studybuddy.core.grading.examples import first_clear
    from studybuddy.core.grading.terms import exercise_terms

    return {"index": first_clear(candidates, exercise_terms(lesson, exercise))}


def derive_reference(lesson: Lesson, exercise_id: str) -> dict[str, Any]:
    """Which steps of the lesson's derivation a derive exercise without its own reference uses
    (``start``, ``stop``: a slice), found by equivalence (core.lessons.derive_exercises)."""
    from studybuddy.core.lessons.derive_exercises import derive_reference as reference_of

    exercise = next(item for item in lesson.derive_exercises if item.id == exercise_id)
    if exercise.reference:
        return {"start": None, "stop": None}
    steps = reference_of(lesson, exercise)
    start = lesson.derivation.index(steps[0])
    return {"start": start, "stop": start + len(steps)}


HANDLERS: dict[str, Callable[..., dict[str, Any]]] = {
    "derive_reference": derive_reference,
    "lesson_steps": lesson_steps,
    "verify_step": verify_step,
    "numeric_check": numeric_check,
    "answer_shape": answer_shape,
    "clear_examples": clear_examples,
}


def answer(kind: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """Run one request in the worker: ``{"math": result}`` or ``{"math_error": message}``."""
    from studybuddy.core.lessons import LessonError

    try:
        return {"math": HANDLERS[kind](*args)}
    except (StudybuddyError, LessonError) as error:
        return {"math_error": str(error)}
    except (RecursionError, ValueError, TypeError, ArithmeticError) as error:
        return {"math_error": f"SymPy failed on this ({type(error).__name__}: {error})"}
