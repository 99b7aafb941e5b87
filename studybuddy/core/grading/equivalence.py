"""Are two expressions equal? Sample numerically first, then try to prove it symbolically.

Numeric sampling decides almost every case quickly: each variable is drawn from its domain (see
sampling.py), both sides are evaluated at the same points, and points where either side is undefined are
skipped. A disagreement is re-checked at that exact point at high precision (precise.py) before the
answer is called different, so floating-point noise never marks a right answer wrong. When every point
agrees, cheap deterministic steps try to prove it (proof.py). If none does, sampling alone must not
say "equal" where its points could hide a difference, so a second look follows: the same points with
no 0 = 0 or inf = inf taken on trust (x*exp(-1000) is 0 in float64), then points off every lattice,
at every scale and beside every breakpoint (probing.py). Only if those agree too is the verdict
"equivalent", with its strength saying how many points it rests on. Only when too few points are
defined does the proof decide, and then ``simplify`` may run too.

Tolerance: expressions made of exact numbers are compared tightly (relative 1e-11 in float64, then
1e-12 at high precision), so an answer that only agrees to ~1e-6 is different; once a decimal such as
`0.5` appears, the comparison allows relative 1e-9.
"""

from __future__ import annotations

import cmath
import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

import mpmath
import numpy as np
import sympy

from studybuddy.core.grading import probing, sampling
from studybuddy.core.grading.evaluation import Evaluator, numeric_form
from studybuddy.core.grading.precise import confirm, precise_by_evalf
from studybuddy.core.grading.proof import ProofGuard, prove_all_equal
from studybuddy.core.grading.verdict import Verdict, unknown
from studybuddy.core.mathexpr import Domain, SymbolTable

EXACT_RTOL = 1e-11
EXACT_CONFIRM_RTOL = 1e-12
FLOAT_RTOL = 1e-9
MAX_CONFIRMATIONS = 6  # high-precision re-checks per comparison (see precise.py)
# A second look confirms more: this many suspects, and this many points where both sides are infinite
# or both 0 through an underflow (float64 says nothing there).
SECOND_LOOK_CONFIRMATIONS = 8
SECOND_LOOK_ZERO_OR_INFINITE = 8
CLEAR_GAP = 1e-6  # a relative difference float noise rarely reaches
ENOUGH_POINTS = 12  # agreeing points needed before the fallback batch is skipped
MIN_POINTS = 3  # fewer agreeing points than this and the verdict is "unknown"
FALLBACK_BATCH_SIZE = 256  # tried when most of the first batch is undefined (logs of products, ...)


Fallback = Literal["evalf", "stable evalf", "none"]  # see precise.confirm


Pairs = tuple[tuple[sympy.Basic, sympy.Basic], ...]  # (answer, expected): one pair, or one per entry
Domains = tuple[tuple[sympy.Symbol, Domain], ...]  # each symbol's domain, sorted by name


@dataclass(frozen=True)
class SampledComparison:
    """What the numeric comparison found."""

    agreed: int
    tried: int
    mismatch: int | None  # index of a confirmed disagreement in ``samples``
    samples: sampling.PointSet | None
    values: tuple[Any, Any] | None  # (answer, expected) at the mismatch: complex or mpmath numbers
    doubtful: bool = False  # some point had a side infinite, or both 0: float64 may have lost it
    entry: int = 0  # which pair disagrees at the mismatch (a matrix's entry, row-major)


@dataclass(frozen=True)
class Decision:
    """What sampling, the proof and the second look found for pairs of expressions (the entries of two
    matrices, or two scalars): ``proved`` equal, ``different`` (``found`` holds where), ``agreed`` at
    every point (``found.agreed`` of them), or ``undecided`` (too few points where both are defined)."""

    kind: Literal["proved", "different", "agreed", "undecided"]
    first: SampledComparison  # the first look (compare_sampled)
    found: SampledComparison  # the comparison that decided: the first look, or the second


