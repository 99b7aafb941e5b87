"""Numeric checks with NumPy: gradients by central differences, identities and worked examples.

Expressions are compiled with ``lambdify(..., dummify=True)`` over the declared variables only (or, for
indexed vectors, over generated argument names), so a variable named like a NumPy function cannot shadow
anything in the generated code. Relative errors follow
cs231n's notes on gradient checking: below 1e-7 is great, 1e-7 to 1e-4 is suspicious (fine only where the
function has kinks), 1e-4 to 1e-2 is uncomfortable, above 1e-2 the gradient is probably wrong.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from studybuddy.core.mathexpr import Domain, SymbolTable, Variable

STEP = 1e-5  # central-difference step (cs231n); truncation error ~STEP**2, round-off ~1e-16/STEP
TINY = 1e-300


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    summary: str
    rows: list[dict[str, Any]] = field(default_factory=list)


def relative_error(a: Any, b: Any) -> float:
    """cs231n's |a - b| / max(|a|, |b|), the largest over the entries; 0 when both are 0."""
    left, right = np.asarray(a, dtype=complex), np.asarray(b, dtype=complex)
    with np.errstate(all="ignore"):
        scale = np.maximum(np.maximum(np.abs(left), np.abs(right)), TINY)
        errors = np.abs(left - right) / scale
    return float(np.max(errors)) if errors.size else 0.0


def rating(error: float) -> str:
    """How worrying a gradient check's relative error is (thresholds from cs231n)."""
    if not np.isfinite(error):
        return "undefined"
    if error < 1e-7:
        return "great"
    if error < 1e-4:
        return "suspicious"
    if error < 1e-2:
        return "uncomfortable"
    return "wrong"


class _Printer(NumPyPrinter):
    """NumPy's printer plus the matrix functions answers may use that SymPy's does not print
    (``trace(W)``, ``det(W)`` would otherwise fail to compile in every numeric check)."""

    def _print_Trace(self, expr: sympy.Basic) -> str:
        return f"{self._module_format('numpy.trace')}({self._print(expr.arg)})"

    def _print_Determinant(self, expr: sympy.Basic) -> str:
        return f"{self._module_format('numpy.linalg.det')}({self._print(expr.arg)})"


def _printer() -> _Printer:
    """The printer as lambdify makes its own: names as its namespace has them (a printer *class*
    would print fully qualified ones such as ``functools.reduce``, for Max and Min, which the
    namespace of the generated function lacks)."""
    return _Printer({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True})


def compile_expression(expr: sympy.Basic, table: SymbolTable) -> Callable[..., Any]:
    """A NumPy function of the table's variables, called with keyword values by variable name."""
    variables = table.variables
    unknown = {getattr(s, "name", str(s)) for s in expr.free_symbols} - table.names()
    if unknown:
        raise ValueError(f"{sorted(unknown)} are not declared variables")
    symbols = [table.symbol(v.name) for v in variables]
    if any(isinstance(symbol, sympy.MatrixSymbol) for symbol in symbols):
        # dummify's stand-ins are commutative scalars, which turns the matrix product W*x into x*W and
        # breaks indexed entries (`w[0, 0]`): matrices get generated identifiers instead, which are
        # just as safe in the generated code.
        renamed = [_renamed(symbol, index) for index, symbol in enumerate(symbols)]
        expr = expr.xreplace(dict(zip(symbols, renamed, strict=True)))
        function = sympy.lambdify(renamed, expr, modules="numpy", dummify=False, printer=_printer())
    else:
        function = sympy.lambdify(symbols, expr, modules="numpy", dummify=True, printer=_printer())

    def call(**values: Any) -> Any:
        with np.errstate(all="ignore"):
            return _plain(function(*(values[v.name] for v in variables)))

    return call


def _renamed(symbol: sympy.Basic, index: int) -> sympy.Basic:
    if isinstance(symbol, sympy.MatrixSymbol):
        return sympy.MatrixSymbol(f"studybuddy_arg{index}", *symbol.shape)
    return sympy.Symbol(f"studybuddy_arg{index}", **symbol.assumptions0)


def random_point(table: SymbolTable, seed: int = 0, index: int = 0) -> dict[str, Any]:
    """Moderate random values for each variable, drawn from its domain (matrices get random entries)."""
    point: dict[str, Any] = {}
    for variable in table.variables:
        rng = np.random.default_rng([seed, index, zlib.crc32(variable.name.encode())])
        point[variable.name] = _draw(variable, rng)
    return point


