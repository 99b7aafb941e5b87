"""The names a derivation's lines may use: the declared variables, every name a line gives (L in
``L = ...``, s in ``let s = ...``), the context's definitions, and, when inferring, every other name
the lines use, as real variables; and the parse of a line's text with them (cached: a page is marked
over and over as the learner types)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import sympy

from studybuddy.core.derivation.lines import Line
from studybuddy.core.derivation.model import DerivationContext
from studybuddy.core.mathexpr import Domain, ExprError, SymbolTable, Variable, infer_names, parse_expression


class DeclaredVariablesError(ValueError):
    """The context's declared variables cannot make a symbol table (the message says why)."""


def derivation_table(context: DerivationContext, lines: Sequence[Line]) -> SymbolTable:
    """The declared variables, every name a line names (L in L = ..., s in let s = ...), the names the
    context defines, and, when inferring, every other name the lines use (as real variables)."""
    try:
        declared = symbol_table(
            tuple(Variable(name, Domain(domain), shape) for name, domain, shape in context.variables)
        )
    except (ExprError, ValueError) as error:
        raise DeclaredVariablesError(str(error)) from None
    extra: dict[str, None] = {}
    for name, _ in context.definitions:
        extra.setdefault(name, None)
    used: dict[str, None] = {}
    for line in lines:
        if line.name is not None and line.written in ("named", "given", "let"):
            extra.setdefault(line.name, None)
        if context.infer:
            for text in _expression_texts(line):
                for name in _names_in(text):
                    used.setdefault(name, None)
    derivative_like = {
        name for name in used if name[:1] in ("d", "\u2202") and (name[1:] in used or name[1:] in extra)
    }
    for name in used:
        if name not in derivative_like:
            extra.setdefault(name, None)
    added = [Variable(name) for name in extra if declared.resolve(name) is None and _usable(name)]
    if not added:
        return declared
    unique: dict[str, Variable] = {}
    for variable in added:
        unique.setdefault(variable.name, variable)
    try:
        return symbol_table(declared.variables + tuple(unique.values()))
    except ExprError:
        return symbol_table(declared.variables + tuple(_one_spelling_each(declared, list(unique.values()))))


def _one_spelling_each(declared: SymbolTable, variables: Sequence[Variable]) -> list[Variable]:
    """Drop a name that is another spelling of one already kept (lam beside lambda)."""
    kept: list[Variable] = []
    for variable in variables:
        try:
            symbol_table(declared.variables + tuple(kept) + (variable,))
        except ExprError:
            continue
        kept.append(variable)
    return kept


def _expression_texts(line: Line) -> list[str]:
    texts = [part.text for part in line.parts]
    texts += [part.text for _, part in line.replacements]
    if line.inner is not None:
        texts.append(line.inner.text)
    return texts


@lru_cache(maxsize=4096)
def _names_in(text: str) -> tuple[str, ...]:
    try:
        return tuple(infer_names(text))
    except ExprError:
        return ()


def _usable(name: str) -> bool:
    try:
        SymbolTable([Variable(name)])
    except ExprError:
        return False
    return True


@lru_cache(maxsize=64)
def symbol_table(variables: tuple[Variable, ...]) -> SymbolTable:
    return SymbolTable(variables)


@lru_cache(maxsize=4096)
def parse_with(text: str, variables: tuple[Variable, ...]) -> sympy.Basic:
    return parse_expression(text, symbol_table(variables))