def equivalent_exprs(
    a: sympy.Basic,
    b: sympy.Basic,
    table: SymbolTable,
    *,
    seed: int = 0,
    proof_guard: ProofGuard = contextlib.nullcontext,
) -> Verdict:
    """Compare answer ``a`` with expected ``b`` (SymPy expressions built from ``table``'s symbols)."""
    from studybuddy.core.grading.entries import is_matrix_valued

    if is_matrix_valued(a) or is_matrix_valued(b):
        from studybuddy.core.grading.matrices import equivalent_matrices

        return equivalent_matrices(a, b, table, seed=seed, proof_guard=proof_guard)
    exact = not (a.has(sympy.Float) or b.has(sympy.Float))
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: s.name)
    if not symbols:
        return _compare_constants(a, b, exact)
    domains = tuple((symbol, _domain(table, symbol)) for symbol in symbols)
    decision = decide(((a, b),), domains, seed=seed, exact=exact, proof_guard=proof_guard)
    if decision.kind == "proved":
        return Verdict("equivalent", "proved equal", "Correct: it equals the expected answer.")
    if decision.kind == "different":
        return _different(decision.found)
    first = decision.first
    if decision.kind == "undecided":
        return unknown(
            f"Could not decide: both expressions are defined at only {first.agreed} of the "
            f"{first.tried} points tried, and SymPy could not prove them equal."
        )
    skipped = first.tried - first.agreed
    note = f" (at the other {skipped} points tried one side is undefined)" if skipped else ""
    agreed = decision.found.agreed
    return Verdict(
        "equivalent",
        f"equal at {agreed} random points",
        f"Correct: it agrees with the expected answer at {agreed} random points{note}.",
    )


def decide(
    pairs: Pairs,
    domains: Domains,
    *,
    seed: int = 0,
    exact: bool = True,
    proof_guard: ProofGuard = contextlib.nullcontext,
    thorough: bool | None = None,
) -> Decision:
    """Whether each answer of ``pairs`` equals its expected one (``domains``: of every symbol in them).

    Sampling first; a confirmed disagreement in any pair decides. Then the proof, pair by pair (it only
    names the strength, so only its cheap steps run, unless sampling could not decide or ``thorough``
    says otherwise). Pairs without a proof get the second look: sampling alone must not say "equal"
    where the sample lattice or range hides a difference.
    """
    compared = [index for index, (a, b) in enumerate(pairs) if a != b]  # the same twice is equal
    nothing = SampledComparison(0, 0, None, None, None)
    if not compared:
        return Decision("proved", nothing, nothing)
    first = compare_sampled(tuple(pairs[i] for i in compared), domains, seed=seed, exact=exact)
    if first.mismatch is not None:
        return Decision("different", first, replace(first, entry=compared[first.entry]))
    if thorough is None:
        thorough = first.agreed < MIN_POINTS
    proved = prove_all_equal([pairs[i] for i in compared], proof_guard, thorough=thorough)
    unproved = [index for index, done in zip(compared, proved, strict=True) if not done]
    if not unproved:
        return Decision("proved", first, first)
    second = second_look(tuple(pairs[i] for i in unproved), domains, seed=seed, exact=exact, first=first)
    if second.mismatch is not None:
        return Decision("different", first, replace(second, entry=unproved[second.entry]))
    if first.agreed < MIN_POINTS or second.agreed < MIN_POINTS:
        return Decision("undecided", first, second)
    return Decision("agreed", first, second)


