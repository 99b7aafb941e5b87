"""The math the TUI shows, computed inside the grading worker process (never in the app's process).

The app sends plain data or a ``Lesson`` (it pickles) and gets plain data back: pretty-printed text,
step marks, numeric check figures. SymPy and NumPy are imported here, in the worker, so the app's
process stays small and its event loop never waits for an import of SymPy.

Each function answers one request and is bounded by the grading service's time limit per request.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from studybuddy.core.errors import StudybuddyError

_LESSONS_KEPT = 8  # parsed lessons kept in the worker: a learner moves between a few lessons at a time
_lessons: OrderedDict[Any, Any] = OrderedDict()


def pretty(expr: Any) -> str:
    import sympy  # safe: printing only, nothing is parsed here

    return str(sympy.pretty(expr, use_unicode=True, wrap_line=False))


def preview(text: str, variables: tuple[tuple[str, str, tuple[int, ...] | None], ...]) -> dict[str, Any]:
    """The answer box's preview: ``pretty`` or ``message``/``pointer``/``start``/``end`` of the error."""
    from studybuddy.core.mathexpr import Domain, ExprError, SymbolTable, Variable, parse_expression

    if not text.strip():
        return {"pretty": None}
    try:
        table = SymbolTable(Variable(name, Domain(domain), shape) for name, domain, shape in variables)
        return {"pretty": pretty(parse_expression(text, table))}
    except ExprError as error:
        return {
            "pretty": None,
            "message": str(error),
            "pointer": error.pointer(),
            "start": error.start,
            "end": error.end,
        }


def _math(lesson: Any) -> Any:
    """The lesson's LessonMath, kept for the next request about the same lesson."""
    if lesson in _lessons:
        _lessons.move_to_end(lesson)
        return _lessons[lesson]
    math = lesson.math  # parses the symbols and definitions; LessonError when they are bad
    _lessons[lesson] = math
    while len(_lessons) > _LESSONS_KEPT:
        _lessons.popitem(last=False)
    return math


def lesson_steps(lesson: Any) -> dict[str, Any]:
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


def verify_step(lesson: Any, index: int) -> dict[str, Any]:
    """``mark``: "start" (a starting point), "checked" (follows from the step before) or "failed"."""
    from studybuddy.core.lessons.checker import step_follows

    step = lesson.derivation[index]
    if index == 0 or step.by.kind == "given":
        return {"mark": "start", "message": "a starting point"}
    _math(lesson)  # the parsed lesson, shared with the other requests
    result = step_follows(lesson, index)
    return {"mark": "checked" if result.passed else "failed", "message": result.message}


def numeric_check(lesson: Any, check_id: str) -> dict[str, Any]:
    """One of the lesson's numeric checks with its figures: ``rows`` as studybuddy.core.numeric gives
    them (for a gradient: per variable the analytic and numeric values and the relative error)."""
    from studybuddy.core.lessons.checker import DEFAULT_TOLERANCE, SEED, example_value
    from studybuddy.core.numeric import example_check, gradient_check, identity_check

    math = _math(lesson)
    check = next((check for check in lesson.checks if check.id == check_id), None)
    if check is None:
        raise StudybuddyError(f"the lesson {lesson.id} has no check {check_id!r}")
    tolerance = DEFAULT_TOLERANCE[check.kind] if check.tolerance is None else check.tolerance
    at = dict(check.at) or None
    if check.kind == "gradient":
        gradient = {name: math.expanded(text) for name, text in check.gradient}
        function = math.expanded(check.function)
        result = gradient_check(function, gradient, math.table, at=at, seed=SEED, tolerance=tolerance)
    elif check.kind == "identity":
        lhs, rhs = math.expanded(check.lhs), math.expanded(check.rhs)
        if at is not None:  # one given point: a worked example of the identity, as the checker does
            table = math.table_of(lhs, rhs)
            point = {v.name: at[v.name] for v in table.variables if v.name in at}
            result = example_check(lhs, point, example_value(rhs, point, table), table, tolerance=tolerance)
        else:
            result = identity_check(lhs, rhs, math.table, seed=SEED, tolerance=tolerance)
    else:
        expr = math.expanded(check.expr)
        table = math.table_of(expr)
        result = example_check(expr, dict(check.values), check.expected, table, tolerance=tolerance)
    return {
        "id": check.id,
        "kind": check.kind,
        "passed": bool(result.passed),
        "summary": result.summary,
        "rows": _plain_rows(result.rows),
    }


def _plain_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


HANDLERS = {
    "preview": preview,
    "lesson_steps": lesson_steps,
    "verify_step": verify_step,
    "numeric_check": numeric_check,
}


def answer(kind: str, args: tuple[Any, ...]) -> dict[str, Any]:
    """Run one request in the worker: ``{"math": result}`` or ``{"math_error": message}``."""
    from studybuddy.core.lessons import LessonError

    try:
        return {"math": HANDLERS[kind](*args)}
    except (StudybuddyError, LessonError) as error:
        return {"math_error": str(error)}
    except (RecursionError, MemoryError, ValueError, TypeError, ArithmeticError) as error:
        return {"math_error": f"SymPy failed on this ({type(error).__name__}: {error})"}
