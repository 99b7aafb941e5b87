"""Equivalence of vector and matrix expressions (declared shapes): compared at random matrices."""

from __future__ import annotations

import numpy as np
import sympy

from studybuddy.core import numeric
from studybuddy.core.grading.verdict import Verdict, unknown
from studybuddy.core.mathexpr import SymbolTable

MATRIX_POINTS = 12
MATRIX_RTOL = 1e-9


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
        left, right = numeric.compile_expression(a, table), numeric.compile_expression(b, table)
    except (ValueError, TypeError, NameError) as error:
        return unknown(f"Could not evaluate these expressions numerically ({error}).")
    agreed = 0
    for index in range(MATRIX_POINTS):
        point = numeric.random_point(table, seed, index)
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
                + ", ".join(sorted(point))
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
