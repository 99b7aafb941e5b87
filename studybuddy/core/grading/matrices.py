"""Equivalence of vector and matrix expressions (declared shapes): compared entry by entry.

Both sides are written out entry by entry (entries.py: each entry a scalar of scalar symbols, one per
entry of each declared matrix) and compared as scalars are (equivalence.decide): sampling, a proof per
entry, and for the entries without one the second look at points off every lattice, at every scale and
beside every breakpoint, each disagreement confirmed at high precision. So `w*(1 + Heaviside(lam - 5))`
is not `w`, and `w*exp(-1000)` is not `0*w`, just as for scalars; a wrong answer's message names the
first entry that differs. Matrices too large to write out (a product of 30x30 matrices: entries.py's
MAX_TERMS and MAX_SIZE) are compared at MATRIX_POINTS random values instead, as NumPy evaluates them,
without that second look.

A wrong matrix answer is diagnosed: a listed mistake, a sign error, a constant factor (the same
messages as for scalars, diagnosis.py), or the transpose of the expected answer (`x dz^T` for
`dz x^T`), which is the classic matrix-calculus slip. A listed mistake, the negative and the transpose
count only when equal to the answer entry by entry as a verdict would decide it; factors are read
from both sides' values at the first batch of sample points.
"""

from __future__ import annotations

import cmath
import contextlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from studybuddy.core import numeric
from studybuddy.core.grading import sampling
from studybuddy.core.grading.diagnosis import SIGN_ERROR, factor_diagnosis, guess_constant, same_values
from studybuddy.core.grading.entries import Explicit, NotWritable, entry_name, explicit
from studybuddy.core.grading.equivalence import SampledComparison, decide, show_value
from studybuddy.core.grading.evaluation import Evaluator, numeric_form
from studybuddy.core.grading.proof import ProofGuard
from studybuddy.core.grading.verdict import Diagnosis, Verdict, unknown
from studybuddy.core.mathexpr import Domain, SymbolTable, Variable

MATRIX_POINTS = 12
MATRIX_RTOL = 1e-9

TRANSPOSED = Diagnosis("transpose", "Your answer is the transpose of the expected one.")

Values = list[np.ndarray | None]  # one array per random point; None where it is not finite

# lambdify raises these for what NumPy cannot do (a Determinant has no NumPy printer: NotImplementedError)
_NOT_NUMERIC = (ValueError, TypeError, NameError, ArithmeticError, NotImplementedError)


def equivalent_matrices(
    a: sympy.Basic,
    b: sympy.Basic,
    table: SymbolTable,
    *,
    seed: int = 0,
    proof_guard: ProofGuard = contextlib.nullcontext,
) -> Verdict:
    """Compare matrix answer ``a`` with expected ``b``, entry by entry (see the module docstring)."""
    shape_a, shape_b = _shape(a), _shape(b)
    if shape_a != shape_b:
        return Verdict(
            "different",
            "different shapes",
            f"Not equal to the expected answer: yours has shape {_show(shape_a)} "
            f"but the expected answer has shape {_show(shape_b)}.",
        )
    try:
        left, right = explicit(a, table.variables), explicit(b, table.variables)
    except NotWritable:
        return _compare_numerically(a, b, table, seed)
    exact = not (a.has(sympy.Float) or b.has(sympy.Float))
    domains = tuple(sorted(set(left.domains) | set(right.domains), key=lambda pair: pair[0].name))
    decision = decide(
        tuple(zip(left.entries, right.entries, strict=True)),
        domains,
        seed=seed,
        exact=exact,
        proof_guard=proof_guard,
    )
    if decision.kind == "proved":
        return Verdict("equivalent", "proved equal", "Correct: it equals the expected answer.")
    if decision.kind == "different":
        return _different(a, b, left, right, decision.found, table)
    agreed = decision.found.agreed
    if decision.kind == "undecided":
        return unknown(
            f"Could not decide: both sides are defined at only {decision.first.agreed} of the "
            f"{decision.first.tried} random values of the matrices tried, and no proof was found."
        )
    return Verdict(
        "equivalent",
        f"equal at {agreed} random points",
        f"Correct: it agrees with the expected answer at {agreed} random values of the matrices.",
    )


