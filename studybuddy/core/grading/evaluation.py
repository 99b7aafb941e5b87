"""Evaluate a SymPy expression at many points at once with NumPy, by walking its tree.

Walking the tree is much cheaper than ``lambdify`` for the small expressions people type (no code is
generated or compiled), and it keeps the value of every sub-expression, which the diagnosis uses to test
"missing factor" candidates for free.

Two modes. Real mode (float64) gives NaN wherever a real-valued step is undefined (`sqrt(-1)`,
`log(-2)`, `(-8)^(1/3)`): such points are skipped, as a teacher working over the reals would.
Complex mode (complex128, principal branches as in SymPy) is used when an expression mentions `I` or a
complex variable. Nodes NumPy cannot do (sums, derivatives, rare functions) fall back to SymPy's
``evalf`` one point at a time.

floor and ceiling jump at integers, where a float64 rounding of their argument can put the value off
by one. Their arguments are computed exactly when they are rational functions of the variables
(exact.py); otherwise the points where the float argument is within noise of an integer are redone at
high precision (precise.py), and by SymPy when that cannot decide.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Collection, Mapping
from functools import lru_cache

import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from studybuddy.core.grading.exact import Fractions, integer_parts
from studybuddy.core.grading.precise import NEAR_INTEGER_RTOL, value_by_intervals

Values = np.ndarray
_SMALLEST_NORMAL = np.finfo(float).tiny
_Unary = Callable[[np.ndarray], np.ndarray]

# A floor whose argument is within noise of an integer, where interval arithmetic cannot tell on which
# side (log(y^3)/log(y) is exactly 3), is asked of SymPy at this many points of a batch at most; the
# others are skipped like undefined points (each costs SymPy milliseconds).
MAX_EVALF_INTEGER_PARTS = 4


def _gamma(values: np.ndarray) -> np.ndarray:
    def one(value: complex | float) -> complex | float:
        try:
            if isinstance(value, complex) or np.iscomplexobj(value):
                import mpmath

                return complex(mpmath.gamma(complex(value)))
            return math.gamma(float(value))
        except (ValueError, OverflowError, ZeroDivisionError):
            return math.nan

    flat = np.asarray(values)
    out = np.array([one(v) for v in flat.ravel()], dtype=flat.dtype if flat.dtype.kind == "c" else float)
    return out.reshape(flat.shape)


def _real_only(function: _Unary) -> _Unary:
    def apply(values: np.ndarray) -> np.ndarray:
        if np.iscomplexobj(values):
            real = np.where(np.abs(values.imag) <= 1e-300, values.real, np.nan)
            return function(real).astype(complex)
        return function(values)

    return apply


def _inverse(function: _Unary) -> _Unary:
    return lambda values: function(1 / values)


_UNARY: dict[type, _Unary] = {
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.cot: lambda v: 1 / np.tan(v),
    sympy.sec: lambda v: 1 / np.cos(v),
    sympy.csc: lambda v: 1 / np.sin(v),
    sympy.asin: np.arcsin,
    sympy.acos: np.arccos,
    sympy.atan: np.arctan,
    sympy.acot: _inverse(np.arctan),
    sympy.asec: _inverse(np.arccos),
    sympy.acsc: _inverse(np.arcsin),
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.coth: lambda v: 1 / np.tanh(v),
    sympy.sech: lambda v: 1 / np.cosh(v),
    sympy.csch: lambda v: 1 / np.sinh(v),
    sympy.asinh: np.arcsinh,
    sympy.acosh: np.arccosh,
    sympy.atanh: np.arctanh,
    sympy.acoth: _inverse(np.arctanh),
    sympy.asech: _inverse(np.arccosh),
    sympy.acsch: _inverse(np.arcsinh),
    sympy.Abs: np.abs,
    sympy.sign: np.sign,
    sympy.re: np.real,
    sympy.im: np.imag,
    sympy.arg: np.angle,
    sympy.conjugate: np.conj,
    sympy.factorial: lambda v: _gamma(v + 1),
    sympy.gamma: _gamma,
}


@lru_cache(maxsize=1024)
def numeric_form(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` ready to evaluate: undefined functions made concrete, derivatives and sums carried out.

    An undefined function ``f`` stands for "any function", so it is replaced by one fixed, smooth,
    deliberately unremarkable function of its arguments (chosen from its name, the same on both sides):
    two expressions that agree for it almost surely agree for every ``f``.
    """
    undefined = expr.atoms(AppliedUndef)
    if undefined:
        expr = expr.xreplace({call: _stand_in(call.func.__name__, call.args) for call in undefined})
    if expr.has(sympy.Derivative, sympy.Sum, sympy.Product, sympy.Integral):
        expr = expr.doit()
    return expr


