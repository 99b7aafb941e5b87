"""Equivalence of vector and matrix expressions (declared shapes): compared at random matrices.

A wrong matrix answer is diagnosed on the same random values: a listed mistake, a sign error, a
constant factor (the same messages as for scalars, diagnosis.py), or the transpose of the expected
answer (`x dz^T` for `dz x^T`), which is the classic matrix-calculus slip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from studybuddy.core import numeric
from studybuddy.core.grading.diagnosis import SIGN_ERROR, factor_diagnosis, guess_constant
from studybuddy.core.grading.verdict import Diagnosis, Verdict, unknown
from studybuddy.core.mathexpr import SymbolTable, Variable

MATRIX_POINTS = 12
MATRIX_RTOL = 1e-9

TRANSPOSED = Diagnosis("transpose", "Your answer is the transpose of the expected one.")

Values = list[np.ndarray | None]  # one array per random point; None where it is not finite


def equivalent_matrices(a: sympy.Basic, b: sympy.Basic, table: SymbolTable, *, seed: int = 0) -> Verdict:
    """Numeric comparison only: SymPy's matrix-expression simplification is too weak to prove much."""
    shape_a, shape_b = _shape(a), _shape(b)
    if shape_a != shape_b:
        return Verdict(
            "different",
            "different shapes",
            f"Not equal to the expected answer: yours has shape {_show(shape_a)} "
            f"but the expected answer has shape {_show(shape_b)}.",
        )
    try:
        left, right = _compiled(a, table.variables), _compiled(b, table.variables)
    except (ValueError, TypeError, NameError) as error:
        return unknown(f"Could not evaluate these expressions numerically ({error}).")
    agreed = 0
    for index in range(MATRIX_POINTS):
        point = _point(table.variables, seed, index)
        va, vb = np.asarray(left(**point), dtype=complex), np.asarray(right(**point), dtype=complex)
        if va.size == 1 and vb.size == 1:
            va, vb = va.reshape(()), vb.reshape(())
        if not (np.all(np.isfinite(va)) and np.all(np.isfinite(vb))):
            continue
        if va.shape != vb.shape or numeric.relative_error(va, vb) > MATRIX_RTOL:
            return Verdict(
                "different",
                "different at random values",
                "Not equal to the expected answer: they differ at random values of "
                + ", ".join(sorted({getattr(s, "name", str(s)) for s in a.free_symbols | b.free_symbols}))
                + ".",
            )
        agreed += 1
    if agreed == 0:
        return unknown("Could not decide: neither side is defined at the random values tried.")
    return Verdict(
        "equivalent",
        f"equal at {agreed} random points",
        f"Correct: it agrees with the expected answer at {agreed} random values of the matrices.",
    )


def _shape(expr: sympy.Basic) -> tuple[int, int]:
    shape = getattr(expr, "shape", None)
    return (1, 1) if shape is None else (int(shape[0]), int(shape[1]))


def _show(shape: tuple[int, int]) -> str:
    return "scalar" if shape == (1, 1) else f"{shape[0]} x {shape[1]}"


def diagnose_matrices(
    answer: sympy.Basic,
    expected: sympy.Basic,
    table: SymbolTable,
    *,
    mistakes: Sequence[tuple[sympy.Basic, str]] = (),
    seed: int = 0,
) -> Diagnosis | None:
    """Why matrix ``answer`` differs from ``expected``: a listed mistake, a sign, a constant factor
    or a transpose; None when it is none of these (or cannot be evaluated)."""
    answers = _values(answer, table, seed)
    if answers is None:
        return None
    for index, (mistake, feedback) in enumerate(mistakes):
        if _agree(answers, _values(mistake, table, seed)):
            return Diagnosis(f"listed:{index}", feedback)
    expected_values = _values(expected, table, seed)
    if expected_values is None:
        return None
    if _agree(answers, [None if v is None else -v for v in expected_values]):
        return SIGN_ERROR
    if _agree(answers, [None if v is None else v.T for v in expected_values]):
        return TRANSPOSED
    ratios = _ratios(answers, expected_values)
    if ratios is None:
        return None
    if numeric.relative_error(ratios, ratios[0]) <= MATRIX_RTOL:
        if abs(ratios[0] - 1) <= MATRIX_RTOL:
            return None
        ratio = guess_constant(complex(ratios[0]))
        return factor_diagnosis(ratio, _scalar_factors(expected), _scalar_factors(answer))
    return _scalar_factor(answer, expected, ratios, answers, table, seed)