def compare_sampled(
    pairs: Pairs,
    domains: Domains,
    *,
    seed: int = 0,
    exact: bool = True,
    distrust: bool = False,
) -> SampledComparison:
    """Evaluate both sides of every pair at sample points; the first confirmed disagreement, or how
    many points agree in every pair.

    ``distrust``: float values that are no evidence on their own are checked too (see _compare_batch).
    """
    pairs = tuple((numeric_form(a), numeric_form(b)) for a, b in pairs)
    domains = _domains_for(pairs, domains)
    symbols = [symbol for symbol, _ in domains]
    complex_mode = _needs_complex(pairs, domains)
    modes = (complex_mode,) if complex_mode else (False, True)
    result = SampledComparison(0, 0, None, None, None)
    doubtful = False
    for mode in modes:  # real first; complex only if the reals leave too few defined points
        agreed = tried = 0
        for batch, size in ((0, sampling.POINTS_PER_BATCH), (1, FALLBACK_BATCH_SIZE)):
            samples = sampling.draw(symbols, dict(domains), seed, batch, size)

            def values(expr: sympy.Basic, mode: bool, batch: int = batch, size: int = size) -> np.ndarray:
                return values_at(expr, _domains_of(expr, domains), seed, batch, size, mode)

            found = _compare_batch(pairs, samples, values, mode, exact, distrust=distrust)
            agreed, tried = agreed + found.agreed, tried + found.tried
            doubtful = doubtful or found.doubtful
            if found.mismatch is not None:
                return found
            if agreed >= ENOUGH_POINTS:
                return SampledComparison(agreed, tried, None, None, None, doubtful)
        result = SampledComparison(agreed, tried, None, None, None, doubtful)
        if agreed >= MIN_POINTS:
            break
    return result


def second_look(
    pairs: Pairs,
    domains: Domains,
    *,
    seed: int = 0,
    exact: bool = True,
    first: SampledComparison | None = None,
) -> SampledComparison:
    """For pairs that agree at every sample point but have no proof: the sample points again, trusting
    no 0 = 0 or inf = inf (an underflow, an overflow) without a check, then probing.py's points off
    every lattice, at every scale and beside every breakpoint. ``agreed`` counts both.
    ``first``: compare_sampled's finding, whose points need no second look unless it is doubtful."""
    again = first
    if again is None or again.doubtful:
        again = compare_sampled(pairs, domains, seed=seed, exact=exact, distrust=True)
    if again.mismatch is not None:
        return again
    pairs = tuple((numeric_form(a), numeric_form(b)) for a, b in pairs)
    domains = _domains_for(pairs, domains)
    if not domains:
        return again  # numbers only: no lattice or range to hide behind
    found = _compare_probes(pairs, domains, seed, exact)
    if found.mismatch is not None:
        return found
    return SampledComparison(again.agreed + found.agreed, again.tried + found.tried, None, None, None)


@lru_cache(maxsize=512)
def _compare_probes(pairs: Pairs, domains: Domains, seed: int, exact: bool) -> SampledComparison:
    """The comparison at probing.py's points (cached: a class often types the same answer)."""
    probes = probing.probe_points([expr for pair in pairs for expr in pair], dict(domains), seed)
    evaluators: dict[bool, Evaluator] = {}

    def values(expr: sympy.Basic, mode: bool) -> np.ndarray:
        if mode not in evaluators:
            evaluators[mode] = Evaluator(
                probes.arrays(mode), probes.size, mode, probes.fractions(), points=probes.exact_point
            )
        return evaluators[mode](expr)

    found = _compare_batch(pairs, probes, values, _needs_complex(pairs, domains), exact, distrust=True)
    # Kept in the cache: the points only where they name a counterexample (a matrix's are hundreds of
    # arrays, one per entry of each matrix).
    return found if found.mismatch is not None else replace(found, samples=None)


def _compare_batch(
    pairs: Pairs,
    samples: sampling.PointSet,
    values: Callable[[sympy.Basic, bool], np.ndarray],
    complex_mode: bool,
    exact: bool,
    *,
    distrust: bool = False,
) -> SampledComparison:
    """Compare every pair at one batch of points: the first confirmed disagreement, else the points
    where every pair agrees (a matrix agrees at a point when all its entries do)."""
    agreeing = np.ones(samples.size, dtype=bool)
    doubtful = False
    for entry, (a, b) in enumerate(pairs):
        found = _compare_pair(a, b, samples, values, complex_mode, exact, distrust=distrust)
        if found.mismatch is not None:
            return SampledComparison(
                0, samples.size, found.mismatch, samples, found.values, found.doubtful, entry
            )
        agreeing &= found.agreeing
        doubtful = doubtful or found.doubtful
    return SampledComparison(int(np.count_nonzero(agreeing)), samples.size, None, samples, None, doubtful)


