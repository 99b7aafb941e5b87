"""Is an expression identically 0 as a rational function? A proof for exponential and trig identities.

The expression is rebuilt in a field of rational functions ``QQ(g1, g2, ...)`` (SymPy's sparse
polynomial fields, no expression rewriting), where the generators are

- ``E_u`` = exp(u/L) for each "base" u of an exponential or hyperbolic argument ``c*u`` (c rational, L
  the common denominator of the c's): ``exp(-x)`` is ``1/E_x``, ``tanh(2x)`` is
  ``(E_x^4 - 1)/(E_x^4 + 1)``;
- ``t_u`` = tan(u/(2L)) for each base of a trigonometric argument, so ``cos(u/L) = (1 - t^2)/(1 + t^2)``
  and ``sin(u/L) = 2t/(1 + t^2)``; multiples and sums of angles are powers and products of
  ``cos + i sin`` kept as (real, imaginary) pairs, so no ``i`` enters the field;
- every other sub-expression (a variable, ``log(x)``, ``sqrt(x)``, ``Abs(x)``) as an opaque symbol.

Each generator is a function of the variables, and the rebuild is a ring homomorphism, so if the result
is the zero element, the expression is 0 wherever it is defined (and continuous): a proof. A nonzero
result proves nothing (``log(x*y) - log(x) - log(y)`` has opaque logs), and the caller moves on.

Only "is it 0?" is asked, so fractions are never reduced: a value is a numerator polynomial over a
product of monic denominator factors (``_Fraction``), sums bring factors to their common multiple by
equality, and the answer is whether the final numerator is 0. SymPy's field would cancel a gcd at every
step, which was most of the cost of ``2 sin(x) cos(x) = sin(2x)`` (whose half-angle tangents pile up
powers of ``1 + t^2``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import sympy
from sympy.polys.domains import QQ
from sympy.polys.orderings import lex
from sympy.polys.rings import PolyElement, PolyRing, ring

_EXP_FAMILY = (sympy.exp, sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)
_TRIG_FAMILY = (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc)
MAX_POWER = 64  # |integer exponent| rebuilt in the field (a larger one: not attempted)

Element = Any  # a _Fraction, or an int or rational that arithmetic with one turns into one


class _NotRational(Exception):
    """The expression has a part this check does not rebuild (a float, a huge power)."""


def is_identically_zero(expr: sympy.Basic) -> bool:
    """True when ``expr`` is the zero rational function of its generators (see the module docstring)."""
    try:
        return _Rebuild(expr).result().is_zero()
    except (_NotRational, ZeroDivisionError):
        return False


def _terms(argument: sympy.Basic) -> Iterator[tuple[sympy.Rational, sympy.Basic]]:
    """``2x - y/3`` -> (2, x), (-1/3, y): each term of an argument as (rational coefficient, base)."""
    for term in sympy.Add.make_args(argument):
        coefficient, base = term.as_coeff_Mul()
        if isinstance(coefficient, sympy.Rational):
            yield coefficient, base
        else:
            yield sympy.S.One, term


class _Rebuild:
    def __init__(self, expr: sympy.Basic) -> None:
        self.expr = expr
        self.exp_bases: dict[sympy.Basic, int] = {}  # base -> common denominator L
        self.trig_bases: dict[sympy.Basic, int] = {}
        self.opaque: dict[sympy.Basic, None] = {}
        self._collect(expr)
        names = [*self.exp_bases, *self.trig_bases, *self.opaque]
        polynomials = _ring(max(1, len(names))).gens  # a ring needs a generator; a constant has none
        self.field = _Fractions(polynomials[0].ring)
        self.generator = {name: _Fraction(gen, {}) for name, gen in zip(names, polynomials, strict=False)}
        self.exp_gen = {base: self.generator[base] for base in self.exp_bases}
        self.trig_gen = {base: self.generator[base] for base in self.trig_bases}

    def result(self) -> Element:
        return self._value(self.expr)

    # -- pass 1: which generators are needed --------------------------------------------------------

    def _collect(self, expr: sympy.Basic) -> None:
        if expr.is_Rational:
            return
        if expr.is_Float:
            raise _NotRational  # float coefficients: no exact field
        if expr.is_Add or expr.is_Mul:
            for arg in expr.args:
                self._collect(arg)
        elif expr.is_Pow and expr.exp.is_Integer:
            if abs(int(expr.exp)) > MAX_POWER:
                raise _NotRational
            self._collect(expr.base)
        elif isinstance(expr, _EXP_FAMILY) or (
            isinstance(expr, _TRIG_FAMILY) and all(b.free_symbols for _, b in _terms(expr.args[0]))
        ):
            # (A constant angle such as pi stays opaque: tan(pi/2), its half-angle tangent, is infinite.)
            bases = self.exp_bases if isinstance(expr, _EXP_FAMILY) else self.trig_bases
            for coefficient, base in _terms(expr.args[0]):
                bases[base] = math.lcm(bases.get(base, 1), int(coefficient.q))
        else:
            self.opaque.setdefault(expr, None)

    # -- pass 2: the value in the field ---------------------------------------------------------------

    def _value(self, expr: sympy.Basic) -> Element:
        if expr in self.opaque:
            return self.generator[expr]
        if expr.is_Rational:
            return self.field.constant(QQ(int(expr.p), int(expr.q)))
        if expr.is_Add:
            total = self.field.zero
            for arg in expr.args:
                total += self._value(arg)
            return total
        if expr.is_Mul:
            product = self.field.one
            for arg in expr.args:
                product *= self._value(arg)
            return product
        if expr.is_Pow and expr.exp.is_Integer:
            power = int(expr.exp)
            base = self._value(expr.base)  # (1/base)^n, not 1/base^n: the base's own factors stay apart
            return (base if power >= 0 else 1 / base) ** abs(power)
        if isinstance(expr, _EXP_FAMILY):
            return self._hyperbolic(expr)
        if isinstance(expr, _TRIG_FAMILY):
            return self._trigonometric(expr)
        return self.generator[expr]

    def _exponential(self, argument: sympy.Basic) -> Element:
        value = self.field.one
        for coefficient, base in _terms(argument):
            power = int(coefficient * self.exp_bases[base])
            self._check_power(power)
            value *= self.exp_gen[base] ** power
        return value

    def _hyperbolic(self, expr: sympy.Basic) -> Element:
        grow = self._exponential(expr.args[0])
        if isinstance(expr, sympy.exp):
            return grow
        shrink = 1 / grow
        return self._ratio(type(expr), (grow - shrink) / 2, (grow + shrink) / 2, hyperbolic=True)

    def _trigonometric(self, expr: sympy.Basic) -> Element:
        # cos(arg) + i sin(arg) as a (real, imaginary) pair: a product over the argument's terms of
        # (cos(base/L) + i sin(base/L))^k, with cos and sin of base/L in the half-angle tangent t.
        real, imaginary = self.field.one, self.field.zero
        for coefficient, base in _terms(expr.args[0]):
            power = int(coefficient * self.trig_bases[base])
            self._check_power(power)
            t = self.trig_gen[base]
            c, s = (1 - t**2) / (1 + t**2), 2 * t / (1 + t**2)
            if power < 0:
                s, power = -s, -power
            for _ in range(power):
                real, imaginary = real * c - imaginary * s, real * s + imaginary * c
        return self._ratio(type(expr), imaginary, real, hyperbolic=False)

    @staticmethod
    def _ratio(kind: type, odd: Element, even: Element, *, hyperbolic: bool) -> Element:
        """sin/cos (or sinh/cosh) and their quotients and reciprocals."""
        if hyperbolic:
            table = {
                sympy.sinh: lambda: odd, sympy.cosh: lambda: even, sympy.tanh: lambda: odd / even,
                sympy.coth: lambda: even / odd, sympy.sech: lambda: 1 / even, sympy.csch: lambda: 1 / odd,
            }  # fmt: skip
        else:
            table = {
                sympy.sin: lambda: odd, sympy.cos: lambda: even, sympy.tan: lambda: odd / even,
                sympy.cot: lambda: even / odd, sympy.sec: lambda: 1 / even, sympy.csc: lambda: 1 / odd,
            }  # fmt: skip
        return table[kind]()

    @staticmethod
    def _check_power(power: int) -> None:
        if abs(power) > MAX_POWER:
            raise _NotRational


@lru_cache(maxsize=16)
def _ring(size: int) -> PolyRing:
    """QQ[g0, ..., g(size-1)]: the generators only stand for what _Rebuild maps to them."""
    return ring([sympy.Symbol(f"g{index}") for index in range(size)], QQ, lex)[0]


class _Fractions:
    """Makes the constants of one rebuild (the ring its fractions live over)."""

    def __init__(self, polynomials: PolyRing) -> None:
        self.ring = polynomials
        self.zero = _Fraction(polynomials.zero, {})
        self.one = _Fraction(polynomials.one, {})

    def constant(self, value: Any) -> _Fraction:
        return _Fraction(self.ring(value), {})


class _Fraction:
    """``numerator / prod(factor ** power)``, never reduced (see the module docstring); factors are monic."""

    __slots__ = ("denominator", "numerator")

    def __init__(self, numerator: PolyElement, denominator: dict[PolyElement, int]) -> None:
        self.numerator = numerator
        self.denominator = denominator

    def is_zero(self) -> bool:
        return not self.numerator

    def _lift(self, other: Any) -> _Fraction:
        return other if isinstance(other, _Fraction) else _Fraction(self.numerator.ring(other), {})

    def _scaled_to(self, common: dict[PolyElement, int]) -> PolyElement:
        numerator = self.numerator
        for factor, power in common.items():
            missing = power - self.denominator.get(factor, 0)
            if missing:
                numerator = numerator * factor**missing
        return numerator

    def __add__(self, other: Any) -> _Fraction:
        other = self._lift(other)
        if not other.numerator:
            return self
        if not self.numerator:
            return other
        common = dict(self.denominator)
        for factor, power in other.denominator.items():
            common[factor] = max(power, common.get(factor, 0))
        return _Fraction(self._scaled_to(common) + other._scaled_to(common), common)

    __radd__ = __add__

    def __neg__(self) -> _Fraction:
        return _Fraction(-self.numerator, self.denominator)

    def __sub__(self, other: Any) -> _Fraction:
        return self + -self._lift(other)

    def __rsub__(self, other: Any) -> _Fraction:
        return self._lift(other) + -self

    def __mul__(self, other: Any) -> _Fraction:
        other = self._lift(other)
        denominator = dict(self.denominator)
        for factor, power in other.denominator.items():
            denominator[factor] = denominator.get(factor, 0) + power
        return _Fraction(self.numerator * other.numerator, denominator)

    __rmul__ = __mul__

    def reciprocal(self) -> _Fraction:
        numerator = self.numerator
        if not numerator:
            raise ZeroDivisionError
        ring_ = numerator.ring
        top = ring_.one
        for factor, power in self.denominator.items():
            top = top * factor**power
        leading = numerator.LC
        denominator: dict[PolyElement, int] = {}
        if len(numerator) == 1:  # a monomial: one factor per generator, so g^2 and g share g
            ((monomial, _),) = numerator.items()
            for gen, power in zip(ring_.gens, monomial, strict=True):
                if power:
                    denominator[gen] = power
        elif not numerator.is_ground:
            denominator[numerator.quo_ground(leading)] = 1
        return _Fraction(top.quo_ground(leading), denominator)

    def __truediv__(self, other: Any) -> _Fraction:
        return self * self._lift(other).reciprocal()

    def __rtruediv__(self, other: Any) -> _Fraction:
        return self._lift(other) * self.reciprocal()

    def __pow__(self, power: int) -> _Fraction:
        if power < 0:
            return self.reciprocal() ** -power
        return _Fraction(
            self.numerator**power, {factor: count * power for factor, count in self.denominator.items()}
        )
