"""A second set of points for answers that agree at every sample point but have no proof.

The first sample points (sampling.py) are exact hundredths with |x| up to about 2000: they give readable
counterexamples, but a function can be built to vanish on that lattice (``sin(200*pi*x)``,
``floor(100*x)/100 - x``) or to differ only beyond that range (``Heaviside(x - 5000)``, ``Max(x, 2500)``).
So when every point agrees and no proof holds, the two sides are also compared here, at

- random points at every scale (|x| from 1e-6 to 1e12), each exactly ``q + c*sqrt(k)`` with ``q`` and
  ``c`` rational and ``k`` a non-square drawn per point: irrational, and no two in a rational ratio,
  so no lattice holds them all and no periodic term vanishes at all of them;
- points on both sides of every breakpoint of floor, ceiling, Abs, sign, Heaviside, arg, Max and Min in
  either expression, at several distances from it. Breakpoints are found along each variable (the
  others held at a random point) by a scan from 1e-15 to 1e300 and bisection, in float64: a breakpoint
  need only be near, since points are placed at a relative distance of at least 1e-7 from it.

NumPy sees each point's float value; a disagreement is confirmed at its exact value (precise.py), which
for these points is irrational, so ``sin(2^60*pi*x)`` is not 0 there as it is at every float.
Integer domains are lattices themselves: their points are integers at every scale, and beside each
breakpoint the integers around it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from studybuddy.core.grading.evaluation import Evaluator
from studybuddy.core.mathexpr import Domain

MODERATE_POINTS = 16  # |x| around 0.1 to 3, where most differences show
SCALED_POINTS = 32  # |x| from 1e-6 to 1e12
SLOW_POINTS = 12  # instead of both, when a side needs SymPy at every point (a binomial, a Sum)
MAX_SWITCHES = 8  # breakpoint-making nodes scanned (the first found, outermost first)
MAX_BRACKETS = 6  # breakpoints kept per node and line, spread over those found
MAX_BREAKPOINT_POINTS = 192
BISECTIONS = 34  # a bracket 1.78 times its lower end shrinks below 1e-10 of it
OFFSETS = (1e-7, 1e-4, 1e-2, 0.3)  # distances from a breakpoint, relative to it (or to 1e-6 near 0)
RADICANDS = (2, 3, 5, 6, 7, 10, 11, 13, 14, 15)
_GRID_EXPONENTS = np.arange(-15.0, 300.0, 0.25)

_SWITCHES = (
    sympy.Abs, sympy.sign, sympy.Heaviside, sympy.arg, sympy.Max, sympy.Min, sympy.floor, sympy.ceiling,
)  # fmt: skip
_INTEGER_DOMAINS = (Domain.INTEGER, Domain.NATURAL, Domain.ODD)


@dataclass(frozen=True)
class Coordinates:
    """One symbol's value at each point: exactly ``rational + surd * sqrt(radicand)``, where
    ``rational`` and ``surd`` are float64 arrays read as the exact binary fractions they hold, and
    ``value`` is the float64 nearest that sum (what NumPy evaluates at)."""

    rational: np.ndarray
    surd: np.ndarray  # 0 for an integer
    radicand: np.ndarray  # int
    value: np.ndarray

    def exact(self, index: int) -> sympy.Expr:
        rational = sympy.Rational(*float(self.rational[index]).as_integer_ratio())
        surd = float(self.surd[index])
        if not surd:
            return rational
        return rational + sympy.Rational(*surd.as_integer_ratio()) * sympy.sqrt(int(self.radicand[index]))

    @property
    def is_integer(self) -> bool:
        return not np.any(self.surd)

    def take(self, indices: Sequence[int] | np.ndarray) -> Coordinates:
        return Coordinates(
            self.rational[indices], self.surd[indices], self.radicand[indices], self.value[indices]
        )

    @staticmethod
    def join(parts: Sequence[Coordinates]) -> Coordinates:
        return Coordinates(*(np.concatenate([getattr(p, name) for p in parts]) for name in _FIELDS))


_FIELDS = ("rational", "surd", "radicand", "value")


@dataclass(frozen=True)
class ProbePoints:
    """The points, with the interface of sampling.Samples that equivalence.py compares on."""

    real: Mapping[sympy.Symbol, Coordinates]
    imaginary: Mapping[sympy.Symbol, Coordinates]  # complex-domain symbols only
    size: int

    def arrays(self, complex_mode: bool) -> dict[sympy.Symbol, np.ndarray]:
        arrays: dict[sympy.Symbol, np.ndarray] = {}
        for symbol, coordinates in self.real.items():
            value: np.ndarray = coordinates.value
            if symbol in self.imaginary:
                value = value + 1j * self.imaginary[symbol].value
            elif complex_mode:
                value = value.astype(complex)
            arrays[symbol] = value
        return arrays

    def fractions(self) -> dict[sympy.Symbol, tuple[np.ndarray, np.ndarray]]:
        """The symbols whose points are all integers (integer domains), as exact.py reads them."""
        return {
            symbol: (coordinates.rational.astype(np.int64).astype(object), np.array(1, dtype=object))
            for symbol, coordinates in self.real.items()
            if symbol not in self.imaginary and coordinates.is_integer
        }

    def exact_point(
        self, index: int, only: Collection[sympy.Basic] | None = None
    ) -> dict[sympy.Symbol, sympy.Expr]:
        """Each symbol's exact value at point ``index`` (``only``: just these symbols', which saves
        building hundreds of surds for one entry of a matrix)."""
        point: dict[sympy.Symbol, sympy.Expr] = {}
        for symbol, coordinates in self.real.items():
            if only is not None and symbol not in only:
                continue
            value = coordinates.exact(index)
            if symbol in self.imaginary:
                value = value + sympy.I * self.imaginary[symbol].exact(index)
            point[symbol] = value
        return point

    def readable_point(self, index: int) -> dict[str, float | complex]:
        point: dict[str, float | complex] = {}
        for symbol, coordinates in self.real.items():
            value: float | complex = float(coordinates.value[index])
            if symbol in self.imaginary:
                value = complex(value, float(self.imaginary[symbol].value[index]))
            point[symbol.name] = value
        return point


def probe_points(
    exprs: Sequence[sympy.Basic], domains: Mapping[sympy.Symbol, Domain], seed: int
) -> ProbePoints:
    """Random points at every scale, then points beside the breakpoints of ``exprs``."""
    symbols = sorted(domains, key=lambda s: s.name)
    slow = _needs_sympy(exprs, symbols)
    moderate, scaled = (SLOW_POINTS, 0) if slow else (MODERATE_POINTS, SCALED_POINTS)
    real: dict[sympy.Symbol, Coordinates] = {}
    imaginary: dict[sympy.Symbol, Coordinates] = {}
    for symbol in symbols:
        domain = domains[symbol]
        rng = _rng(seed, symbol.name, domain)
        real[symbol] = _random(rng, domain, moderate, scaled)
        if domain is Domain.COMPLEX:
            imaginary[symbol] = _random(
                _rng(seed, symbol.name + "'imag", domain), Domain.REAL, moderate, scaled
            )
    size = moderate + scaled
    extra = None if slow or imaginary else _beside_breakpoints(exprs, real, domains, seed)
    if extra:
        real = {s: Coordinates.join([real[s], extra[s]]) for s in symbols}
        size = real[symbols[0]].value.shape[0]
    # Readable points first: a counterexample at x = 3.2 says more than one at x = 6.9e+11.
    with np.errstate(divide="ignore"):
        scale = [np.abs(np.log10(np.abs(c.value))) for c in (*real.values(), *imaginary.values())]
    order = np.argsort(np.nan_to_num(np.max(scale, axis=0), posinf=0.0), kind="stable")
    return ProbePoints(
        {s: c.take(order) for s, c in real.items()}, {s: c.take(order) for s, c in imaginary.items()}, size
    )


# --- random points at every scale ---------------------------------------------------------------------


def _rng(seed: int, name: str, domain: Domain) -> np.random.Generator:
    # crc32, not hash(): str hashes change between processes and the grade must be reproducible.
    return np.random.default_rng([seed, 7919, zlib.crc32(name.encode()), zlib.crc32(domain.value.encode())])


def _random(rng: np.random.Generator, domain: Domain, moderate: int, scaled: int) -> Coordinates:
    if domain in _INTEGER_DOMAINS:
        values = np.concatenate(
            [rng.integers(1, 60, moderate), np.round(10 ** rng.uniform(1.5, 7, scaled))]
        ).astype(float)
        if domain is Domain.INTEGER:
            values = _signed(rng, values)
        elif domain is Domain.ODD:
            values = 2 * np.floor(values / 2) + 1
        return _integers(values)
    if domain is Domain.PROBABILITY:
        ends = 10 ** rng.uniform(-9, -1.5, scaled)
        values = np.concatenate(
            [rng.uniform(0.02, 0.98, moderate), np.where(rng.random(scaled) < 0.5, ends, 1 - ends)]
        )
        return _irrational(rng, values)
    values = np.concatenate([10 ** rng.uniform(-1, 0.5, moderate), 10 ** rng.uniform(-6, 12, scaled)])
    if domain in (Domain.REAL, Domain.NONZERO, Domain.COMPLEX):
        values = _signed(rng, values)
    elif domain is Domain.NEGATIVE:
        values = -values
    return _irrational(rng, values)


def _signed(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    return np.where(rng.random(values.shape[0]) < 0.5, -values, values)


def _irrational(
    rng: np.random.Generator, values: np.ndarray, anchors: np.ndarray | None = None
) -> Coordinates:
    """Points near ``values``, each exactly q + c*sqrt(k) (q and c of the same sign as the value, so
    the point stays in its domain). With ``anchors``: q is the anchor and c*sqrt(k) is value - anchor."""
    radicands = rng.choice(RADICANDS, values.shape[0])
    roots = np.sqrt(radicands.astype(float))
    if anchors is None:
        share = rng.uniform(0.2, 0.8, values.shape[0])
        surds = values * share / roots
        rationals = values - surds * roots
    else:
        rationals = anchors
        surds = (values - anchors) / roots
    return Coordinates(rationals, surds, radicands, rationals + surds * roots)


def _integers(values: np.ndarray) -> Coordinates:
    values = values.astype(float)
    return Coordinates(values, np.zeros_like(values), np.ones(values.shape, dtype=int), values)


def _needs_sympy(exprs: Sequence[sympy.Basic], symbols: Sequence[sympy.Symbol]) -> bool:
    """Whether NumPy's walk falls back to SymPy at every point for one of ``exprs`` (then fewer points)."""
    evaluator = Evaluator({s: np.array([0.5]) for s in symbols}, 1, False, rough=True)
    for expr in exprs:
        evaluator(expr)
    return evaluator.unsupported


