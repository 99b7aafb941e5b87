"""A lesson's mathematics: its symbol table, and its expressions parsed with studybuddy's own parser.

Loading a lesson only checks its structure; this module parses expressions on first use (the checker,
the lesson screen) because parsing is the expensive part. Every parse error becomes a LessonError
pointing at the file, line and column of the character in the expression that is wrong.
"""

from __future__ import annotations

import sympy

from studybuddy.core.lessons.errors import LessonError
from studybuddy.core.lessons.model import Lesson, SourceText
from studybuddy.core.mathexpr import Domain, ExprError, SymbolTable, Variable, parse_expression


class LessonMath:
    """The symbol table and definitions of one lesson, and a parser for its expressions."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.table = _symbol_table(lesson)
        self._parsed: dict[tuple[str, int, int, str], sympy.Basic] = {}
        self.definitions: dict[sympy.Basic, sympy.Basic] = {
            self.table.symbol(name): self.parse(text) for name, text in lesson.definitions
        }
        self._expand_definitions()

    def table_of(self, *exprs: sympy.Basic) -> SymbolTable:
        """Only the variables the expressions use (a worked example need not give a defined name)."""
        used = set().union(*(expr.free_symbols for expr in exprs))
        return SymbolTable(v for v in self.table.variables if self.table.symbol(v.name) in used)

    def parse(self, text: SourceText, table: SymbolTable | None = None) -> sympy.Basic:
        """Parse an expression of the lesson, or raise a LessonError at its position."""
        table = table or self.table
        key = (text.path, text.location.line, text.location.column, repr(table))
        if key not in self._parsed:
            try:
                self._parsed[key] = parse_expression(text.text, table)
            except ExprError as error:
                raise expression_error(text, error) from None
        return self._parsed[key]

    def expanded(self, text: SourceText, table: SymbolTable | None = None) -> sympy.Basic:
        """The expression with every defined name replaced by its definition."""
        return self.expand(self.parse(text, table))

    def expand(self, expr: sympy.Basic) -> sympy.Basic:
        return expr.xreplace(self.definitions) if self.definitions else expr

    def _expand_definitions(self) -> None:
        # A definition may use another defined name; expand until none is left, refusing cycles.
        for _ in range(len(self.definitions)):
            expanded = {name: body.xreplace(self.definitions) for name, body in self.definitions.items()}
            if expanded == self.definitions:
                return
            self.definitions = expanded
        for name, body in self.definitions.items():
            if body.has(*self.definitions):
                text = dict(self.lesson.definitions)[str(name)]
                raise LessonError(
                    f"the definition of {name} refers back to itself", location=text.location, path=text.path
                )


def symbol_table(lesson: Lesson) -> SymbolTable:
    return _symbol_table(lesson)


def _symbol_table(lesson: Lesson) -> SymbolTable:
    variables = []
    for spec in lesson.symbols:
        variable = Variable(spec.name, Domain(spec.domain), spec.shape)
        try:
            SymbolTable([variable])  # name checks, one at a time so the error names the symbol
        except ExprError as error:
            raise LessonError(error.message, location=spec.location, path=f"symbols.{spec.name}") from None
        variables.append(variable)
    try:
        return SymbolTable(variables)
    except ExprError as error:  # two spellings of one name, e.g. lam and lambda
        raise LessonError(error.message, location=lesson.symbols[0].location, path="symbols") from None


def expression_error(text: SourceText, error: ExprError) -> LessonError:
    """An ExprError inside a lesson expression, placed at the file position of the bad character."""
    offset = error.start if isinstance(error.start, int) else 0
    return LessonError(str(error), location=text.location_of(offset), path=text.path, detail=error.pointer())