def _different(
    a: sympy.Basic,
    b: sympy.Basic,
    shape: Explicit,
    expected: Explicit,
    found: SampledComparison,
    table: SymbolTable,
) -> Verdict:
    """'entries (1, 2) and (2, 1) are wrong, the other 4 right (e.g. at lam = 5.0000001: entry (1, 2)
    of yours is 1.4, of the expected answer 0.7)': which entries differ at the point found, and the
    first one's values; the scalar variables' values, not every entry's."""
    names = ", ".join(sorted({getattr(s, "name", str(s)) for s in a.free_symbols | b.free_symbols}))
    example = []
    if found.samples is not None and found.mismatch is not None:
        scalars = {v.name for v in table.variables if v.shape is None}
        readable = found.samples.readable_point(found.mismatch)
        point = {name: value for name, value in readable.items() if name in scalars}
        if point:
            example.append(f"at {sampling.format_point(point)}")
    count = shape.rows * shape.cols
    if found.values is not None:
        yours, expected_value = (show_value(v) for v in found.values)
        if count > 1:
            where = entry_name(shape.rows, shape.cols, found.entry)
            example.append(f"{where} of yours is {yours}, of the expected answer {expected_value}")
        else:
            example.append(f"yours is {yours}, the expected answer {expected_value}")
    shown = f" (e.g. {': '.join(example)})" if example else ""
    wrong = _wrong_entries(shape, expected, found) if count > 1 else None
    which = ""
    if wrong:
        listed = [entry_name(shape.rows, shape.cols, index).removeprefix("entry ") for index in wrong]
        right = count - len(wrong)
        if not right:
            which = ": every entry is wrong"
        else:
            names_of = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + f" and {listed[-1]}"
            verb = "entry {} is wrong" if len(listed) == 1 else "entries {} are wrong"
            which = f": {verb.format(names_of)}, the other {right} right"
    return Verdict(
        "different",
        "different at random values",
        f"Not equal to the expected answer: they differ at random values of {names}{shown}{which}.",
    )


MAX_LISTED_ENTRIES = 64  # a larger answer names only its first wrong entry


def _wrong_entries(ours: Explicit, theirs: Explicit, found: SampledComparison) -> list[int] | None:
    """Which entries differ at the point where one was found to (in float64: the first is confirmed
    at high precision already); None when that cannot be said (too many entries, no point)."""
    if found.samples is None or found.mismatch is None or len(ours.entries) > MAX_LISTED_ENTRIES:
        return None
    pairs = [(index, pair) for index, pair in enumerate(zip(ours.entries, theirs.entries, strict=True))]
    pairs = [(index, (mine, right)) for index, (mine, right) in pairs if mine != right]  # the same: right
    free: set[sympy.Basic] = set()
    for _, (mine, right) in pairs:
        free |= mine.free_symbols | right.free_symbols
    point = found.samples.exact_point(found.mismatch, free)
    if set(point) != free:  # a second look's points hold only the entries it looked at again
        return None
    arrays = {symbol: np.asarray([complex(value)]) for symbol, value in point.items()}
    evaluate = Evaluator(arrays, 1, True)
    wrong = []
    for index, (mine, right) in pairs:
        if index == found.entry:
            wrong.append(index)
            continue
        va, vb = complex(evaluate(numeric_form(mine))[0]), complex(evaluate(numeric_form(right))[0])
        if not (cmath.isfinite(va) and cmath.isfinite(vb)):
            return None  # undefined there: cannot say
        if abs(va - vb) > MATRIX_RTOL * max(abs(va), abs(vb), numeric.TINY):
            wrong.append(index)
    return wrong