# --- points beside breakpoints ------------------------------------------------------------------------


def switches(exprs: Iterable[sympy.Basic]) -> list[sympy.Basic]:
    """The nodes where an expression changes formula (floor, Abs, Max, ...), outermost first."""
    found: dict[sympy.Basic, None] = {}
    for expr in exprs:
        for node in sympy.preorder_traversal(expr):
            if isinstance(node, _SWITCHES) and node.free_symbols:
                found.setdefault(node, None)
                if len(found) >= MAX_SWITCHES:
                    return list(found)
    return list(found)


def _piece(node: sympy.Basic, evaluate: Callable[[sympy.Basic], np.ndarray]) -> np.ndarray:
    """Which formula ``node`` uses at each point (a number per formula; NaN where it is undefined)."""
    with np.errstate(all="ignore"):
        if isinstance(node, sympy.Max | sympy.Min):
            args = np.array([evaluate(arg) for arg in node.args])
            defined = np.all(np.isfinite(args), axis=0)
            pick = np.nanargmax if isinstance(node, sympy.Max) else np.nanargmin
            chosen = pick(np.where(np.isfinite(args), args, 0.0), axis=0).astype(float)
            return np.where(defined, chosen, np.nan)
        argument = evaluate(node.args[0])
        if isinstance(node, sympy.floor | sympy.ceiling):
            return np.floor(argument) if isinstance(node, sympy.floor) else np.ceil(argument)
        return np.sign(argument)


