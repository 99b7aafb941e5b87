"""Are two expressions equal? Sample numerically first, then try to prove it symbolically.

Numeric sampling decides almost every case quickly: each variable is drawn from its domain (see
sampling.py), both sides are evaluated at the same points, and points where either side is undefined are
skipped. A disagreement is re-checked at that exact point at high precision (precise.py) before the
answer is called different, so floating-point noise never marks a right answer wrong. When every point
agrees, cheap deterministic steps try to prove it (proof.py); if none does, the verdict is still
"equivalent", with its strength saying how many points it rests on. Only when too few points are defined
does the proof decide, and then ``simplify`` may run too.

Tolerance: expressions made of exact numbers are compared tightly (relative 1e-11 in float64, then
1e-12 at high precision), so an answer that only agrees to ~1e-6 is different; once a decimal such as
`0.5` appears, the comparison allows relative 1e-9.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy

from studybuddy.core.grading import sampling
from studybuddy.core.grading.evaluation import Evaluator, numeric_form
from studybuddy.core.grading.precise import confirm, precise_by_evalf
from studybuddy.core.grading.proof import ProofGuard, prove_equal
from studybuddy.core.grading.verdict import Verdict, unknown
from studybuddy.core.mathexpr import Domain, SymbolTable

EXACT_RTOL = 1e-11
EXACT_CONFIRM_RTOL = 1e-12
FLOAT_RTOL = 1e-9
MAX_CONFIRMATIONS = 6  # high-precision re-checks per comparison (see precise.py)
ENOUGH_POINTS = 12  # agreeing points needed before the fallback batch is skipped
MIN_POINTS = 3  # fewer agreeing points than this and the verdict is "unknown"
FALLBACK_BATCH_SIZE = 256  # tried when most of the first batch is undefined (logs of products, ...)


@dataclass(frozen=True)
class SampledComparison:
    """What the numeric comparison found."""

    agreed: int
    tried: int
    mismatch: int | None  # index of a confirmed disagreement in ``samples``
    samples: sampling.Samples | None
    values: tuple[complex, complex] | None  # (answer, expected) at the mismatch


def equivalent_exprs(
    a: sympy.Basic,
    b: sympy.Basic,
    table: SymbolTable,
    *,
    seed: int = 0,
    proof_guard: ProofGuard = contextlib.nullcontext,
) -> Verdict:
    """Compare answer ``a`` with expected ``b`` (SymPy expressions built from ``table``'s symbols)."""
    if isinstance(a, sympy.MatrixBase | sympy.MatrixExpr) or isinstance(
        b, sympy.MatrixBase | sympy.MatrixExpr
    ):
        from studybuddy.core.grading.matrices import equivalent_matrices

        return equivalent_matrices(a, b, table, seed=seed)
    exact = not (a.has(sympy.Float) or b.has(sympy.Float))
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    if not symbols:
        return _compare_constants(a, b, exact)
    comparison = compare_sampled(a, b, table, seed=seed, exact=exact)
    if comparison.mismatch is not None:
        return _different(comparison)
    # The proof only names the strength here, so only its cheap steps run; when sampling could not
    # decide, the proof decides, and simplify may try.
    thorough = comparison.agreed < MIN_POINTS
    if a == b or prove_equal(a, b, proof_guard, thorough=thorough):
        return Verdict("equivalent", "proved equal", "Correct: it equals the expected answer.")
    if comparison.agreed < MIN_POINTS:
        return unknown(
            f"Could not decide: both expressions are defined at only {comparison.agreed} of the "
            f"{comparison.tried} points tried, and SymPy could not prove them equal."
        )
    skipped = comparison.tried - comparison.agreed
    note = f" (at the other {skipped} points tried one side is undefined)" if skipped else ""
    return Verdict(
        "equivalent",
        f"equal at {comparison.agreed} random points",
        f"Correct: it agrees with the expected answer at {comparison.agreed} random points{note}.",
    )


def compare_sampled(
    a: sympy.Basic, b: sympy.Basic, table: SymbolTable, *, seed: int = 0, exact: bool = True
) -> SampledComparison:
    """Evaluate both sides at sample points; the first confirmed disagreement, or how many points agree."""
    a, b = numeric_form(a), numeric_form(b)
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    domains = tuple((symbol, _domain(table, symbol)) for symbol in symbols)
    complex_mode = a.has(sympy.I) or b.has(sympy.I) or any(d is Domain.COMPLEX for _, d in domains)
    modes = (complex_mode,) if complex_mode else (False, True)
    result = SampledComparison(0, 0, None, None, None)
    for mode in modes:  # real first; complex only if the reals leave too few defined points
        agreed = tried = 0
        for batch, size in ((0, sampling.POINTS_PER_BATCH), (1, FALLBACK_BATCH_SIZE)):
            samples = sampling.draw(symbols, dict(domains), seed, batch, size)
            found = _compare_batch(a, b, domains, samples, seed, batch, mode, exact)
            agreed, tried = agreed + found.agreed, tried + found.tried
            if found.mismatch is not None:
                return found
            if agreed >= ENOUGH_POINTS:
                return SampledComparison(agreed, tried, None, None, None)
        result = SampledComparison(agreed, tried, None, None, None)
        if agreed >= MIN_POINTS:
            break
    return result


def _compare_batch(
    a: sympy.Basic,
    b: sympy.Basic,
    domains: tuple[tuple[sympy.Symbol, Domain], ...],
    samples: sampling.Samples,
    seed: int,
    batch: int,
    complex_mode: bool,
    exact: bool,
) -> SampledComparison:
    def values(expr: sympy.Basic, mode: bool) -> np.ndarray:
        return values_at(expr, _domains_of(expr, domains), seed, batch, samples.size, mode)

    va, vb = values(a, complex_mode), values(b, complex_mode)
    rtol = EXACT_RTOL if exact else FLOAT_RTOL
    defined = np.isfinite(va) & np.isfinite(vb)
    close = _close(va, vb, rtol)
    agreed = int(np.count_nonzero(defined & close))
    suspects = [(int(i), False) for i in np.flatnonzero(defined & ~close)]
    if not complex_mode:
        # Where only one side is defined over the reals, their complex values must still agree, up to
        # the 2*pi*i a logarithm's branch may add: sqrt(x-3)*sqrt(x-5) is not sqrt((x-3)(x-5)) for x < 3,
        # while 2*log(x) + log(y) is log(x^2*y) wherever both make sense.
        one_sided = np.flatnonzero(np.isfinite(va) ^ np.isfinite(vb))
        if one_sided.size:
            ca, cb = values(a, True)[one_sided], values(b, True)[one_sided]
            both = np.isfinite(ca) & np.isfinite(cb)
            far = ~_close_modulo_branch(ca, cb, rtol)
            suspects += [(int(i), True) for i in one_sided[both & far]]
    for index, modulo_branch in suspects[:MAX_CONFIRMATIONS]:
        point = samples.exact_point(index)
        confirmed = confirm(a, b, point, _confirm_rtol(exact), modulo_branch=modulo_branch)
        if confirmed is None:
            continue  # one side is undefined there after all
        if confirmed.differs:
            return SampledComparison(agreed, samples.size, index, samples, confirmed.values)
        if not modulo_branch:
            agreed += 1  # float noise: the point really agrees
    return SampledComparison(agreed, samples.size, None, samples, None)


@lru_cache(maxsize=1024)
def values_at(
    expr: sympy.Basic,
    domains: tuple[tuple[sympy.Symbol, Domain], ...],
    seed: int,
    batch: int,
    size: int,
    complex_mode: bool,
) -> np.ndarray:
    """Values of ``expr`` at a batch of points (cached: a question's expected answer is evaluated once;
    read-only, since every caller shares the array)."""
    samples = sampling.draw([s for s, _ in domains], dict(domains), seed, batch, size)
    values = np.array(Evaluator(samples.arrays(complex_mode), size, complex_mode, samples.fractions())(expr))
    values.setflags(write=False)
    return values


def _compare_constants(a: sympy.Basic, b: sympy.Basic, exact: bool) -> Verdict:
    pa, pb = precise_by_evalf(a, 50), precise_by_evalf(b, 50)
    if pa is None or pb is None:
        return unknown("Could not decide: one side has no numeric value.")
    (va, ra), (vb, rb) = pa, pb
    tolerance = mpmath.mpf("1e-40") if exact else mpmath.mpf(FLOAT_RTOL)
    if abs(va - vb) <= tolerance * max(abs(va), abs(vb)) + ra + rb:
        proved = exact or a == b
        return Verdict(
            "equivalent",
            "proved equal" if proved else "equal within 1e-9",
            "Correct: it equals the expected answer."
            if proved
            else "Correct: it equals the expected answer to within rounding.",
        )
    shown_a, shown_b = _show(complex(va)), _show(complex(vb))
    return Verdict(
        "different",
        f"different: {shown_a} vs {shown_b}",
        f"Not equal to the expected answer: yours is {shown_a} but the expected answer is {shown_b}.",
    )


def _different(comparison: SampledComparison) -> Verdict:
    assert comparison.samples is not None and comparison.mismatch is not None
    readable = comparison.samples.readable_point(comparison.mismatch)
    where = sampling.format_point(readable)
    yours, expected = comparison.values or (math.nan, math.nan)
    counterexample = {
        name: (v if isinstance(v, float) else sampling.format_number(v)) for name, v in readable.items()
    }
    return Verdict(
        "different",
        f"different, e.g. at {where}",
        f"Not equal to the expected answer: at {where} yours is {_show(yours)} "
        f"but the expected answer is {_show(expected)}.",
        counterexample=counterexample,  # type: ignore[arg-type]
    )


def _confirm_rtol(exact: bool) -> float:
    return EXACT_CONFIRM_RTOL if exact else FLOAT_RTOL


def _close(va: np.ndarray, vb: np.ndarray, rtol: float) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.abs(va - vb) <= rtol * np.maximum(np.abs(va), np.abs(vb))


def _close_modulo_branch(va: np.ndarray, vb: np.ndarray, rtol: float) -> np.ndarray:
    difference = va - vb
    turns = np.round(difference.imag / (2 * np.pi))
    with np.errstate(all="ignore"):
        return np.abs(difference - 2j * np.pi * turns) <= rtol * np.maximum(np.abs(va), np.abs(vb))


def _domain(table: SymbolTable, symbol: sympy.Symbol) -> Domain:
    try:
        return table.variable_of(symbol).domain
    except KeyError:  # a symbol SymPy made (a summation index, a dummy): assume what SymPy assumes
        return Domain.REAL if symbol.is_real else Domain.COMPLEX


def _domains_of(
    expr: sympy.Basic, domains: tuple[tuple[sympy.Symbol, Domain], ...]
) -> tuple[tuple[sympy.Symbol, Domain], ...]:
    free = expr.free_symbols
    return tuple(pair for pair in domains if pair[0] in free)


def _show(value: complex | float | mpmath.mpc) -> str:
    value = complex(value)
    if not math.isfinite(value.real) or not math.isfinite(value.imag):
        return "undefined"
    if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)):
        return f"{value.real:.6g}"
    return sampling.format_number(value)