@dataclass(frozen=True)
class _PairComparison:
    agreeing: np.ndarray  # per point: both sides defined and equal (float noise confirmed as such)
    doubtful: bool
    mismatch: int | None = None
    values: tuple[Any, Any] | None = None


def _compare_pair(
    a: sympy.Basic,
    b: sympy.Basic,
    samples: sampling.PointSet,
    values: Callable[[sympy.Basic, bool], np.ndarray],
    complex_mode: bool,
    exact: bool,
    *,
    distrust: bool = False,
) -> _PairComparison:
    """Compare one pair at one batch of points; disagreements are confirmed at the exact point
    (precise.py).

    ``distrust``: a point where one side is infinite and the other finite is a suspect, not skipped
    (x^oo at x = 2), and points where both sides are infinite, or both 0 through an underflow, count
    only once confirmed: float64 gives x*exp(-1000) = 0 and exp(1000)*x = inf. Suspects
    are then confirmed clearest first.
    """
    va, vb = values(a, complex_mode), values(b, complex_mode)
    rtol = EXACT_RTOL if exact else FLOAT_RTOL
    defined = np.isfinite(va) & np.isfinite(vb)
    close = _close(va, vb, rtol)
    agreeing = defined & close
    doubtful = bool(np.any(np.isinf(va) | np.isinf(vb) | (agreeing & (va == 0) & (vb == 0))))
    suspects = [(int(i), False) for i in np.flatnonzero(defined & ~close)]
    weak: list[tuple[int, Fallback]] = []
    if distrust:
        # Clear differences in the order of the points (the readable first), then the rest largest
        # first: float noise at an extreme point must not use up the confirmations.
        gaps = {index: _gap(va[index], vb[index]) for index, _ in suspects}
        suspects.sort(key=lambda pair: (0.0, 0.0) if gaps[pair[0]] >= CLEAR_GAP else (1.0, -gaps[pair[0]]))
        lone = np.isinf(va) ^ np.isinf(vb)
        suspects = [(int(i), False) for i in np.flatnonzero(lone & ~np.isnan(va) & ~np.isnan(vb))] + suspects
        infinite = np.isinf(va) & np.isinf(vb)
        underflow = np.zeros_like(infinite)
        zeros = np.flatnonzero(agreeing & (va == 0) & (vb == 0))
        if zeros.size:
            underflow[zeros] = _underflowed(a, samples, zeros, complex_mode) | _underflowed(
                b, samples, zeros, complex_mode
            )
        agreeing &= ~underflow
        # An overflow is checked by intervals only (factorial(10^6) by evalf costs milliseconds each);
        # an underflow by evalf too, where it gives the same value at twice the digits.
        weak = [(i, "none") for i in _spread(np.flatnonzero(infinite), SECOND_LOOK_ZERO_OR_INFINITE)]
        weak += [
            (i, "stable evalf") for i in _spread(np.flatnonzero(underflow), SECOND_LOOK_ZERO_OR_INFINITE)
        ]
    if not complex_mode:
        # Where only one side is defined over the reals, their complex values must still agree, up to
        # the 2*pi*i a logarithm's branch may add: sqrt(x-3)*sqrt(x-5) is not sqrt((x-3)(x-5)) for x < 3,
        # while 2*log(x) + log(y) is log(x^2*y) wherever both make sense.
        one_sided = np.isfinite(va) ^ np.isfinite(vb)
        if distrust:
            one_sided &= np.isnan(va) | np.isnan(vb)  # the infinite ones are suspects already
        indices = np.flatnonzero(one_sided)
        if indices.size:
            ca, cb = values(a, True)[indices], values(b, True)[indices]
            both = np.isfinite(ca) & np.isfinite(cb)
            far = ~_close_modulo_branch(ca, cb, rtol)
            suspects += [(int(i), True) for i in indices[both & far]]
    limit = SECOND_LOOK_CONFIRMATIONS if distrust else MAX_CONFIRMATIONS
    checks: list[tuple[int, bool, Fallback]] = [(i, branch, "evalf") for i, branch in suspects[:limit]]
    checks += [(index, False, fallback) for index, fallback in weak]
    free = a.free_symbols | b.free_symbols
    for index, modulo_branch, fallback in checks:
        point = samples.exact_point(index, free)
        confirmed = confirm(a, b, point, _confirm_rtol(exact), modulo_branch=modulo_branch, fallback=fallback)
        if confirmed is None:
            continue  # one side is undefined there after all
        if confirmed.differs:
            shown = confirmed.precise or confirmed.values
            return _PairComparison(agreeing, doubtful, index, shown)
        if not modulo_branch:
            agreeing[index] = True  # float noise: the point really agrees
    return _PairComparison(agreeing, doubtful)


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
    shown_a, shown_b = show_value(complex(va)), show_value(complex(vb))
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
        f"Not equal to the expected answer: at {where} yours is {show_value(yours)} "
        f"but the expected answer is {show_value(expected)}.",
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
        return Domain(table.variable_of(symbol).domain)  # a Variable may hold the plain string
    except KeyError:  # a symbol SymPy made (a summation index, a dummy): assume what SymPy assumes
        return Domain.REAL if symbol.is_real else Domain.COMPLEX