def _grid(domain: Domain) -> np.ndarray:
    magnitudes = 10**_GRID_EXPONENTS
    if domain is Domain.PROBABILITY:
        logits = np.arange(-15.0, 15.01, 0.25)
        return 1 / (1 + 10 ** (-logits))
    if domain in (Domain.POSITIVE, Domain.NATURAL, Domain.ODD):
        return magnitudes
    if domain is Domain.NONNEGATIVE:
        return np.concatenate([[0.0], magnitudes])
    if domain is Domain.NEGATIVE:
        return -magnitudes[::-1]
    return np.concatenate([-magnitudes[::-1], [0.0], magnitudes])


def _brackets(
    nodes: Sequence[sympy.Basic], along: sympy.Symbol, base: Mapping[sympy.Symbol, float], domain: Domain
) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) ends of small intervals of ``along`` that each hold a breakpoint of a node."""
    grid = _grid(domain)

    def pieces(values: np.ndarray) -> list[np.ndarray]:
        env = {symbol: np.asarray(value) for symbol, value in base.items()}
        env[along] = values
        evaluator = Evaluator(env, values.shape[0], False, rough=True)
        return [np.broadcast_to(_piece(node, evaluator), values.shape) for node in nodes]

    node_of, lows, highs = [], [], []
    for index, piece in enumerate(pieces(grid)):
        changes = np.flatnonzero(np.isfinite(piece[:-1]) & np.isfinite(piece[1:]) & (piece[:-1] != piece[1:]))
        if changes.size > MAX_BRACKETS:
            # floor(100*x) changes everywhere: keep the breakpoints of moderate size, where a float
            # still resolves a fraction (at 1e300 none is left)
            with np.errstate(divide="ignore"):
                size = np.abs(np.log10(np.abs(grid[changes])))
            changes = np.sort(changes[np.argsort(size, kind="stable")[:MAX_BRACKETS]])
        node_of += [index] * changes.size
        lows.append(grid[changes])
        highs.append(grid[changes + 1])
    if not node_of:
        return np.empty(0), np.empty(0)
    low, high = np.concatenate(lows), np.concatenate(highs)
    which = np.array(node_of)
    columns = np.arange(which.size)
    left = np.array(pieces(low))[which, columns]
    for _ in range(BISECTIONS):
        middle = low / 2 + high / 2
        same = np.array(pieces(middle))[which, columns] == left
        low, high = np.where(same, middle, low), np.where(same, high, middle)
    return low, high


def _beside_breakpoints(
    exprs: Sequence[sympy.Basic],
    random: Mapping[sympy.Symbol, Coordinates],
    domains: Mapping[sympy.Symbol, Domain],
    seed: int,
) -> dict[sympy.Symbol, Coordinates] | None:
    nodes = switches(exprs)
    if not nodes:
        return None
    symbols = sorted(domains, key=lambda s: s.name)
    bases = range(2 if len(symbols) > 1 else 1)  # the other variables at 1 or 2 moderate random points
    parts: dict[sympy.Symbol, list[Coordinates]] = {s: [] for s in symbols}
    for along in symbols:
        related = [node for node in nodes if along in node.free_symbols]
        if not related:
            continue
        rng = _rng(seed, along.name + "'breakpoints", domains[along])
        for base_index in bases:
            base = {s: float(random[s].value[base_index]) for s in symbols if s is not along}
            low, high = _brackets(related, along, base, domains[along])
            beside = _beside(rng, low, high, domains[along])
            if beside is None:
                continue
            count = beside.value.shape[0]
            for symbol in symbols:
                parts[symbol].append(beside if symbol is along else random[symbol].take([base_index] * count))
    if not parts[symbols[0]]:
        return None
    joined = {s: Coordinates.join(parts[s]) for s in symbols}
    count = joined[symbols[0]].value.shape[0]
    if count > MAX_BREAKPOINT_POINTS:
        keep = np.linspace(0, count - 1, MAX_BREAKPOINT_POINTS).astype(int)
        joined = {s: c.take(keep) for s, c in joined.items()}
    return joined


def _beside(
    rng: np.random.Generator, low: np.ndarray, high: np.ndarray, domain: Domain
) -> Coordinates | None:
    """Points on both sides of each bracketed breakpoint, at each distance in OFFSETS, in ``domain``."""
    if low.size == 0:
        return None
    if domain in _INTEGER_DOMAINS:
        whole = np.floor(low)
        steps = np.array([-1.0, 0.0, 1.0, 2.0])
        values = (whole[:, None] + steps[None, :]).ravel()
        spread = np.outer(np.maximum(np.abs(low), 1.0), np.array(OFFSETS[1:]))
        values = np.concatenate(
            [values, np.round((low[:, None] - spread).ravel()), np.round((high[:, None] + spread).ravel())]
        )
        values = np.unique(values[_inside(values, domain)])
        return _integers(values) if values.size else None
    distance = np.outer(np.maximum(np.abs(low), 1e-6), np.array(OFFSETS))
    jitter = rng.uniform(1.0, 1.5, distance.shape)
    anchors = np.concatenate([np.repeat(low, len(OFFSETS)), np.repeat(high, len(OFFSETS))])
    values = np.concatenate(
        [(low[:, None] - distance * jitter).ravel(), (high[:, None] + distance * jitter).ravel()]
    )
    inside = _inside(values, domain) & np.isfinite(values)
    if not np.any(inside):
        return None
    return _irrational(rng, values[inside], anchors[inside])


def _inside(values: np.ndarray, domain: Domain) -> np.ndarray:
    if domain in (Domain.POSITIVE, Domain.NATURAL):
        return values > 0
    if domain is Domain.ODD:
        return (values > 0) & (np.mod(values, 2) == 1)
    if domain is Domain.NONNEGATIVE:
        return values >= 0
    if domain is Domain.NEGATIVE:
        return values < 0
    if domain is Domain.NONZERO:
        return values != 0
    if domain is Domain.PROBABILITY:
        return (values > 0) & (values < 1)
    return np.ones(values.shape, dtype=bool)