def gradient_check(
    function: sympy.Basic,
    gradient: Mapping[str, sympy.Basic],
    table: SymbolTable,
    *,
    at: Mapping[str, float | Sequence[Any]] | None = None,
    seed: int = 0,
    tolerance: float = 1e-6,
) -> CheckResult:
    """Central finite differences of ``function`` against each claimed partial derivative."""
    f = compile_expression(function, table)
    point = _point(table, at, seed)
    rows: list[dict[str, Any]] = []
    for name, claimed in gradient.items():
        analytic = np.asarray(compile_expression(claimed, table)(**point), dtype=float)
        base = np.array(point[name], dtype=float)
        numeric = np.empty(base.shape, dtype=float)
        for index in np.ndindex(base.shape):
            numeric[index] = _central_difference(f, point, name, base, index)
        if analytic.size == 1 and numeric.size == 1:
            analytic, numeric = analytic.reshape(()), numeric.reshape(())
        if analytic.shape != numeric.shape:
            rows.append(
                {
                    "variable": name,
                    "analytic": analytic.tolist(),
                    "numeric": numeric.tolist(),
                    "relative_error": float("inf"),
                    "rating": "wrong shape",
                }
            )
            continue
        error = relative_error(analytic, numeric)
        rows.append(
            {
                "variable": name,
                "analytic": analytic.tolist(),
                "numeric": numeric.tolist(),
                "relative_error": error,
                "rating": rating(error),
            }
        )
    worst = max((row["relative_error"] for row in rows), default=0.0)
    passed = bool(rows) and np.isfinite(worst) and worst < tolerance
    where = _where(point, _names_in(function, *gradient.values()) | set(gradient))
    summary = (
        f"gradient check {'passed' if passed else 'failed'}: largest relative error {worst:.1e} "
        f"({rating(worst)}; tolerance {tolerance:.0e}) at {where}"
    )
    return CheckResult(passed, summary, rows)


def identity_check(
    lhs: sympy.Basic,
    rhs: sympy.Basic,
    table: SymbolTable,
    *,
    seed: int = 0,
    points: int = 20,
    tolerance: float = 1e-9,
) -> CheckResult:
    """``lhs`` and ``rhs`` agree (relative error below ``tolerance``) at random points of the domains."""
    left, right = compile_expression(lhs, table), compile_expression(rhs, table)
    rows: list[dict[str, Any]] = []
    for index in range(points):
        point = random_point(table, seed, index)
        lv, rv = left(**point), right(**point)
        if not (np.all(np.isfinite(lv)) and np.all(np.isfinite(rv))):
            continue  # outside the domain of one side: skipped, as in grading
        rows.append(
            {
                "point": {k: _listed(v) for k, v in point.items()},
                "lhs": _listed(lv),
                "rhs": _listed(rv),
                "relative_error": relative_error(lv, rv),
            }
        )
    worst = max((row["relative_error"] for row in rows), default=float("nan"))
    passed = bool(rows) and worst < tolerance
    if not rows:
        summary = f"identity check failed: neither side is defined at any of {points} random points"
    elif passed:
        summary = f"identity holds at {len(rows)} random points (largest relative error {worst:.1e})"
    else:
        bad = max(rows, key=lambda row: row["relative_error"])
        where = _where(bad["point"], _names_in(lhs, rhs))
        summary = (
            f"identity fails at {where}: lhs {_short(bad['lhs'])}, rhs {_short(bad['rhs'])} "
            f"(relative error {worst:.1e})"
        )
    return CheckResult(passed, summary, rows)


def example_check(
    expr: sympy.Basic,
    values: Mapping[str, object],
    expected: object,
    table: SymbolTable,
    *,
    tolerance: float = 1e-9,
) -> CheckResult:
    """A worked example: ``expr`` at the given values (numbers, lists, lists of lists) equals ``expected``."""
    point = {}
    for variable in table.variables:
        if variable.name not in values:
            raise ValueError(f"the example gives no value for {variable.name!r}")
        point[variable.name] = _shaped(variable, values[variable.name])
    got = np.asarray(compile_expression(expr, table)(**point), dtype=complex)
    want = np.asarray(expected, dtype=complex)
    if got.size == want.size and got.shape != want.shape:
        got = got.reshape(want.shape)  # a column vector written as a flat list
    if got.shape != want.shape:
        return CheckResult(
            False,
            f"example check failed: shape {got.shape} but expected {want.shape}",
            [{"value": _listed(got), "expected": _listed(want), "relative_error": float("inf")}],
        )
    error = relative_error(got, want)
    passed = bool(np.isfinite(error) and error < tolerance)
    summary = (
        f"example check {'passed' if passed else 'failed'}: got {_short(_listed(got))}, "
        f"expected {_short(_listed(want))} (relative error {error:.1e})"
    )
    return CheckResult(
        passed, summary, [{"value": _listed(got), "expected": _listed(want), "relative_error": error}]
    )