def _domains_of(expr: sympy.Basic, domains: Domains) -> Domains:
    free = expr.free_symbols
    return tuple(pair for pair in domains if pair[0] in free)


def _domains_for(pairs: Pairs, domains: Domains) -> Domains:
    """The domains of the symbols in ``pairs``, by name (every one of them must be in ``domains``)."""
    free: set[sympy.Basic] = set()
    for a, b in pairs:
        free |= a.free_symbols | b.free_symbols
    known = dict(domains)
    return tuple((symbol, known[symbol]) for symbol in sorted(free, key=lambda s: s.name))


def _needs_complex(pairs: Pairs, domains: Domains) -> bool:
    complex_domain = any(d is Domain.COMPLEX for _, d in domains)
    return complex_domain or any(a.has(sympy.I) or b.has(sympy.I) for a, b in pairs)


def _underflowed(
    expr: sympy.Basic, samples: sampling.PointSet, indices: np.ndarray, complex_mode: bool
) -> np.ndarray:
    """Which of the points ``indices`` get a value of ``expr`` through an underflow (Evaluator)."""
    arrays = {s: v[indices] if v.ndim else v for s, v in samples.arrays(complex_mode).items()}
    evaluator = Evaluator(arrays, indices.size, complex_mode, rough=True, watch_underflow=True)
    evaluator(expr)
    assert evaluator.underflow is not None
    return evaluator.underflow


def _gap(va: complex, vb: complex) -> float:
    """How far apart two values are, relative to the larger (0 where that is undefined)."""
    with np.errstate(all="ignore"):
        gap = abs(va - vb) / max(abs(va), abs(vb))
    return float(gap) if math.isfinite(gap) else 0.0


def _spread(indices: np.ndarray, count: int) -> list[int]:
    """At most ``count`` of ``indices``, spread over them (not just the first few)."""
    if indices.size > count:
        indices = indices[np.linspace(0, indices.size - 1, count).astype(int)]
    return [int(i) for i in indices]


def show_value(value: complex | float | mpmath.mpf | mpmath.mpc) -> str:
    """A value as the learner reads it: 6 digits, and what float64 would lose (1e-435, not 0)."""
    if isinstance(value, mpmath.mpf | mpmath.mpc):
        shown = complex(value)
        if (shown == 0) != (value == 0) or (mpmath.isfinite(value) and not cmath.isfinite(shown)):
            # complex() would show exp(-1000) as 0 and exp(1000) as infinite
            if isinstance(value, mpmath.mpc) and value.imag == 0:
                value = value.real
            return mpmath.nstr(value, 6)
        value = shown
    value = complex(value)
    if math.isinf(value.real) or math.isinf(value.imag):
        return "infinite"
    if not math.isfinite(value.real) or not math.isfinite(value.imag):
        return "undefined"
    if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)):
        return f"{value.real:.6g}"
    return sampling.format_number(value)
