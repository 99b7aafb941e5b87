"""High-precision values at one exact point, to tell a real difference from float64 noise.

When NumPy finds the two sides apart at a sample point, the point is re-checked at high precision.
The fast route walks the expression tree with mpmath's interval arithmetic: every value comes with a
guaranteed enclosure, so digits lost to cancellation (``log(exp(200) + 1) - 200``) widen the interval
instead of faking a difference. An enclosure too wide to decide is retried at more digits (up to 600;
a point still undecided then is skipped, like one where a side is undefined). Values that turn complex
and nodes the walk does not know (sums, factorials) fall back to SymPy's ``evalf``, whose own accuracy
tracking gives the error bound; it costs milliseconds where the walk costs tens of microseconds.

floor and ceiling are exact when their argument is a rational function of the point (exact.py: the
usual case, and the one where the argument is often exactly an integer); otherwise they are known when
the argument's enclosure lies between two integers, and left to evalf when it straddles one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import mpmath
import numpy as np
import sympy
from mpmath.ctx_iv import ivmpf

from studybuddy.core.grading.exact import Fractions, fractions_of, integer_parts

Precise = tuple[mpmath.mpc, mpmath.mpf]  # a value and a bound on its error
Point = tuple[tuple[sympy.Symbol, sympy.Expr], ...]  # sorted by name: hashable, order-independent

EVALF_DIGITS = 30
INTERVAL_DIGITS = (40, 150, 600)  # tried in turn until the enclosure is narrow enough to decide
# A decimal in a floor's argument is read as the number it spells (exact.py), but beside a root or a
# logarithm the walk only has its binary value (0.3 is a little less than 3/10): within this (relative)
# of an integer, such a floor is left to evalf, which rounds decimals as SymPy always has.
NEAR_INTEGER_RTOL = 1e-9

_iv = mpmath.iv


class _Unsupported(Exception):
    """A node (or a complex value) the interval walk does not handle; the caller uses evalf."""


def _tanh(x: ivmpf) -> ivmpf:
    return 1 - 2 / (_iv.exp(2 * x) + 1)


def _sinh(x: ivmpf) -> ivmpf:
    return (_iv.exp(x) - _iv.exp(-x)) / 2


def _cosh(x: ivmpf) -> ivmpf:
    return (_iv.exp(x) + _iv.exp(-x)) / 2


def _monotone(function: Callable[[mpmath.mpf], mpmath.mpf], *, increasing: bool) -> Callable[[ivmpf], ivmpf]:
    """An interval version of a monotone ``function`` (mpmath.iv has no atan): its values at the two
    ends, computed with guard bits and widened outward by more than their rounding."""

    def apply(x: ivmpf) -> ivmpf:
        with mpmath.workprec(_iv.prec + 20):
            ends = [function(mpmath.mpf(end)) for end in x._mpi_]
            if not all(isinstance(end, mpmath.mpf) and mpmath.isfinite(end) for end in ends):
                raise _Unsupported  # outside the real domain (asin(2) is complex): evalf decides
            low, high = ends if increasing else ends[::-1]
            slack = mpmath.ldexp(1, -_iv.prec)
            return _iv.mpf([low - slack * (1 + abs(low)), high + slack * (1 + abs(high))])

    return apply


_UNARY: dict[type, Callable[[ivmpf], ivmpf]] = {
    sympy.exp: _iv.exp, sympy.log: _iv.log, sympy.sin: _iv.sin, sympy.cos: _iv.cos,
    sympy.tan: _iv.tan, sympy.cot: _iv.cot, sympy.sec: _iv.sec, sympy.csc: _iv.csc,
    sympy.tanh: _tanh, sympy.sinh: _sinh, sympy.cosh: _cosh,
    sympy.sech: lambda x: 1 / _cosh(x), sympy.csch: lambda x: 1 / _sinh(x),
    sympy.coth: lambda x: 1 / _tanh(x), sympy.Abs: abs,
    sympy.atan: _monotone(mpmath.atan, increasing=True),
    sympy.asinh: _monotone(mpmath.asinh, increasing=True),
    sympy.asin: _monotone(mpmath.asin, increasing=True),
    sympy.acos: _monotone(mpmath.acos, increasing=False),
    sympy.atanh: _monotone(mpmath.atanh, increasing=True),
    sympy.acosh: _monotone(mpmath.acosh, increasing=True),
}  # fmt: skip


@dataclass(frozen=True)
class Confirmation:
    """The verdict at one point, with both values (to show the learner). ``precise``: the same values
    as mpmath numbers, which keep what complex() loses (exp(-1000) is not 0, exp(1000) not infinite)."""

    differs: bool
    values: tuple[complex, complex]
    precise: tuple[Any, Any] | None = None


def confirm(
    a: sympy.Basic,
    b: sympy.Basic,
    point: Mapping[sympy.Symbol, sympy.Expr],
    rtol: float,
    *,
    modulo_branch: bool = False,
    fallback: Literal["evalf", "stable evalf", "none"] = "evalf",
) -> Confirmation | None:
    """Whether ``a`` and ``b`` really differ at ``point`` (relative tolerance ``rtol``); None where one
    of them is undefined. ``modulo_branch``: a difference of a multiple of 2*pi*i does not count (the
    branch a complex logarithm may add); such points, and values that turn complex, are left to evalf.

    ``fallback``: what decides where the interval walk cannot. "stable evalf", for points where both
    sides may be exactly 0: evalf's tiny values there are noise (((x + 3)^3)^(1/3) at x = -3 "is"
    3.6e-158 at 30 digits and 1.2e-209 at 60), so they count only if twice the digits give them again.
    "none": nothing (None), for points only worth a cheap check.
    """
    key = tuple(sorted(point.items(), key=lambda item: item[0].name))
    if not modulo_branch:
        try:
            return _confirm_by_intervals(a, b, key, rtol)
        except _Unsupported:
            if fallback == "none":
                return None
            # a complex value or a node the walk does not know: evalf decides
    pair = precise_pair(a, b, key)
    if pair is None:
        return None if modulo_branch else _one_infinite(a, b, key)
    if fallback == "stable evalf" and not all(
        _stable(expr, value, key) for expr, value in zip((a, b), pair, strict=True)
    ):
        return None
    (va, ra), (vb, rb) = pair
    slack = rtol * max(abs(va), abs(vb)) + ra + rb
    difference = va - vb
    if modulo_branch:
        turns = mpmath.nint(difference.imag / (2 * mpmath.pi))
        difference -= 2j * mpmath.pi * turns
    return Confirmation(bool(abs(difference) > slack), (complex(va), complex(vb)), (va, vb))


def _stable(expr: sympy.Basic, value: Precise, key: Point) -> bool:
    """Whether evalf gives ``value`` again at twice the digits (within both error bounds)."""
    finer = precise_by_evalf(expr, 2 * EVALF_DIGITS, {s: v for s, v in key if s in expr.free_symbols})
    if finer is None:
        return False
    (v1, r1), (v2, r2) = value, finer
    return bool(abs(v1 - v2) <= r1 + r2 + mpmath.mpf(10) ** -EVALF_DIGITS * abs(v2))


def _one_infinite(a: sympy.Basic, b: sympy.Basic, key: Point) -> Confirmation | None:
    """A difference where one side is infinite and the other finite (x^oo at x = 3/2 is oo, 0 is not);
    None otherwise, as where a side is undefined."""
    infinite = [_infinity_at(expr, key) for expr in (a, b)]
    if (infinite[0] is None) == (infinite[1] is None):
        return None
    finite = precise_at(b if infinite[0] is not None else a, key)
    if finite is None:
        return None
    value = complex(finite[0])
    return Confirmation(True, (infinite[0] or value, infinite[1] or value))


def _infinity_at(expr: sympy.Basic, key: Point) -> complex | None:
    """+-inf where evalf says ``expr`` is oo or -oo there, else None. (Not SymPy's zoo, a pole's
    "complex infinity": 1/x and 0^x are undefined at x = 0 and x < 0, not infinite.)"""
    try:
        value = expr.evalf(EVALF_DIGITS, subs={s: v for s, v in key if s in expr.free_symbols})
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        return None
    if value is sympy.oo:
        return complex(math.inf)
    if value is sympy.S.NegativeInfinity:
        return complex(-math.inf)
    return None


def _confirm_by_intervals(a: sympy.Basic, b: sympy.Basic, key: Point, rtol: float) -> Confirmation | None:
    """The verdict from enclosures at growing precision; None when none decides (a pole, or two values
    so small beside their parts that 600 digits cannot tell them apart): the point is skipped."""
    for digits in INTERVAL_DIGITS:
        ea, eb = interval_at(a, key, digits), interval_at(b, key, digits)
        decided = _decide(ea, eb, rtol)
        if decided is not None and ea is not None and eb is not None:
            return Confirmation(decided, (complex(ea[0]), complex(eb[0])), (ea[0], eb[0]))
    return None


Enclosure = tuple[mpmath.mpf, mpmath.mpf] | None  # (midpoint, radius); None: no finite enclosure


def _decide(a: Enclosure, b: Enclosure, rtol: float) -> bool | None:
    """Different, the same, or (None) too uncertain at this precision to say."""
    if a is None or b is None:
        return None
    (va, ra), (vb, rb) = a, b
    gap, spread = abs(va - vb), ra + rb
    allowed = rtol * max(abs(va), abs(vb))
    if gap - spread > allowed + rtol * spread:
        return True
    if gap + spread <= allowed:
        return False
    return None


def value_by_intervals(expr: sympy.Basic, point: Point) -> float | None:
    """``expr`` at ``point`` to float64 accuracy from its enclosure, or None when the walk cannot give
    a narrow real one (an unknown node, a complex value, a pole, a floor it cannot decide): the caller
    asks SymPy then."""
    for digits in INTERVAL_DIGITS[:2]:  # 40 digits, then 150 for a floor of a huge number
        try:
            enclosure = interval_at(expr, point, digits)
        except _Unsupported:
            return None
        if enclosure is not None:
            middle, radius = enclosure
            if radius <= 1e-17 * max(1, abs(middle)):
                return float(middle)
    return None


def interval_at(expr: sympy.Basic, point: Point, digits: int) -> Enclosure:
    """An enclosure of ``expr`` at ``point``; _Unsupported for a complex value or an unknown node."""
    found = _cached_interval(expr, point, digits)
    if found == "unsupported":
        raise _Unsupported
    return found  # type: ignore[return-value]


@lru_cache(maxsize=4096)
def _cached_interval(expr: sympy.Basic, point: Point, digits: int) -> Enclosure | str:
    free = expr.free_symbols
    values = {symbol: value for symbol, value in point if symbol in free}
    old = _iv.dps
    _iv.dps = digits
    try:
        enclosure = _Walk(values).value(expr)
    except (_Unsupported, mpmath.libmp.ComplexResult):
        return "unsupported"  # a square root or log of a negative number is complex: evalf judges
    except (ZeroDivisionError, ValueError, OverflowError):
        return None
    finally:
        _iv.dps = old
    with mpmath.workdps(digits + 10):
        low, high = (mpmath.mpf(end) for end in enclosure._mpi_)
        if not (mpmath.isfinite(low) and mpmath.isfinite(high)):
            return None  # a pole inside the enclosure: more digits may exclude it, or it is one
        return (low + high) / 2, (high - low) / 2


class _Walk:
    """One interval evaluation of a tree (shared sub-trees computed once)."""

    def __init__(self, point: Mapping[sympy.Symbol, sympy.Expr]) -> None:
        self.point = point
        self.memo: dict[sympy.Basic, ivmpf] = {}
        self._fractions: dict[sympy.Symbol, Fractions] | None = None

    def value(self, expr: sympy.Basic) -> ivmpf:
        known = self.memo.get(expr)
        if known is None:
            known = self.memo[expr] = self._compute(expr)
            if not isinstance(known, ivmpf):
                raise _Unsupported  # complex
        return known

    def _compute(self, expr: sympy.Basic) -> ivmpf:
        if expr.is_Symbol:
            if expr not in self.point:
                raise _Unsupported
            return self.value(self.point[expr])
        if expr.is_Rational:
            return _iv.mpf(expr.p) / expr.q
        if expr.is_Float:
            return _iv.mpf(mpmath.mpf(expr._mpf_))
        if expr is sympy.pi:
            return _iv.pi + 0
        if expr is sympy.E:
            return _iv.e + 0
        if expr.is_Add:
            total = self.value(expr.args[0])
            for arg in expr.args[1:]:
                total = total + self.value(arg)
            return total
        if expr.is_Mul:
            product = self.value(expr.args[0])
            for arg in expr.args[1:]:
                product = product * self.value(arg)
            return product
        if expr.is_Pow:
            return self._power(*expr.args)
        function = _UNARY.get(type(expr))
        if function is not None and len(expr.args) == 1:
            return function(self.value(expr.args[0]))
        if isinstance(expr, sympy.floor | sympy.ceiling):
            return self._integer_part(expr)
        return self._piecewise(expr)

    def _integer_part(self, expr: sympy.Basic) -> ivmpf:
        """floor or ceiling: exact for a rational argument, else from an enclosure between integers."""
        if self._fractions is None:
            self._fractions = fractions_of(self.point)
        parts = integer_parts(expr, self._fractions)
        if parts is not None:
            whole, defined = (np.ravel(part)[0] for part in parts)
            if not defined:
                raise ZeroDivisionError
            return _iv.mpf(int(whole))
        argument = self.value(expr.args[0])
        round_to_integer = mpmath.ceil if isinstance(expr, sympy.ceiling) else mpmath.floor
        with mpmath.workprec(_iv.prec + 10):  # floor of a _iv.prec-bit number is exact at this precision
            low, high = (mpmath.mpf(end) for end in argument._mpi_)
            whole = round_to_integer(low)
            if not mpmath.isfinite(whole) or round_to_integer(high) != whole:
                raise _Unsupported  # the enclosure straddles an integer: evalf decides
            if expr.args[0].has(sympy.Float):
                nearest = mpmath.nint(low)
                if abs(low - nearest) <= NEAR_INTEGER_RTOL * max(1, abs(nearest)):
                    raise _Unsupported
            return _iv.mpf(whole)

    def _power(self, base: sympy.Basic, exponent: sympy.Basic) -> ivmpf:
        number = self.value(base)
        if exponent.is_Integer:
            if exponent < 0 and 0 in number:
                raise ZeroDivisionError
            return number ** int(exponent)
        if exponent == sympy.S.Half:
            return _iv.sqrt(number)
        if not number > 0:
            raise _Unsupported  # a fractional power of a negative number is complex
        return _iv.exp(self.value(exponent) * _iv.log(number))

    def _piecewise(self, expr: sympy.Basic) -> ivmpf:
        args = [self.value(arg) for arg in expr.args]
        if isinstance(expr, sympy.Max | sympy.Min):
            pick = max if isinstance(expr, sympy.Max) else min
            # The ends read at the walk's precision: mpmath.mpf() alone rounds them to 53 bits, which
            # made Max(x, 0) + Max(-x, 0) - Abs(x) at x = -3.7e7 come out 8e-10, not 0.
            with mpmath.workprec(_iv.prec):
                ends = [[mpmath.mpf(end) for end in arg._mpi_] for arg in args]
                return _iv.mpf([pick(e[0] for e in ends), pick(e[1] for e in ends)])
        if isinstance(expr, sympy.sign | sympy.Heaviside):
            argument = args[0]
            if argument > 0:
                return _iv.mpf(1)
            if argument < 0:
                return _iv.mpf(0) if isinstance(expr, sympy.Heaviside) else _iv.mpf(-1)
            if argument == 0:
                return args[1] if isinstance(expr, sympy.Heaviside) and len(args) > 1 else _iv.mpf(0)
        raise _Unsupported  # a step straddling 0, a factorial, sums: SymPy decides


def precise_pair(a: sympy.Basic, b: sympy.Basic, point: Point) -> tuple[Precise, Precise] | None:
    """Both sides at ``point`` by ``evalf``, or None where either is undefined."""
    va, vb = precise_at(a, point), precise_at(b, point)
    return None if va is None or vb is None else (va, vb)


@lru_cache(maxsize=4096)
def precise_at(expr: sympy.Basic, point: Point) -> Precise | None:
    """Cached: the expected answer is re-checked at the same points for many learners' answers."""
    free = expr.free_symbols
    return precise_by_evalf(expr, EVALF_DIGITS, {s: v for s, v in point if s in free})