def _stand_in(name: str, args: tuple[sympy.Basic, ...]) -> sympy.Basic:
    rng = np.random.default_rng([len(args), zlib.crc32(name.encode())])
    weights = [sympy.Rational(int(w), 10) for w in rng.integers(3, 15, len(args) + 3)]
    inner = sum((w * arg for w, arg in zip(weights, args, strict=False)), sympy.S.Zero) + weights[-1]
    linear = sum((arg for arg in args), sympy.S.Zero) * weights[-2] / 3
    return sympy.sin(inner) + linear + weights[-3] / 7


class Evaluator:
    """Values of an expression and all its sub-expressions at one set of points.

    ``exact``: the same points as exact fractions (sampling.Samples.fractions), which floor and
    ceiling need to be right at integers. ``points(index, symbols)``: the exact values of those symbols
    at a point (for points that are not fractions, probing.py's irrational ones), which a floor's
    argument near an integer is then enclosed at; without either, such points are left to SymPy's evalf.
    ``rough``: float64 values only, never SymPy (a node NumPy lacks gives NaN and sets
    ``unsupported``): for scanning many points where a value need only be about right.
    ``watch_underflow``: ``underflow`` marks the points where an exponential, a power or a product
    came out 0 (or subnormal) though nothing it was made of was 0: x*exp(-1000) is 0 in float64 but
    not in fact, while a 0 from cancellation (x - x) is as good as any other value.
    """

    def __init__(
        self,
        env: Mapping[sympy.Symbol, np.ndarray],
        size: int,
        complex_mode: bool,
        exact: Mapping[sympy.Symbol, Fractions] | None = None,
        *,
        points: Callable[[int, Collection[sympy.Basic]], Mapping[sympy.Symbol, sympy.Expr]] | None = None,
        rough: bool = False,
        watch_underflow: bool = False,
    ) -> None:
        self.env = env
        self.size = size
        self.complex_mode = complex_mode
        self.exact = exact or {}
        self.points = points
        self.rough = rough
        self.unsupported = False
        self.underflow = np.zeros(size, dtype=bool) if watch_underflow else None
        self.memo: dict[sympy.Basic, np.ndarray] = {}
        self._dtype = complex if complex_mode else float

    def __call__(self, expr: sympy.Basic) -> np.ndarray:
        with np.errstate(all="ignore"):
            values = self._value(expr)
        return np.broadcast_to(np.asarray(values, dtype=self._dtype), (self.size,))

    def _value(self, expr: sympy.Basic) -> np.ndarray:
        cached = self.memo.get(expr)
        if cached is not None:
            return cached
        try:
            values = self._compute(expr)
        except _Unsupported:
            self.unsupported = True
            values = np.asarray(math.nan, dtype=self._dtype) if self.rough else self._by_evalf(expr)
        if self.underflow is not None and (expr.is_Mul or expr.is_Pow or isinstance(expr, sympy.exp)):
            self._watch(expr, values)
        self.memo[expr] = values
        return values

    def _watch(self, expr: sympy.Basic, values: np.ndarray) -> None:
        assert self.underflow is not None
        tiny = np.abs(values) < _SMALLEST_NORMAL
        if not np.any(tiny):
            return
        parts = [expr.args[0]] if expr.is_Pow else [] if isinstance(expr, sympy.exp) else list(expr.args)
        for part in parts:  # (memoized: each was computed on the way here)
            tiny = tiny & (self._value(part) != 0)
        self.underflow |= np.broadcast_to(tiny, (self.size,))

    def _compute(self, expr: sympy.Basic) -> np.ndarray:
        if expr.is_Symbol:
            return self.env[expr]
        if expr.is_Number or expr.is_NumberSymbol:
            return self._constant(expr)
        if expr is sympy.I:
            if not self.complex_mode:
                return np.asarray(np.nan)
            return np.asarray(1j)
        if expr.is_Add:
            total = self._value(expr.args[0])
            for arg in expr.args[1:]:
                total = total + self._value(arg)
            return total
        if expr.is_Mul:
            product = self._value(expr.args[0])
            for arg in expr.args[1:]:
                product = product * self._value(arg)
            return product
        if expr.is_Pow:
            return self._power(expr)
        function = _UNARY.get(type(expr))
        if function is not None and len(expr.args) == 1:
            return function(np.asarray(self._value(expr.args[0]), dtype=self._dtype))
        if isinstance(expr, sympy.floor | sympy.ceiling):
            return self._integer_part(expr)
        if isinstance(expr, sympy.Max | sympy.Min):
            reduce = np.maximum if isinstance(expr, sympy.Max) else np.minimum
            values = [np.asarray(self._value(arg), dtype=self._dtype) for arg in expr.args]
            if self.complex_mode:
                raise _Unsupported
            result = values[0]
            for more in values[1:]:
                result = reduce(result, more)
            return result
        if isinstance(expr, sympy.Heaviside):
            # SymPy keeps the value at 0 as a second argument: Heaviside(x) is Heaviside(x, 1/2).
            at_zero = float(expr.args[1]) if len(expr.args) > 1 else 0.5
            step = _real_only(lambda v: np.heaviside(v, at_zero))
            return step(np.asarray(self._value(expr.args[0]), dtype=self._dtype))
        if isinstance(expr, sympy.atan2) and not self.complex_mode:
            return np.arctan2(self._value(expr.args[0]), self._value(expr.args[1]))
        raise _Unsupported

    def _integer_part(self, expr: sympy.Basic) -> np.ndarray:
        exact = integer_parts(expr, self.exact)
        if exact is not None:
            whole, defined = exact
            try:
                return np.where(defined, whole, np.nan).astype(self._dtype)
            except OverflowError:  # beyond float64's range
                raise _Unsupported from None
        argument = np.broadcast_to(np.asarray(self._value(expr.args[0]), dtype=self._dtype), (self.size,))
        values = np.array(_real_only(np.ceil if isinstance(expr, sympy.ceiling) else np.floor)(argument))
        if self.rough:
            return values
        real = argument.real
        near = np.abs(real - np.rint(real)) <= NEAR_INTEGER_RTOL * np.maximum(1.0, np.abs(real))
        if self.complex_mode:
            near &= argument.imag == 0  # floor of a value off the real line is undefined here anyway
        asked = 0
        for index in np.flatnonzero(near):
            value: complex | float | None = self._by_intervals_at(expr, int(index))
            if value is None and asked < MAX_EVALF_INTEGER_PARTS:
                asked += 1
                value = self._evalf_at(expr, int(index))
            values[index] = math.nan if value is None else value
        return values

    def _by_intervals_at(self, expr: sympy.Basic, index: int) -> float | None:
        symbols = expr.free_symbols
        if self.points is not None:
            exact = self.points(index, symbols)
            point = tuple((s, exact[s]) for s in sorted(symbols, key=lambda s: s.name))
        elif symbols <= self.exact.keys():
            point = tuple((s, self._exact_value(s, index)) for s in sorted(symbols, key=lambda s: s.name))
        else:
            return None
        return value_by_intervals(expr, point)

    def _evalf_at(self, expr: sympy.Basic, index: int) -> complex | float:
        if self.points is not None:
            exact = self.points(index, expr.free_symbols)
            point = {s: exact[s] for s in expr.free_symbols}
        else:
            point = {
                s: self._exact_value(s, index) if s in self.exact else _to_sympy(self.env[s][index])
                for s in expr.free_symbols
            }
        return _evalf_number(expr, point, self.complex_mode)

    def _exact_value(self, symbol: sympy.Symbol, index: int) -> sympy.Rational:
        numerators, denominators = (np.broadcast_to(part, (self.size,)) for part in self.exact[symbol])
        return sympy.Rational(int(numerators[index]), int(denominators[index]))

    def _constant(self, expr: sympy.Basic) -> np.ndarray:
        try:
            return np.asarray(float(expr))
        except OverflowError:
            return np.asarray(math.inf if expr.is_positive else -math.inf)
        except TypeError:
            return np.asarray(complex(expr), dtype=complex) if self.complex_mode else np.asarray(np.nan)

    def _power(self, expr: sympy.Basic) -> np.ndarray:
        base, exponent = expr.args
        base_values = np.asarray(self._value(base), dtype=self._dtype)
        if exponent == sympy.S.Half:
            return np.sqrt(base_values)
        if exponent == -1:
            return 1 / base_values
        if exponent.is_Integer:
            return base_values ** float(exponent)
        return np.power(base_values, np.asarray(self._value(exponent), dtype=self._dtype))

    def _by_evalf(self, expr: sympy.Basic) -> np.ndarray:
        """Slow path: SymPy evaluates each point (sums, derivatives, functions NumPy lacks)."""
        symbols = sorted(expr.free_symbols, key=lambda s: s.name)
        arrays = [np.broadcast_to(self.env[s], (self.size,)) for s in symbols]
        out = np.empty(self.size, dtype=self._dtype)
        for index in range(self.size):
            subs = {s: _to_sympy(a[index]) for s, a in zip(symbols, arrays, strict=True)}
            out[index] = _evalf_number(expr, subs, self.complex_mode)
        return out


class _Unsupported(Exception):
    """A node the NumPy walk does not know; the caller falls back to evalf."""


def _to_sympy(value: complex | float) -> sympy.Expr:
    if isinstance(value, complex | np.complexfloating):
        return sympy.Float(value.real) + sympy.I * sympy.Float(value.imag)
    return sympy.Float(float(value))


def _evalf_number(expr: sympy.Basic, subs: Mapping[sympy.Symbol, sympy.Expr], complex_mode: bool) -> complex:
    try:
        value = expr.evalf(15, subs=dict(subs))
        number = complex(value)
    except (TypeError, ValueError, ArithmeticError):  # ArithmeticError: SymPy's PrecisionExhausted too
        return math.nan
    if not complex_mode:
        return number.real if abs(number.imag) <= 1e-12 * max(1.0, abs(number.real)) else math.nan
    return number