def _scalar_factor(
    answer: sympy.Basic,
    expected: sympy.Basic,
    ratios: np.ndarray,
    answers: Values,
    table: SymbolTable,
    seed: int,
) -> Diagnosis | None:
    """A scalar factor with variables (1/N, lam) in one side's coefficient that the other lacks."""
    defined = [a is not None for a in answers]
    for candidate in dict.fromkeys(_scalar_factors(expected) + _scalar_factors(answer)):
        if not candidate.free_symbols:
            continue
        values = _values(candidate, table, seed)
        if values is None or any(v is None for v, d in zip(values, defined, strict=True) if d):
            continue
        scalars = np.array([complex(v) for v, d in zip(values, defined, strict=True) if d and v is not None])
        if scalars.shape != ratios.shape:
            continue
        if numeric.relative_error(ratios * scalars, 1) <= MATRIX_RTOL:
            return Diagnosis("missing-factor", f"Your answer is missing the factor {sympy.sstr(candidate)}.")
        if numeric.relative_error(ratios, scalars) <= MATRIX_RTOL:
            return Diagnosis("extra-factor", f"Your answer has an extra factor {sympy.sstr(candidate)}.")
    return None


def _values(expr: sympy.Basic, table: SymbolTable, seed: int) -> Values | None:
    """``expr`` at the random points equivalent_matrices uses; None when it cannot be evaluated."""
    try:
        function = _compiled(expr, table.variables)
        return [_finite(function(**_point(table.variables, seed, i))) for i in range(MATRIX_POINTS)]
    except (ValueError, TypeError, NameError, ArithmeticError):
        return None


@lru_cache(maxsize=256)
def _compiled(expr: sympy.Basic, variables: tuple[Variable, ...]) -> Callable[..., Any]:
    """Compiled once per expression: lambdify costs milliseconds, and the expected answer repeats."""
    return numeric.compile_expression(expr, SymbolTable(variables))


@lru_cache(maxsize=1024)
def _point(variables: tuple[Variable, ...], seed: int, index: int) -> dict[str, Any]:
    return numeric.random_point(SymbolTable(variables), seed, index)


def _finite(value: Any) -> np.ndarray | None:
    array = np.asarray(value, dtype=complex)
    array = array.reshape(()) if array.size == 1 else array.reshape(array.shape[0], -1)
    return array if np.all(np.isfinite(array)) else None


def _agree(left: Values | None, right: Values | None) -> bool:
    """Whether two expressions agree at every random point where both are defined (at least one)."""
    if left is None or right is None:
        return False
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a is not None and b is not None]
    return bool(pairs) and all(
        a.shape == b.shape and numeric.relative_error(a, b) <= MATRIX_RTOL for a, b in pairs
    )


def _ratios(answers: Values, expected: Values) -> np.ndarray | None:
    """Per point where both are defined, the scalar c with answer = c * expected there, or None when
    at some point the answer is not a multiple of the expected value."""
    ratios = []
    for a, b in zip(answers, expected, strict=True):
        if a is None:
            continue
        if b is None or a.shape != b.shape:
            return None
        nonzero = np.abs(b) > MATRIX_RTOL * np.max(np.abs(b), initial=0.0)
        if not np.any(nonzero):
            return None
        ratio = complex(a[nonzero].ravel()[0] / b[nonzero].ravel()[0])
        if numeric.relative_error(a, ratio * b) > MATRIX_RTOL:
            return None
        ratios.append(ratio)
    return np.array(ratios) if ratios else None


def _scalar_factors(expr: sympy.Basic) -> tuple[sympy.Basic, ...]:
    """The scalar coefficient's factors (2 and N in 2*N*W*x): where a constant factor can be seen."""
    if isinstance(expr, sympy.MatMul):
        coefficient, _ = expr.as_coeff_matrices()
        return sympy.Mul.make_args(coefficient)
    if isinstance(expr, sympy.MatrixBase | sympy.MatrixExpr):
        return ()
    return sympy.Mul.make_args(expr)