def _compare_numerically(a: sympy.Basic, b: sympy.Basic, table: SymbolTable, seed: int) -> Verdict:
    """Matrices too large to write out: compared at MATRIX_POINTS random values, as NumPy evaluates."""
    try:
        left, right = _compiled(a, table.variables), _compiled(b, table.variables)
    except _NOT_NUMERIC as error:
        return unknown(f"Could not evaluate these expressions numerically ({error}).")
    agreed = 0
    for index in range(MATRIX_POINTS):
        point = _point(table.variables, seed, index)
        try:
            va, vb = np.asarray(left(**point), dtype=complex), np.asarray(right(**point), dtype=complex)
        except _NOT_NUMERIC as error:
            return unknown(f"Could not evaluate these expressions numerically ({error}).")
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
    or a transpose; None when it is none of these (or cannot be evaluated).

    A listed mistake, the negative and the transpose count only when equal to the answer as a verdict
    decides it (entry by entry, with the second look): 0 = -0 at every sample point does not make
    `w*exp(-1000)` a sign error against `0*w`."""
    try:
        ours, theirs = explicit(answer, table.variables), explicit(expected, table.variables)
    except NotWritable:
        return _diagnose_numerically(answer, expected, table, mistakes, seed)
    for index, (mistake, feedback) in enumerate(mistakes):
        if mistake is sympy.nan:  # an unreadable listed mistake matches nothing
            continue
        try:
            listed = explicit(mistake, table.variables)
        except NotWritable:
            continue
        if _same(ours, listed, seed):
            return Diagnosis(f"listed:{index}", feedback)
    negated = Explicit(theirs.rows, theirs.cols, tuple(-entry for entry in theirs.entries), theirs.domains)
    if _same(ours, negated, seed):
        return SIGN_ERROR
    if theirs.rows * theirs.cols > 1 and _same(ours, _transposed(theirs), seed):
        return TRANSPOSED

    def values(expr: sympy.Basic) -> Values | None:
        try:
            return _values(explicit(expr, table.variables), seed)
        except NotWritable:
            return None

    return _factor(answer, expected, _values(ours, seed), _values(theirs, seed), values)


def _diagnose_numerically(
    answer: sympy.Basic,
    expected: sympy.Basic,
    table: SymbolTable,
    mistakes: Sequence[tuple[sympy.Basic, str]],
    seed: int,
) -> Diagnosis | None:
    """diagnose_matrices for matrices too large to write out: at MATRIX_POINTS random values."""

    def values(expr: sympy.Basic) -> Values | None:
        return _numpy_values(expr, table, seed)

    answers = values(answer)
    if answers is None:
        return None
    for index, (mistake, feedback) in enumerate(mistakes):
        if _agree(answers, values(mistake)):
            return Diagnosis(f"listed:{index}", feedback)
    expected_values = values(expected)
    if expected_values is None:
        return None
    if _agree(answers, [None if v is None else -v for v in expected_values]):
        return SIGN_ERROR
    if _agree(answers, [None if v is None else v.T for v in expected_values]):
        return TRANSPOSED
    return _factor(answer, expected, answers, expected_values, values)


def _factor(
    answer: sympy.Basic,
    expected: sympy.Basic,
    answers: Values | None,
    expected_values: Values | None,
    values: Callable[[sympy.Basic], Values | None],
) -> Diagnosis | None:
    """A constant factor, or a scalar factor with variables (1/N, lam) in one side's coefficient that
    the other lacks, from both sides' values at the same points (``values``: another expression's)."""
    if answers is None or expected_values is None:
        return None
    ratios = _ratios(answers, expected_values)
    if ratios is None:
        return None
    if numeric.relative_error(ratios, ratios[0]) <= MATRIX_RTOL:
        if abs(ratios[0] - 1) <= MATRIX_RTOL:
            return None
        ratio = guess_constant(complex(ratios[0]))
        return factor_diagnosis(ratio, _scalar_factors(expected), _scalar_factors(answer))
    defined = [a is not None for a in answers]
    for candidate in dict.fromkeys(_scalar_factors(expected) + _scalar_factors(answer)):
        if not candidate.free_symbols:
            continue
        found = values(candidate)
        if found is None or any(v is None for v, d in zip(found, defined, strict=True) if d):
            continue
        scalars = np.array([complex(v) for v, d in zip(found, defined, strict=True) if d and v is not None])
        if scalars.shape != ratios.shape:
            continue
        if numeric.relative_error(ratios * scalars, 1) <= MATRIX_RTOL:
            return Diagnosis("missing-factor", f"Your answer is missing the factor {sympy.sstr(candidate)}.")
        if numeric.relative_error(ratios, scalars) <= MATRIX_RTOL:
            return Diagnosis("extra-factor", f"Your answer has an extra factor {sympy.sstr(candidate)}.")
    return None


def _same(left: Explicit, right: Explicit, seed: int) -> bool:
    """Whether two matrices are equal entry by entry, as diagnosis.same_values decides for scalars."""
    if (left.rows, left.cols) != (right.rows, right.cols):
        return False
    domains = tuple(sorted(set(left.domains) | set(right.domains), key=lambda pair: pair[0].name))
    return same_values(tuple(zip(left.entries, right.entries, strict=True)), domains, seed)


def _transposed(written: Explicit) -> Explicit:
    rows, cols = written.rows, written.cols
    entries = tuple(written.entries[i * cols + j] for j in range(cols) for i in range(rows))
    return Explicit(cols, rows, entries, written.domains)


def _values(written: Explicit, seed: int) -> Values:
    """The entries at the first batch of sample points (one array per point; None where not finite)."""
    domains = dict(written.domains)
    complex_mode = Domain.COMPLEX in domains.values() or any(e.has(sympy.I) for e in written.entries)
    samples = sampling.draw(list(domains), domains, seed, 0)
    evaluate = Evaluator(samples.arrays(complex_mode), samples.size, complex_mode, samples.fractions())
    columns = np.array([evaluate(numeric_form(entry)) for entry in written.entries], dtype=complex)
    return [_finite(point.reshape(written.rows, written.cols)) for point in columns.T]


def _numpy_values(expr: sympy.Basic, table: SymbolTable, seed: int) -> Values | None:
    """``expr`` at MATRIX_POINTS random values, as NumPy evaluates it; None where it cannot be."""
    try:
        function = _compiled(expr, table.variables)
        return [_finite(function(**_point(table.variables, seed, i))) for i in range(MATRIX_POINTS)]
    except _NOT_NUMERIC:
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
    at some point the answer is not a multiple of the expected value (all points at once)."""
    pairs = [(a, b) for a, b in zip(answers, expected, strict=True) if a is not None]
    if not pairs or any(b is None or a.shape != b.shape for a, b in pairs):
        return None
    a = np.array([pair[0].ravel() for pair in pairs])  # one row per point
    b = np.array([np.asarray(pair[1]).ravel() for pair in pairs])
    nonzero = np.abs(b) > MATRIX_RTOL * np.max(np.abs(b), axis=1, keepdims=True)
    if not np.all(np.any(nonzero, axis=1)):
        return None
    first = np.argmax(nonzero, axis=1)[:, None]  # each point's first entry the expected side has
    ratios = np.take_along_axis(a, first, axis=1) / np.take_along_axis(b, first, axis=1)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.maximum(np.abs(a), np.abs(ratios * b)), numeric.TINY)
        errors = np.abs(a - ratios * b) / scale
    return None if np.max(errors) > MATRIX_RTOL else ratios.ravel()


def _scalar_factors(expr: sympy.Basic) -> tuple[sympy.Basic, ...]:
    """The scalar coefficient's factors (2 and N in 2*N*W*x): where a constant factor can be seen."""
    if isinstance(expr, sympy.MatMul):
        coefficient, _ = expr.as_coeff_matrices()
        return sympy.Mul.make_args(coefficient)
    if isinstance(expr, sympy.MatrixBase | sympy.MatrixExpr):
        return ()
    return sympy.Mul.make_args(expr)
