"""Helpers for grading tests."""

from __future__ import annotations

from studybuddy.core.grading import grade
from studybuddy.core.mathexpr import SymbolTable


def diagnosed(answer: str, expected: str, table: SymbolTable, **kwargs: object) -> tuple[str, str]:
    """(code, message) of the diagnosis of a wrong answer; fails unless it is wrong and diagnosed,
    with the verdict's detail being that diagnosis."""
    verdict = grade(answer, expected, table, **kwargs)  # type: ignore[arg-type]
    assert verdict.kind == "different"
    assert verdict.diagnosis is not None, verdict.detail
    assert verdict.detail == verdict.diagnosis.message
    return verdict.diagnosis.code, verdict.diagnosis.message
