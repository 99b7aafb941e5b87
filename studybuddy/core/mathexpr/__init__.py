"""Safe math input: typed text -> SymPy, without ever evaluating the text as Python.

The pipeline: ``normalize`` (unicode look-alikes, invisible characters refused) -> ``tokenizer`` (names
resolved against the declared variables, implicit products made explicit, a canonical string with a map
back to typed columns) -> ``builder`` (``ast.parse`` plus a whitelist walk building SymPy objects under
cost limits). Every failure is an :class:`ExprError` that points at what the person typed.

The public names load on first use (PEP 562), so the pure-data ``names`` module can be imported, by the
lesson validator say, without paying for SymPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studybuddy.core.mathexpr.api import infer_functions, infer_names, parse_expression
    from studybuddy.core.mathexpr.builder import Limits
    from studybuddy.core.mathexpr.errors import ExprError
    from studybuddy.core.mathexpr.symbols import Domain, SymbolTable, Variable

_HOMES = {
    "Domain": "symbols",
    "ExprError": "errors",
    "Limits": "builder",
    "SymbolTable": "symbols",
    "Variable": "symbols",
    "infer_functions": "api",
    "infer_names": "api",
    "parse_expression": "api",
}
__all__ = [
    "Domain",
    "ExprError",
    "Limits",
    "SymbolTable",
    "Variable",
    "infer_functions",
    "infer_names",
    "parse_expression",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
