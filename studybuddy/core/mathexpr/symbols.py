"""Declared variables: their domains (what SymPy may assume, what the grader samples) and shapes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import sympy

from studybuddy.core.mathexpr.errors import ExprError
from studybuddy.core.mathexpr.names import RESERVED_NAMES, greek_aliases, is_well_formed_name, spelled_greek


class Domain(StrEnum):
    """Where a variable lives: what the grader samples from and what SymPy may assume."""

    REAL = "real"
    POSITIVE = "positive"
    NONNEGATIVE = "nonnegative"
    NEGATIVE = "negative"
    NONZERO = "nonzero"
    PROBABILITY = "probability"  # the open interval (0, 1); SymPy only knows "positive"
    INTEGER = "integer"
    NATURAL = "natural"  # 1, 2, 3, ...
    ODD = "odd"  # 1, 3, 5, ...: an odd natural number, such as a kernel width with a centre
    COMPLEX = "complex"  # a plain Symbol, no assumptions


_ASSUMPTIONS: dict[Domain, dict[str, bool]] = {
    Domain.REAL: {"real": True},
    Domain.POSITIVE: {"positive": True},
    Domain.NONNEGATIVE: {"nonnegative": True},
    Domain.NEGATIVE: {"negative": True},
    Domain.NONZERO: {"real": True, "nonzero": True},
    Domain.PROBABILITY: {"positive": True},
    Domain.INTEGER: {"integer": True},
    Domain.NATURAL: {"positive": True, "integer": True},
    Domain.ODD: {"positive": True, "odd": True},
    Domain.COMPLEX: {},
}


@dataclass(frozen=True)
class Variable:
    """A declared name. ``shape`` None is a scalar, ``(n,)`` a column vector (n x 1), ``(m, n)`` a matrix."""

    name: str
    domain: Domain = Domain.REAL
    shape: tuple[int, ...] | None = None


def _check_variable(variable: Variable) -> None:
    name = variable.name
    if not isinstance(name, str) or not is_well_formed_name(name):
        raise ExprError(
            f"{name!r} is not a usable variable name (letters, then letters, digits or _)", str(name), 0, None
        )
    if name in RESERVED_NAMES or spelled_greek(name) in RESERVED_NAMES:
        raise ExprError(
            f"{name!r} is a built-in function or constant and cannot be a variable", name, 0, len(name)
        )
    if variable.shape is not None:
        shape = variable.shape
        if not (1 <= len(shape) <= 2 and all(isinstance(n, int) and n >= 1 for n in shape)):
            raise ExprError(f"{name!r} has an unusable shape {shape!r}", name, 0, len(name))


class SymbolTable:
    """The declared variables of a question, and the SymPy symbol each one stands for."""

    def __init__(self, variables: Iterable[Variable]) -> None:
        self.variables: tuple[Variable, ...] = tuple(variables)
        self._symbols: dict[str, sympy.Symbol | sympy.MatrixSymbol] = {}
        self._by_symbol: dict[sympy.Basic, Variable] = {}
        self._alias_to_name: dict[str, str] = {}
        for variable in self.variables:
            _check_variable(variable)
            if variable.name in self._symbols:
                raise ExprError(f"{variable.name!r} is declared twice", variable.name, 0, len(variable.name))
            symbol = _make_symbol(variable)
            self._symbols[variable.name] = symbol
            self._by_symbol[symbol] = variable
            for alias in greek_aliases(variable.name):
                other = self._alias_to_name.setdefault(alias, variable.name)
                if other != variable.name:
                    raise ExprError(
                        f"{other!r} and {variable.name!r} are two spellings of the same variable",
                        variable.name,
                        0,
                        len(variable.name),
                    )

    @classmethod
    def of(cls, spec: Mapping[str, str | Domain] | Iterable[str]) -> SymbolTable:
        """A table from ``{"x": "real", "p": "probability"}`` or just names (each real)."""
        if isinstance(spec, Mapping):
            variables = []
            for name, domain in spec.items():
                try:
                    parsed = Domain(domain)
                except ValueError:
                    choices = ", ".join(d.value for d in Domain)
                    raise ExprError(f"unknown domain {domain!r} for {name!r} (one of: {choices})") from None
                variables.append(Variable(name, parsed))
            return cls(variables)
        return cls(Variable(name) for name in spec)

    def symbol(self, name: str) -> sympy.Symbol | sympy.MatrixSymbol:
        """The symbol for a declared name or any of its spellings (``lam``, ``lambda``, ``λ``)."""
        resolved = self._alias_to_name.get(name)
        if resolved is None:
            raise KeyError(name)
        return self._symbols[resolved]

    def symbols(self) -> dict[str, sympy.Symbol | sympy.MatrixSymbol]:
        return dict(self._symbols)

    def variable_of(self, symbol: sympy.Basic) -> Variable:
        return self._by_symbol[symbol]

    def names(self) -> frozenset[str]:
        return frozenset(self._symbols)

    def resolve(self, spelling: str) -> str | None:
        """The declared name ``spelling`` refers to (itself, or a Greek spelling of it), else None."""
        return self._alias_to_name.get(spelling)

    def spellings(self) -> frozenset[str]:
        """Every accepted way to type a declared name (for name splitting and suggestions)."""
        return frozenset(self._alias_to_name)

    def __repr__(self) -> str:
        inside = ", ".join(f"{v.name}:{v.domain.value}" for v in self.variables)
        return f"SymbolTable({inside})"


def _make_symbol(variable: Variable) -> sympy.Symbol | sympy.MatrixSymbol:
    if variable.shape is None:
        return sympy.Symbol(variable.name, **_ASSUMPTIONS[variable.domain])
    rows, cols = (variable.shape[0], 1) if len(variable.shape) == 1 else variable.shape
    return sympy.MatrixSymbol(variable.name, rows, cols)
