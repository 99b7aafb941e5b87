"""Where two expressions are compared: sample points drawn from each variable's domain.

Every value is a multiple of 1/100, so a point is exact (a person can read "x = -1.5" in a counterexample
and SymPy can re-check it at high precision) and the same (seed, name, domain) always gives the same
values, whichever other variables an expression has. A batch mixes moderate random values (where most
mistakes show), simple ones (integers and halves, where power and root conventions show) and a few wide
ones (|x| up to ~2000, where `Abs(x + 100)` and `x + 1e9` show). Hundredths are a lattice and ~2000
a range that a built answer can hide behind (`floor(100*x)/100`, `Heaviside(x - 5000)`): an answer
these points cannot refute and no proof covers gets a second look at probing.py's points.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Protocol

import numpy as np
import sympy

from studybuddy.core.mathexpr import Domain

SCALE = 100  # sample values are integers / SCALE
POINTS_PER_BATCH = 64  # NumPy's cost is per operation, not per point: 64 points cost about what 8 do
WIDE_PER_BATCH = 8
SIMPLE_PER_BATCH = 16

_SIMPLE_REAL = (-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
_SIMPLE_POSITIVE = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)
_SIMPLE_PROBABILITY = (0.1, 0.25, 0.5, 0.75, 0.9, 0.2, 0.8)


class PointSet(Protocol):
    """What a comparison needs of its points: Samples here, probing.ProbePoints for a second look."""

    @property
    def size(self) -> int: ...

    def arrays(self, complex_mode: bool) -> dict[sympy.Symbol, np.ndarray]: ...

    def exact_point(
        self, index: int, only: Collection[sympy.Basic] | None = None
    ) -> dict[sympy.Symbol, sympy.Expr]: ...

    def readable_point(self, index: int) -> dict[str, float | complex]: ...


@dataclass(frozen=True)
class Samples:
    """Values of each symbol at the points of one batch, as exact hundredths."""

    hundredths: Mapping[sympy.Symbol, np.ndarray]  # real part, int64, one entry per point
    imaginary: Mapping[sympy.Symbol, np.ndarray]  # imaginary part for complex-domain symbols
    size: int

    def arrays(self, complex_mode: bool) -> dict[sympy.Symbol, np.ndarray]:
        arrays: dict[sympy.Symbol, np.ndarray] = {}
        for symbol, real in self.hundredths.items():
            value = real / SCALE
            if symbol in self.imaginary:
                value = value + 1j * (self.imaginary[symbol] / SCALE)
            elif complex_mode:
                value = value.astype(complex)
            arrays[symbol] = value
        return arrays

    def fractions(self) -> dict[sympy.Symbol, tuple[np.ndarray, np.ndarray]]:
        """Exact values of the real symbols as numerators and a denominator (Python ints, for exact.py)."""
        scale = np.array(SCALE, dtype=object)
        return {
            symbol: (real.astype(object), scale)
            for symbol, real in self.hundredths.items()
            if symbol not in self.imaginary
        }

    def exact_point(
        self, index: int, only: Collection[sympy.Basic] | None = None
    ) -> dict[sympy.Symbol, sympy.Expr]:
        """Each symbol's exact value at point ``index`` (``only``: just these symbols')."""
        point: dict[sympy.Symbol, sympy.Expr] = {}
        for symbol, real in self.hundredths.items():
            if only is not None and symbol not in only:
                continue
            value: sympy.Expr = sympy.Rational(int(real[index]), SCALE)
            if symbol in self.imaginary:
                value = value + sympy.I * sympy.Rational(int(self.imaginary[symbol][index]), SCALE)
            point[symbol] = value
        return point

    def readable_point(self, index: int) -> dict[str, float | complex]:
        point: dict[str, float | complex] = {}
        for symbol, real in self.hundredths.items():
            value: float | complex = float(Fraction(int(real[index]), SCALE))
            if symbol in self.imaginary:
                value = complex(value, float(Fraction(int(self.imaginary[symbol][index]), SCALE)))
            point[symbol.name] = value
        return point


def draw(
    symbols: Iterable[sympy.Symbol],
    domain_of: Mapping[sympy.Symbol, Domain],
    seed: int,
    batch: int,
    size: int = POINTS_PER_BATCH,
) -> Samples:
    """One batch of points for ``symbols`` (batch 0 is the usual one; later batches are fallbacks)."""
    hundredths: dict[sympy.Symbol, np.ndarray] = {}
    imaginary: dict[sympy.Symbol, np.ndarray] = {}
    for symbol in symbols:
        domain = domain_of[symbol]
        hundredths[symbol] = _values(symbol.name, domain, seed, batch, size)
        if domain is Domain.COMPLEX:
            imaginary[symbol] = _values(symbol.name + "'imag", Domain.REAL, seed, batch, size)
    return Samples(hundredths, imaginary, size)


def format_point(point: Mapping[str, float | complex]) -> str:
    return ", ".join(f"{name} = {format_number(value)}" for name, value in sorted(point.items()))


def format_number(value: float | complex) -> str:
    """6 significant digits, or 10 for a point they would misplace (probing.py's points are irrational
    and may lie 1e-7 from a breakpoint, where 6 digits would name the breakpoint itself)."""
    if isinstance(value, complex):
        real, imag = format_number(value.real), format_number(abs(value.imag))
        return f"{real} {'-' if value.imag < 0 else '+'} {imag}i"
    short = f"{value:.6g}"
    return short if float(short) == value else f"{value:.10g}"


@lru_cache(maxsize=4096)
def _values(name: str, domain: Domain, seed: int, batch: int, size: int) -> np.ndarray:
    """Values (in hundredths) for one symbol; cached because every grade of a question reuses them."""
    # crc32, not hash(): str hashes change between processes and the grade must be reproducible.
    rng = np.random.default_rng([seed, batch, zlib.crc32(name.encode()), zlib.crc32(domain.value.encode())])
    simple_count = min(SIMPLE_PER_BATCH, size // 4)
    wide_count = min(WIDE_PER_BATCH, size // 8)
    moderate_count = size - simple_count - wide_count
    if domain in (Domain.REAL, Domain.NONZERO, Domain.COMPLEX):
        moderate = _signed(rng, 10 ** rng.uniform(-1, np.log10(3), moderate_count))
        simple = _cover(rng, _SIMPLE_REAL, simple_count)
        wide = _signed(rng, 10 ** rng.uniform(1, 3.3, wide_count))
    elif domain in (Domain.POSITIVE, Domain.NONNEGATIVE, Domain.NEGATIVE):
        moderate = 10 ** rng.uniform(-1.3, 1.3, moderate_count)
        simple = _cover(rng, _SIMPLE_POSITIVE, simple_count)
        if domain is Domain.NONNEGATIVE:
            simple[0] = 0.0
        wide = 10 ** rng.uniform(1.3, 3.3, wide_count)
        if domain is Domain.NEGATIVE:
            moderate, simple, wide = -moderate, -simple, -wide
    elif domain is Domain.PROBABILITY:
        moderate = rng.uniform(0.02, 0.98, moderate_count)
        simple = _cover(rng, _SIMPLE_PROBABILITY, simple_count)
        wide = rng.choice((0.01, 0.02, 0.97, 0.99), wide_count)  # near the ends of (0, 1)
    elif domain is Domain.INTEGER:
        moderate = rng.integers(-6, 7, moderate_count).astype(float)
        simple = rng.integers(-3, 4, simple_count).astype(float)
        wide = _signed(rng, rng.integers(10, 41, wide_count).astype(float))
    elif domain is Domain.NATURAL:
        moderate = rng.integers(1, 11, moderate_count).astype(float)
        simple = rng.integers(1, 4, simple_count).astype(float)
        wide = rng.integers(11, 41, wide_count).astype(float)
    elif domain is Domain.ODD:  # 2j + 1: 1 to 19, 1 to 5, 21 to 79
        moderate = 2 * rng.integers(0, 10, moderate_count).astype(float) + 1
        simple = 2 * rng.integers(0, 3, simple_count).astype(float) + 1
        wide = 2 * rng.integers(10, 40, wide_count).astype(float) + 1
    else:  # pragma: no cover - every Domain member is handled above
        raise ValueError(f"no sampling rule for {domain!r}")
    values = np.concatenate([moderate, simple, wide])
    in_hundredths = np.round(values * SCALE).astype(np.int64)
    if domain is Domain.PROBABILITY:
        in_hundredths = np.clip(in_hundredths, 1, SCALE - 1)
    elif domain is not Domain.NONNEGATIVE and domain not in (Domain.INTEGER,):
        in_hundredths[in_hundredths == 0] = 10  # rounding must not land on 0 where 0 is excluded or rare
    return in_hundredths


def _cover(rng: np.random.Generator, choices: tuple[float, ...], count: int) -> np.ndarray:
    """``count`` values that include every one of ``choices`` (when there is room), shuffled."""
    repeats = -(-count // len(choices))
    return (
        rng.permutation(np.tile(choices, repeats))[:count]
        if count < len(choices)
        else rng.permutation(np.concatenate([choices, rng.choice(choices, count - len(choices))]))
    )


def _signed(rng: np.random.Generator, magnitudes: np.ndarray) -> np.ndarray:
    return np.where(rng.random(magnitudes.shape[0]) < 0.5, -magnitudes, magnitudes)
