"""Exact values of rational expressions at rational points, for floor and ceiling.

floor and ceiling jump at integers, and integers are exactly where their arguments tend to land: the
sample points are exact hundredths, and `(n - k)/s` at n = 7, k = 3, s = 2 is 2. float64 may compute
it as 1.9999999999999998 (it multiplies by a rounded 1/s), and floor would then be 1, off by one.
Since a conv-layer size and its rewrites are rational functions of the variables (sums, products,
integer powers, nested floors), their arguments are computed here exactly: numerators and denominators
of Python integers, in NumPy object arrays so that every point is done at once; a decimal counts as the
exact number it spells. Anything else (a root, an exponential) gives None, and the caller falls back
to an enclosure at high precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import sympy

# Numerators and denominators (object arrays of Python ints, or 0-d ones for constants); a
# denominator of 0 marks a point where the value is undefined (a division by zero on the way).
Fractions = tuple[np.ndarray, np.ndarray]

MAX_EXACT_EXPONENT = 64  # |n| in x^n computed exactly; beyond, the integers grow too long to be cheap


class _NotRational(Exception):
    """A node outside sums, products, integer powers and integer parts of rational numbers."""


def fractions_of(values: Mapping[sympy.Symbol, sympy.Expr]) -> dict[sympy.Symbol, Fractions]:
    """The rational values among ``values`` (one point), in the form ``rational_values`` reads."""
    return {
        symbol: (np.array([value.p], dtype=object), np.array([value.q], dtype=object))
        for symbol, value in values.items()
        if isinstance(value, sympy.Rational)
    }


def rational_values(expr: sympy.Basic, points: Mapping[sympy.Symbol, Fractions]) -> Fractions | None:
    """``expr`` exactly at every point, or None when it is not a rational function of ``points``."""
    try:
        return _values(expr, points)
    except _NotRational:
        return None


def integer_parts(
    expr: sympy.Basic, points: Mapping[sympy.Symbol, Fractions]
) -> tuple[np.ndarray, np.ndarray] | None:
    """``expr`` (a floor or a ceiling) exactly at every point: the integers, and where they are
    defined; None when the argument is not a rational function of ``points``."""
    values = rational_values(expr.args[0], points)
    if values is None:
        return None
    return _integer_part(values, ceiling=isinstance(expr, sympy.ceiling))


def _integer_part(values: Fractions, *, ceiling: bool) -> tuple[np.ndarray, np.ndarray]:
    numerator, denominator = values
    defined = np.asarray(denominator != 0, dtype=bool)
    safe = np.where(defined, denominator, 1)
    # Python's // is floor division for either sign of the denominator; ceil(x) = -floor(-x).
    whole = -((-numerator) // safe) if ceiling else numerator // safe
    return np.where(defined, whole, 0), defined


def _values(expr: sympy.Basic, points: Mapping[sympy.Symbol, Fractions]) -> Fractions:
    if expr.is_Symbol:
        known = points.get(expr)
        if known is None:
            raise _NotRational
        return known
    if expr.is_Rational:
        return np.array(expr.p, dtype=object), np.array(expr.q, dtype=object)
    if expr.is_Float:
        # A decimal is the number it spells: 0.3 is 3/10, while its binary value is a little less and
        # floor(10*0.3) would be 2. (SymPy prints a Float to its own precision, which drops that error.)
        try:
            value = Fraction(str(expr))
        except ValueError:  # inf or nan
            raise _NotRational from None
        return np.array(value.numerator, dtype=object), np.array(value.denominator, dtype=object)
    if expr.is_Add or expr.is_Mul:
        numerator, denominator = _values(expr.args[0], points)
        for arg in expr.args[1:]:
            more, below = _values(arg, points)
            numerator = numerator * below + more * denominator if expr.is_Add else numerator * more
            denominator = denominator * below
        return numerator, denominator
    if expr.is_Pow:
        base, exponent = expr.args
        if not exponent.is_Integer or abs(int(exponent)) > MAX_EXACT_EXPONENT:
            raise _NotRational
        numerator, denominator = _values(base, points)
        if exponent < 0:
            # 1/(a/b) = b/a; where a is 0 (or b already was) the result is undefined: denominator 0.
            numerator, denominator = denominator, np.where(denominator == 0, 0, numerator)
        power = abs(int(exponent))
        return numerator**power, denominator**power
    if isinstance(expr, sympy.floor | sympy.ceiling):
        whole, defined = _integer_part(_values(expr.args[0], points), ceiling=isinstance(expr, sympy.ceiling))
        return whole, np.where(defined, 1, 0).astype(object)
    if isinstance(expr, sympy.Abs):
        numerator, denominator = _values(expr.args[0], points)
        return abs(numerator), abs(denominator)
    raise _NotRational