def value_at(expr: sympy.Basic, values: Mapping[str, object], table: SymbolTable) -> Any:
    """``expr`` at the given values (numbers, lists, lists of lists, shaped as each variable is
    declared), as a number or nested lists."""
    point = {variable.name: _shaped(variable, values[variable.name]) for variable in table.variables}
    return np.asarray(compile_expression(expr, table)(**point)).tolist()


def _names_in(*exprs: sympy.Basic) -> set[str]:
    """The names of the variables the expressions use (a matrix by its own name)."""
    return {getattr(symbol, "name", str(symbol)) for expr in exprs for symbol in expr.free_symbols}


def _where(point: Mapping[str, Any], names: set[str]) -> str:
    """The point a check was made at, as the learner reads it: only the variables the check uses (the
    rest of the lesson's symbols are drawn too, and shown they would read as part of the check:
    probabilities that sum to more than 1, one-hot labels holding random numbers)."""
    return ", ".join(f"{k} = {_short(v)}" for k, v in point.items() if k in names)


def _central_difference(
    f: Callable[..., Any], point: Mapping[str, Any], name: str, base: np.ndarray, index: tuple[int, ...]
) -> float:
    def shifted(delta: float) -> float:
        moved = base.copy()
        moved[index] += delta
        return float(np.real(np.asarray(f(**{**point, name: moved if moved.shape else float(moved)})).sum()))

    return (shifted(STEP) - shifted(-STEP)) / (2 * STEP)


def _point(table: SymbolTable, at: Mapping[str, Any] | None, seed: int) -> dict[str, Any]:
    point = random_point(table, seed)
    for variable in table.variables:
        if at and variable.name in at:
            point[variable.name] = _shaped(variable, at[variable.name])
    return point


def _draw(variable: Variable, rng: np.random.Generator) -> Any:
    shape = _shape(variable)
    size = int(np.prod(shape)) if shape else 1
    domain = variable.domain
    if domain in (Domain.POSITIVE, Domain.NONNEGATIVE):
        values = rng.uniform(0.5, 2.0, size)
    elif domain is Domain.NEGATIVE:
        values = -rng.uniform(0.5, 2.0, size)
    elif domain is Domain.PROBABILITY:
        values = rng.uniform(0.1, 0.9, size)
    elif domain in (Domain.INTEGER, Domain.NATURAL):
        values = rng.integers(1, 6, size).astype(float)
    elif domain is Domain.ODD:
        values = 2 * rng.integers(0, 3, size).astype(float) + 1
    else:  # real, nonzero, complex: away from 0 so that 1/x and log|x| are tame
        values = rng.uniform(0.3, 2.0, size) * rng.choice((-1.0, 1.0), size)
    return values.reshape(shape) if shape else float(values[0])


def _shape(variable: Variable) -> tuple[int, ...]:
    if variable.shape is None:
        return ()
    return (variable.shape[0], 1) if len(variable.shape) == 1 else tuple(variable.shape)


def _shaped(variable: Variable, value: Any) -> Any:
    shape = _shape(variable)
    array = np.asarray(value, dtype=float)
    if not shape:
        if array.size != 1:
            raise ValueError(f"{variable.name!r} is a scalar but was given {value!r}")
        return float(array.reshape(()))
    if array.size != int(np.prod(shape)):
        raise ValueError(f"{variable.name!r} has shape {shape} but was given {value!r}")
    return array.reshape(shape)


def _plain(value: Any) -> Any:
    array = np.asarray(value)
    if array.dtype == object:
        array = array.astype(complex)
    if np.iscomplexobj(array) and np.all(np.abs(array.imag) <= 1e-15 * np.maximum(1, np.abs(array.real))):
        array = array.real
    return (
        array.reshape(())
        if array.size == 1 and array.ndim <= 2 and array.shape in ((), (1,), (1, 1))
        else array
    )


def _listed(value: Any) -> Any:
    array = np.asarray(value)
    if np.iscomplexobj(array) and np.all(array.imag == 0):
        array = array.real
    return array.tolist() if not np.iscomplexobj(array) else [str(v) for v in array.ravel()]


def _short(value: Any) -> str:
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{array.item():.6g}" if not isinstance(array.item(), str) else str(array.item())
    return np.array2string(array, precision=4, separator=", ").replace("\n", "")
