"""The math parser's entry points: parse_expression, infer_names, infer_functions.

The pipeline: ``normalize`` (unicode look-alikes, invisible characters refused) -> ``tokenizer`` (names
resolved against the declared variables, implicit products made explicit, a canonical string with a map
back to typed columns) -> ``builder`` (``ast.parse`` plus a whitelist walk building SymPy objects under
cost limits). Every failure is an :class:`ExprError` that points at what the person typed.
"""

from __future__ import annotations

from collections.abc import Collection

import sympy

from studybuddy.core.mathexpr.builder import Builder, Limits
from studybuddy.core.mathexpr.errors import ExprError
from studybuddy.core.mathexpr.names import (
    CONSTANT_ALIASES,
    FUNCTION_ALIASES,
    is_well_formed_name,
    spelled_greek,
)
from studybuddy.core.mathexpr.normalize import normalize
from studybuddy.core.mathexpr.prefix import wrap_prefix_arguments
from studybuddy.core.mathexpr.symbols import SymbolTable
from studybuddy.core.mathexpr.tokenizer import Resolver, canonicalize, lex

_DEFAULT_LIMITS = Limits()


def numpy_shape(text: str, table: SymbolTable) -> tuple[int, ...]:
    """The shape NumPy would give ``text``: () for a number, (n,) for a 1-D vector, (m, n) for 2-D (the
    parsed expression holds a 1-D vector as an n x 1 column, so only this tells the two apart)."""
    from studybuddy.core.mathexpr.numpy_ops import Array

    array: Array = _read(text, table, _DEFAULT_LIMITS, allow_undefined_functions=False, functions=()).array()
    return array.shape


def _read(
    text: str,
    table: SymbolTable,
    limits: Limits,
    *,
    allow_undefined_functions: bool,
    functions: Collection[str],
) -> Builder:
    """``text`` checked, normalized and tokenized, ready to build (every ExprError of reading it)."""
    if not isinstance(text, str):
        raise ExprError("an expression must be text")
    if len(text) > limits.max_length:
        raise ExprError(
            f"the expression is too long ({len(text)} characters, at most {limits.max_length})",
            text,
            limits.max_length,
            len(text),
        )
    source = normalize(text)
    raws = lex(source, text)
    resolver = Resolver(
        source, text, table, allow_undefined_functions=allow_undefined_functions, functions=functions
    )
    pieces = wrap_prefix_arguments(resolver.pieces(raws), text)
    canonical = canonicalize(pieces, text, max_depth=limits.max_depth)
    return Builder(canonical, text, table, limits)


def parse_expression(
    text: str,
    table: SymbolTable,
    *,
    limits: Limits = _DEFAULT_LIMITS,
    allow_undefined_functions: bool = False,
    functions: Collection[str] = (),
    evaluate: bool = True,
) -> sympy.Basic:
    """Parse typed math into a SymPy expression over ``table``'s symbols; ExprError otherwise.

    ``allow_undefined_functions`` lets an undeclared name followed by ``(`` stand for an unknown
    function (``f(x)`` -> ``sympy.Function("f")(x)``); ``functions`` names such functions explicitly,
    and then ``f(x)`` is an application even when ``f`` is also a variable. Both are for SymPy-style
    text such as the equivalence tool reads, never for lessons (where ``x(x+1)`` is a product).
    ``evaluate=False`` keeps the expression as written (``x + x`` stays a sum of two terms): for
    pretty-printing only, never for mathematics.
    """
    builder = _read(
        text, table, limits, allow_undefined_functions=allow_undefined_functions, functions=functions
    )
    built = builder.build()  # the cost limits judge evaluated values
    if evaluate:
        return built
    from studybuddy.core.mathexpr.unevaluated import flattened

    with sympy.evaluate(False):  # display only: the text passed every limit above, now keep its shape
        return flattened(Builder(builder.canonical, text, table, limits).build())


def _names_used(text: str) -> list[tuple[str, bool, bool]]:
    """Each name token of ``text`` with whether it is called (``f(``) and whether it follows ``^``."""
    if len(text) > _DEFAULT_LIMITS.max_length:
        raise ExprError("the expression is too long", text, _DEFAULT_LIMITS.max_length, len(text))
    source = normalize(text)
    raws = lex(source, text)
    used = []
    for index, raw in enumerate(raws):
        if raw.kind != "name":
            continue
        called = index + 1 < len(raws) and raws[index + 1].kind == "lparen"
        after_power = index > 0 and raws[index - 1].text in ("^", "**")
        if not is_well_formed_name(raw.text):
            start, end = source.span(raw.start, raw.end)
            raise ExprError(f"{raw.text!r} is not a usable name", text, start, end)
        used.append((raw.text, called, after_power))
    return used


def _is_builtin(name: str) -> bool:
    return name in FUNCTION_ALIASES or name in CONSTANT_ALIASES or spelled_greek(name) in CONSTANT_ALIASES


def _strip_called_function(name: str) -> str:
    """``xsin`` in ``xsin(t)`` -> ``x``: a known function glued to the name before it."""
    for function in sorted(FUNCTION_ALIASES, key=len, reverse=True):
        if name.endswith(function) and len(name) > len(function):
            return name[: -len(function)]
    return name


def infer_names(text: str, *, allow_undefined_functions: bool = False) -> list[str]:
    """The variable names ``text`` uses, in order of first use (for input that declares none).

    Known functions and constants are skipped, ``T`` after ``^`` is a transpose, and a name glued to a
    called function (``xsin(t)``) is split from it. With ``allow_undefined_functions``, a name that is
    only ever called (``f(x)``) is a function, not a variable. Greek letters come back spelled
    (``λ`` -> ``lambda``). Raises ExprError for text that cannot be tokenized.
    """
    seen: dict[str, str] = {}
    for name, called, after_power in _names_used(text):
        if _is_builtin(name) or (name == "T" and after_power):
            continue
        if called and allow_undefined_functions:
            continue
        variable = _strip_called_function(name) if called else name
        shown = variable if variable.isascii() else spelled_greek(variable)
        seen.setdefault(spelled_greek(variable), shown)
    return list(seen.values())


def infer_functions(text: str) -> list[str]:
    """Names ``text`` calls that are not known functions (``f`` in ``f(x) + g(2x)``), in order."""
    found: dict[str, None] = {}
    for name, called, _ in _names_used(text):
        if called and not _is_builtin(name):
            found.setdefault(name, None)
    return list(found)