def precise_by_evalf(
    expr: sympy.Basic, digits: int, point: Mapping[sympy.Symbol, sympy.Expr] | None = None
) -> Precise | None:
    """``expr`` at ``point`` by SymPy's ``evalf``, or None where it is undefined or SymPy cannot say.

    When cancellation costs digits SymPy returns fewer, or a "zero" whose exponent only bounds the true
    value (``0.e-141``); the uncertainty is returned as an error radius so that a tiny true value is not
    taken for a difference.
    """
    try:
        value = expr.evalf(digits, subs=dict(point)) if point else expr.evalf(digits)
        real, imag = value.as_real_imag()
        parts = [
            sympy.Float(part, digits + 10) if not isinstance(part, sympy.Float) else part
            for part in (real, imag)
        ]
    except (TypeError, ValueError, ArithmeticError, AttributeError):  # with SymPy's PrecisionExhausted
        return None
    if not all(part.is_finite for part in parts):
        return None
    with mpmath.workdps(digits + 10):
        numbers = [mpmath.mpf(part._mpf_) for part in parts]
        # A part SymPy could only get to p bits is uncertain by 2**(1 - p) of itself; its "0.e-141"
        # (p = 1) means only that the value is below that size.
        radius = sum(
            (abs(n) * mpmath.ldexp(1, 1 - part._prec) for n, part in zip(numbers, parts, strict=True)),
            mpmath.mpf(0),
        )
        if any(part._prec < 8 for part in parts):
            numbers = [mpmath.mpf(0) if part._prec < 8 else n for n, part in zip(numbers, parts, strict=True)]
        return mpmath.mpc(numbers[0], numbers[1]), radius
