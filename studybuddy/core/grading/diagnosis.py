"""Why a wrong answer is wrong: a listed mistake, a sign, a constant factor or term, a missing factor.

Everything is decided on the sample values (answer and expected answer at the same points), then the
constant or factor is recovered exactly so the message can name it ("missing a factor 2", "missing the
factor 1/N", "missing the chain-rule factor exp(-x)").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import sympy

from studybuddy.core.grading import sampling
from studybuddy.core.grading.equivalence import MIN_POINTS, Domains, Pairs, decide
from studybuddy.core.grading.evaluation import Evaluator
from studybuddy.core.grading.verdict import Diagnosis
from studybuddy.core.mathexpr import Domain, SymbolTable

RATIO_RTOL = 1e-9
MAX_CANDIDATES = 60  # sub-expressions tried as a missing or extra factor
SIMPLIFY_MAX_OPS = 80

SIGN_ERROR = Diagnosis("sign", "Sign error: your answer is the negative of the expected one.")


def diagnose(
    answer: sympy.Basic,
    expected: sympy.Basic,
    table: SymbolTable,
    *,
    mistakes: Sequence[tuple[sympy.Basic, str]] = (),
    seed: int = 0,
) -> Diagnosis | None:
    """The most specific explanation of why ``answer`` differs from ``expected``, or None."""
    for index, (mistake, feedback) in enumerate(mistakes):
        if _same(answer, mistake, table, seed):
            return Diagnosis(f"listed:{index}", feedback)
    if _same(answer, -expected, table, seed):
        return SIGN_ERROR
    values = _Values(answer, expected, table, seed)
    if values.defined < MIN_POINTS:
        return None
    with np.errstate(all="ignore"):
        ratio = values.constant(values.a / values.b)
    if ratio is not None and abs(ratio - 1) > RATIO_RTOL:
        return _constant_factor(answer, expected, ratio)
    offset = values.constant(values.a - values.b)
    # An offset of 0: the two agree wherever both are nonzero (floor(sqrt(z^2 + 1)) and Abs(z) differ
    # only at z = 0), and "plus 0" would explain nothing.
    if offset is not None and abs(offset) > RATIO_RTOL * float(np.max(np.abs(values.b))):
        return _additive(answer, expected, offset)
    return _factor_of(answer, expected, values)


class _Values:
    """Answer, expected and their sub-expressions at the first batch of sample points."""

    def __init__(self, answer: sympy.Basic, expected: sympy.Basic, table: SymbolTable, seed: int) -> None:
        symbols = sorted(answer.free_symbols | expected.free_symbols, key=lambda s: s.name)
        domains = {s: _domain(table, s) for s in symbols}
        complex_mode = answer.has(sympy.I) or expected.has(sympy.I) or Domain.COMPLEX in domains.values()
        samples = sampling.draw(symbols, domains, seed, 0)
        self.evaluate = Evaluator(
            samples.arrays(complex_mode), samples.size, complex_mode, samples.fractions()
        )
        a, b = self.evaluate(answer), self.evaluate(expected)
        self.mask = np.isfinite(a) & np.isfinite(b) & (b != 0) & (a != 0)
        self.a, self.b = a[self.mask], b[self.mask]
        self.defined = int(np.count_nonzero(self.mask))

    def of(self, expr: sympy.Basic) -> np.ndarray:
        return self.evaluate(expr)[self.mask]

    def constant(self, values: np.ndarray) -> complex | None:
        """The common value when ``values`` is the same everywhere (and not 0 or 1 trivially)."""
        if values.size < MIN_POINTS or not np.all(np.isfinite(values)):
            return None
        first = values[0]
        if not np.allclose(values, first, rtol=RATIO_RTOL, atol=1e-12):
            return None
        return complex(first)


def same_values(pairs: Pairs, domains: Domains, seed: int) -> bool:
    """Whether each pair's sides are equal, as the verdict decides it (matrices.py asks it entry by
    entry): agreeing at the sample points is not enough (0 and Heaviside(x - 5000) do, and 0 = -0
    would make that a "sign error"); a cheap proof, or a second look at other points."""
    if all(left == right for left, right in pairs):
        return True
    exact = not any(left.has(sympy.Float) or right.has(sympy.Float) for left, right in pairs)
    decision = decide(pairs, domains, seed=seed, exact=exact, thorough=False)
    return decision.kind == "agreed" or (decision.kind == "proved" and decision.first.agreed >= MIN_POINTS)


def _same(left: sympy.Basic, right: sympy.Basic, table: SymbolTable, seed: int) -> bool:
    symbols = sorted(left.free_symbols | right.free_symbols, key=lambda s: s.name)
    return same_values(((left, right),), tuple((s, _domain(table, s)) for s in symbols), seed)


def _constant_factor(answer: sympy.Basic, expected: sympy.Basic, value: complex) -> Diagnosis:
    ratio = _exact_constant(answer / expected, value)
    return factor_diagnosis(ratio, sympy.Mul.make_args(expected), sympy.Mul.make_args(answer))


def factor_diagnosis(
    ratio: sympy.Expr, factors_expected: Sequence[sympy.Basic], factors_answer: Sequence[sympy.Basic]
) -> Diagnosis:
    """The diagnosis for answer = ``ratio`` * expected: a missing factor when the expected answer has
    it (or it is a number below 1 the answer does not show), an extra one otherwise. Matrix answers
    (matrices.py) use it too, with their scalar coefficients as the factors."""
    sign = ""
    if ratio.could_extract_minus_sign():
        sign, ratio = "Sign error, and ", -ratio
    missing = 1 / ratio
    if missing in factors_expected or (ratio not in factors_answer and ratio.is_number and abs(ratio) < 1):
        what = f"is missing a factor {_show(missing)}"
    else:
        what = f"has an extra factor {_show(ratio)}"
    lead = f"{sign}your answer {what}" if sign else f"Off by a constant factor: your answer {what}"
    return Diagnosis("factor", f"{lead}.")


def _additive(answer: sympy.Basic, expected: sympy.Basic, value: complex) -> Diagnosis:
    offset = _exact_constant(answer - expected, value, expand=True)
    negative = offset.could_extract_minus_sign()
    relation = f"minus {_show(-offset)}" if negative else f"plus {_show(offset)}"
    return Diagnosis("additive", f"Off by a constant: your answer is the expected answer {relation}.")


def _factor_of(answer: sympy.Basic, expected: sympy.Basic, values: _Values) -> Diagnosis | None:
    """A sub-expression of either side that the answer lacks or has too many of."""
    with np.errstate(all="ignore"):
        ratio = values.a / values.b
    for candidate in _candidates(expected, answer):
        candidate_values = values.of(candidate)
        if candidate_values.shape != ratio.shape or not np.all(np.isfinite(candidate_values)):
            continue
        with np.errstate(all="ignore"):
            if np.allclose(ratio * candidate_values, 1, rtol=RATIO_RTOL):
                kind = "chain-rule factor" if _is_inner_derivative(candidate, expected) else "factor"
                return Diagnosis(
                    "missing-factor", f"Your answer is missing the {kind} {sympy.sstr(candidate)}."
                )
            if np.allclose(ratio, candidate_values, rtol=RATIO_RTOL):
                return Diagnosis("extra-factor", f"Your answer has an extra factor {sympy.sstr(candidate)}.")
    return None


def _candidates(expected: sympy.Basic, answer: sympy.Basic) -> list[sympy.Basic]:
    seen: dict[sympy.Basic, None] = {}
    for root in (expected, answer):
        for node in sympy.preorder_traversal(root):
            if node is root or not node.free_symbols or node in seen:
                continue
            seen[node] = None
            if len(seen) >= MAX_CANDIDATES:
                return list(seen)
    return list(seen)


def _is_inner_derivative(candidate: sympy.Basic, expected: sympy.Basic) -> bool:
    """Whether ``candidate`` is (up to sign) the derivative of an inner expression of ``expected``.

    Inner expressions are what the chain rule differentiates: a function's argument or a power's base
    or exponent. Terms and factors of a sum or product are not inner, and skipping them saves a
    ``diff`` per node (most of the diagnosis of ``p - y`` against ``(p - y)/N``).
    """
    for parent in sympy.preorder_traversal(expected):
        if parent.is_Atom or parent.is_Add or parent.is_Mul:
            continue
        for node in parent.args:
            if not node.is_Atom and node.free_symbols and _is_derivative_of(candidate, node):
                return True
    return False


def _is_derivative_of(candidate: sympy.Basic, node: sympy.Basic) -> bool:
    for symbol in node.free_symbols:
        derivative = sympy.diff(node, symbol)
        if derivative != 0 and (derivative == candidate or -derivative == candidate):
            return True
    return False


def _exact_constant(expr: sympy.Basic, value: complex, *, expand: bool = False) -> sympy.Expr:
    """The exact constant ``expr`` reduces to, or a rational/pi/e guess for ``value`` when SymPy can't say."""
    if sympy.count_ops(expr) <= SIMPLIFY_MAX_OPS:
        reduced = sympy.expand(expr) if expand else sympy.cancel(expr)
        if not reduced.free_symbols:
            return reduced
    return guess_constant(value)


@lru_cache(maxsize=1024)
def guess_constant(value: complex) -> sympy.Expr:
    """A short exact form for a numeric constant: a rational, or a simple expression in pi and e
    (cached: nsimplify takes milliseconds, and a class makes the same slip)."""
    number: complex | float = value.real if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)) else value
    return sympy.nsimplify(number, [sympy.pi, sympy.E], tolerance=1e-10, rational=False)


def _show(expr: sympy.Basic) -> str:
    """Short text for a constant: floats to 6 significant digits, exact values as SymPy prints them."""
    if expr.has(sympy.Float):
        expr = expr.xreplace({f: sympy.Float(f, 6) for f in expr.atoms(sympy.Float)})
    return sympy.sstr(expr)


def _domain(table: SymbolTable, symbol: sympy.Symbol) -> Domain:
    try:
        return Domain(table.variable_of(symbol).domain)  # a Variable may hold the plain string
    except KeyError:
        return Domain.REAL if symbol.is_real else Domain.COMPLEX
