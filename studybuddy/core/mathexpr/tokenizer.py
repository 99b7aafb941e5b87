"""From typed text to a canonical Python-syntax string whose every name is resolved.

The tokenizer reads numbers, names, operators, parentheses and commas; resolves each name against the
symbol table (variables and their Greek spellings, functions, constants, ``T`` after ``^``, names that
split into declared ones like ``xy``); inserts the multiplications people leave out (``2x``, ``x(x+1)``,
``(a)(b)``); and writes a canonical string in which every number and name is a placeholder ``_aN``. The
placeholder table carries the meaning, and every canonical character remembers the typed span it came
from so later errors can point at what the person typed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

from studybuddy.core.mathexpr.errors import ExprError
from studybuddy.core.mathexpr.names import (
    CONSTANT_ALIASES,
    FUNCTION_ALIASES,
    NUMPY_CONSTANTS,
    NUMPY_FUNCTIONS,
    SPLITTABLE_CONSTANTS,
    is_well_formed_name,
    spelled_greek,
)
from studybuddy.core.mathexpr.normalize import Normalized
from studybuddy.core.mathexpr.symbols import SymbolTable


class Kind(Enum):
    NUMBER = "number"
    VARIABLE = "variable"
    CONSTANT = "constant"
    FUNCTION = "function"
    UNDEFINED_FUNCTION = "undefined function"
    TRANSPOSE = "transpose"
    ENTRY = "entry"  # g_2: an entry of a declared vector (value "g|1|0": the name, then 0-based row, column)
    OPERATOR = "operator"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","


@dataclass(frozen=True, slots=True)
class Piece:
    """One resolved token. ``value``: the number's text, the declared/canonical name, or the operator.

    ``start``/``end`` index the typed text (not the normalised one).
    """

    kind: Kind
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Canonical:
    """The canonical string, its placeholders and, per character, the piece it was written for."""

    text: str
    atoms: dict[str, Piece]  # placeholder name -> the number or name it stands for
    owners: tuple[Piece, ...]  # one per canonical character
    has_infinity: bool  # the person typed oo or ∞ (so infinite results are not a mistake)


_LEXEME = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    # np.dot, numpy.linalg.norm: read against names.NUMPY_FUNCTIONS, never looked up anywhere else
    r"|(?P<dotted>(?:numpy|np)\.(?:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?)"
    r"|(?P<name>[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*)"
    r"|(?P<attribute>\.[A-Za-z_][A-Za-z0-9_]*)"  # W.T (the only attribute there is)
    # // is Python's floor division (k // 2); comparisons are NumPy's 0/1 indicators (z > 0)
    r"|(?P<operator>\*\*|//|>=|<=|[-+*/^@<>])"
    r"|(?P<root>\u221a)"
    r"|(?P<lparen>\()|(?P<rparen>\))|(?P<comma>,)"
)

_CHARACTER_HINTS: dict[str, str] = {
    "=": "write only the expression, without '='",
    "[": "use round parentheses ( ) for grouping",
    "]": "use round parentheses ( ) for grouping",
    "{": "use round parentheses ( ) for grouping",
    "}": "use round parentheses ( ) for grouping",
    "!": "write factorial(n) instead of n!",
    "|": "write Abs(x) for an absolute value",
    '"': "quotes are not part of an expression",
    "'": "quotes are not part of an expression",
    ".": "a dot is only allowed inside a number, like 0.5",
    "%": "write a percentage as a fraction, like 5/100",
}

_OPERAND_ENDS = frozenset(
    {Kind.NUMBER, Kind.VARIABLE, Kind.CONSTANT, Kind.RPAREN, Kind.TRANSPOSE, Kind.ENTRY}
)
_OPERAND_STARTS = frozenset(
    {
        Kind.NUMBER,
        Kind.VARIABLE,
        Kind.CONSTANT,
        Kind.FUNCTION,
        Kind.UNDEFINED_FUNCTION,
        Kind.LPAREN,
        Kind.ENTRY,
    }
)
_ENTRY = re.compile(r"(?P<base>.+?)_(?P<row>[0-9]+)(?:_(?P<col>[0-9]+))?\Z")
_INDEXING = re.compile(r"\[\s*(?P<index>[0-9]+)\s*\]")


@dataclass(frozen=True, slots=True)
class _Raw:
    kind: str  # a _LEXEME group name
    text: str
    start: int  # normalised indices
    end: int


def lex(source: Normalized, typed: str) -> list[_Raw]:
    """Split normalised text into raw tokens; ExprError at the first character that cannot start one."""
    text = source.text
    tokens: list[_Raw] = []
    position = 0
    while position < len(text):
        match = _LEXEME.match(text, position)
        if match is None:
            start, end = source.span(position, position + 1)
            shown = typed[start:end]
            hint = _indexing_hint(text, position, tokens) or _CHARACTER_HINTS.get(text[position])
            message = f"unexpected character {shown!r}" + (f" ({hint})" if hint else "")
            raise ExprError(message, typed, start, end)
        kind = match.lastgroup or "space"
        if kind != "space":
            tokens.append(_Raw(kind, match.group(), position, match.end()))
        position = match.end()
    return tokens


def _indexing_hint(text: str, position: int, tokens: list[_Raw]) -> str | None:
    """``g[1]`` after a name: how entries are written here (from 1, as the app shows g₁)."""
    if text[position] != "[" or not tokens or tokens[-1].kind != "name" or tokens[-1].end != position:
        return None
    name = tokens[-1].text
    found = _INDEXING.match(text, position)
    if found is None:
        return f"write {name}_1, {name}_2, ... for the entries of a vector {name}, counting from 1"
    index = int(found.group("index"))
    return (
        f"write {name}_{index + 1} for that entry: entries count from 1 here, as {name}₁, {name}₂, "
        f"so NumPy's {name}[{index}] is {name}_{index + 1}"
    )


class Resolver:
    """Turns raw tokens into pieces, resolving names against a symbol table."""

    def __init__(
        self,
        source: Normalized,
        typed: str,
        table: SymbolTable,
        *,
        allow_undefined_functions: bool = False,
        functions: Collection[str] = (),
    ) -> None:
        self.source = source
        self.typed = typed
        self.table = table
        self.functions = frozenset(functions)
        self.allow_undefined_functions = allow_undefined_functions or bool(self.functions)

    def _span(self, start: int, end: int) -> tuple[int, int]:
        return self.source.span(start, end)

    def pieces(self, raws: list[_Raw]) -> list[Piece]:
        pieces: list[Piece] = []
        index = 0
        while index < len(raws):
            raw = raws[index]
            start, end = self._span(raw.start, raw.end)
            if raw.kind == "number":
                pieces.append(Piece(Kind.NUMBER, raw.text, start, end))
            elif raw.kind == "operator":
                pieces.append(Piece(Kind.OPERATOR, "**" if raw.text == "^" else raw.text, start, end))
            elif raw.kind == "lparen":
                pieces.append(Piece(Kind.LPAREN, "(", start, end))
            elif raw.kind == "rparen":
                pieces.append(Piece(Kind.RPAREN, ")", start, end))
            elif raw.kind == "comma":
                pieces.append(Piece(Kind.COMMA, ",", start, end))
            elif raw.kind == "root":
                pieces.extend(self._root(raws, index))
                if index + 1 < len(raws) and raws[index + 1].kind != "lparen":
                    index += 1  # the number or name under the root sign is already written
            elif raw.kind == "attribute":
                pieces.extend(self._attribute(raws, index, start, end))
            elif raw.kind == "dotted":
                pieces.append(self._numpy_name(raw, start, end))
            else:
                pieces.extend(self._name_at(raws, index))
            index += 1
        return pieces

    def _attribute(self, raws: list[_Raw], index: int, start: int, end: int) -> list[Piece]:
        """``W.T`` is ``W^T``; no other attribute means anything here."""
        raw = raws[index]
        previous = raws[index - 1] if index else None
        if raw.text != ".T":
            raise ExprError(
                f"{raw.text!r} means nothing here: the only attribute is .T (the transpose, as in W.T)",
                self.typed,
                start,
                end,
            )
        if previous is None or previous.kind not in ("name", "rparen"):
            what = (
                "one .T at a time: write (W.T).T"
                if previous is not None and previous.text == ".T"
                else ".T follows a vector or matrix, as in W.T"
            )
            raise ExprError(what, self.typed, start, end)
        return [Piece(Kind.OPERATOR, "**", start, start + 1), Piece(Kind.TRANSPOSE, "T", start, end)]

    def _numpy_name(self, raw: _Raw, start: int, end: int) -> Piece:
        """``np.dot`` -> dot: only the names in NUMPY_FUNCTIONS and NUMPY_CONSTANTS, by the table."""
        module, _, name = raw.text.partition(".")
        if name in NUMPY_FUNCTIONS:
            return Piece(Kind.FUNCTION, NUMPY_FUNCTIONS[name], start, end)
        if name in NUMPY_CONSTANTS:
            return Piece(Kind.CONSTANT, NUMPY_CONSTANTS[name], start, end)
        known = ", ".join(sorted(NUMPY_FUNCTIONS))
        close = difflib.get_close_matches(name, [*NUMPY_FUNCTIONS, *NUMPY_CONSTANTS], n=1, cutoff=0.6)
        if not name:
            message = f"{module}. needs a function after it, like {module}.dot(a, b)"
        else:
            message = f"{module}.{name} is not one of the NumPy functions studybuddy reads ({known})"
        suggestion = f"{module}.{close[0]}" if close else None
        raise ExprError(message, self.typed, start, end, suggestion)

    def _name_at(self, raws: list[_Raw], index: int) -> list[Piece]:
        called = index + 1 < len(raws) and raws[index + 1].kind == "lparen"
        after_power = index > 0 and raws[index - 1].text in ("^", "**")
        return self._name(raws[index], called=called, after_power=after_power)

    def _root(self, raws: list[_Raw], index: int) -> list[Piece]:
        """``√(x+1)`` is sqrt(x+1); ``√2`` and ``√x`` take the root of the one number or name after it."""
        sign = raws[index]
        start, end = self._span(sign.start, sign.end)
        function = Piece(Kind.FUNCTION, "sqrt", start, end)
        following = raws[index + 1] if index + 1 < len(raws) else None
        if following is not None and following.kind == "lparen":
            return [function]
        if following is None or following.kind not in ("number", "name"):
            raise ExprError("√ needs a number, a name or parentheses after it", self.typed, start, end)
        if following.kind == "number":
            inside = [Piece(Kind.NUMBER, following.text, *self._span(following.start, following.end))]
        else:
            inside = self._name_at(raws, index + 1)
        first, rest = inside[0], inside[1:]  # √xy is sqrt(x)*y
        if first.kind in (Kind.FUNCTION, Kind.UNDEFINED_FUNCTION):
            raise ExprError(
                f"put the {first.value}(...) under √ in parentheses: √(...)", self.typed, start, end
            )
        return [
            function,
            Piece(Kind.LPAREN, "(", start, end),
            first,
            Piece(Kind.RPAREN, ")", first.start, first.end),
            *rest,
        ]

    def _name(self, raw: _Raw, *, called: bool, after_power: bool) -> list[Piece]:
        name = raw.text
        start, end = self._span(raw.start, raw.end)
        if called and name in self.functions:
            return [Piece(Kind.UNDEFINED_FUNCTION, name, start, end)]
        declared = self.table.resolve(name)
        if declared is not None:
            return [Piece(Kind.VARIABLE, declared, start, end)]
        if name in FUNCTION_ALIASES:
            return [Piece(Kind.FUNCTION, FUNCTION_ALIASES[name], start, end)]
        constant = CONSTANT_ALIASES.get(name) or CONSTANT_ALIASES.get(spelled_greek(name))
        if constant is not None:
            return [Piece(Kind.CONSTANT, constant, start, end)]
        if name == "T" and after_power:
            return [Piece(Kind.TRANSPOSE, "T", start, end)]
        if called and self.allow_undefined_functions and is_well_formed_name(name):
            return [Piece(Kind.UNDEFINED_FUNCTION, name, start, end)]
        entry = self._entry(name, start, end)
        if entry is not None:
            return [entry]
        split = self._split(raw, called=called)
        if split is not None:
            return split
        raise self._unknown(name, start, end, called=called)

    def _entry(self, name: str, start: int, end: int) -> Piece | None:
        """``g_2``: entry 2 of a declared vector ``g`` (``W_1_2``: row 1, column 2 of a matrix), counting
        from 1 as the app shows g₂; None when ``name`` is not written so."""
        found = _ENTRY.match(name)
        declared = None if found is None else self.table.resolve(found.group("base"))
        if found is None or declared is None:
            return None
        shape = self.table.variable_of(self.table.symbol(declared)).shape
        if shape is None:
            return None
        row, col = int(found.group("row")), found.group("col")
        indices = [row] if col is None else [row, int(col)]
        if len(shape) == 2 and 1 in shape and len(indices) == 2:
            shape_2d: tuple[int, ...] = shape  # a declared 3x1 column or 1x3 row: c_2_1 as NumPy's c[1, 0]
            vector = False
        else:
            vector = len(shape) == 1 or 1 in shape
            shape_2d = shape
        if vector and len(indices) == 2:
            raise ExprError(
                f"{declared} is a vector: write {declared}_{row} for its entry {row}", self.typed, start, end
            )
        if not vector and len(indices) == 1:
            raise ExprError(
                f"{declared} is a matrix: write {declared}_{row}_1 for row {row}, column 1",
                self.typed,
                start,
                end,
            )
        sizes = [shape[0] * (shape[1] if len(shape) == 2 else 1)] if vector else list(shape_2d)
        for position, (index, size) in enumerate(zip(indices, sizes, strict=True)):
            if index < 1:
                raise ExprError(
                    f"entries count from 1 here ({declared}_1 is the first, as {declared}₁)",
                    self.typed,
                    start,
                    end,
                )
            if index > size:
                what = "entries" if vector else ("rows" if position == 0 else "columns")
                raise ExprError(
                    f"{name} is past the end of {declared}: it has {size} {what}", self.typed, start, end
                )
        if vector:
            i, j = (row - 1, 0) if len(shape) == 1 or shape[1] == 1 else (0, row - 1)
        else:
            i, j = indices[0] - 1, indices[1] - 1
        return Piece(Kind.ENTRY, f"{declared}|{i}|{j}", start, end)

    def _vocabulary(self) -> dict[str, tuple[Kind, str]]:
        words: dict[str, tuple[Kind, str]] = {}
        for constant in SPLITTABLE_CONSTANTS:
            words[constant] = (Kind.CONSTANT, CONSTANT_ALIASES[constant])
        words["π"] = (Kind.CONSTANT, "pi")
        for spelling in self.table.spellings():
            declared = self.table.resolve(spelling)
            if declared is not None:
                words[spelling] = (Kind.VARIABLE, declared)
        return words

    def _split(self, raw: _Raw, *, called: bool) -> list[Piece] | None:
        """``xy`` -> x, y when both are declared; ``xsin(`` -> x, sin. Fewest pieces wins."""
        name = raw.text
        words = self._vocabulary()
        # best[i]: the fewest-piece segmentation of name[:i] (None when there is none).
        best: list[list[tuple[int, int, Kind, str]] | None] = [None] * (len(name) + 1)
        best[0] = []
        longest = max(map(len, [*words, *FUNCTION_ALIASES]))
        for stop in range(1, len(name) + 1):
            for begin in range(max(0, stop - longest), stop):  # linear in the name's length
                head = best[begin]
                word = name[begin:stop]
                if head is None:
                    continue
                meaning = words.get(word)
                if meaning is None and called and stop == len(name) and word in FUNCTION_ALIASES:
                    meaning = (Kind.FUNCTION, FUNCTION_ALIASES[word])
                if meaning is None:
                    continue
                candidate = [*head, (begin, stop, *meaning)]
                current = best[stop]
                if current is None or len(candidate) < len(current):
                    best[stop] = candidate
        segmentation = best[len(name)]
        if segmentation is None or len(segmentation) < 2:
            return None
        pieces = []
        for begin, stop, kind, value in segmentation:
            start, end = self._span(raw.start + begin, raw.start + stop)
            pieces.append(Piece(kind, value, start, end))
        return pieces

    def _unknown(self, name: str, start: int, end: int, *, called: bool) -> ExprError:
        suggestion = None
        for function in sorted(FUNCTION_ALIASES, key=len, reverse=True):
            rest = name[len(function) :]
            if name.startswith(function) and rest and self.table.resolve(rest) is not None and not called:
                suggestion = f"{function}({rest})"
                break
        if suggestion is None:
            spellings = sorted(self.table.spellings())
            candidates = spellings + (sorted(FUNCTION_ALIASES) if called else [])
            close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
            if close:
                suggestion = self.table.resolve(close[0]) or close[0]
        if not self.table.names():
            message = f"unknown name {name!r} (this question declares no variables)"
        elif called and self.table.resolve(name) is None and suggestion is None:
            message = f"unknown function {name!r}"
        else:
            message = f"unknown name {name!r}"
        return ExprError(message, self.typed, start, end, suggestion)


def canonicalize(pieces: list[Piece], typed: str, *, max_depth: int) -> Canonical:
    """Write the canonical string: placeholders for atoms, ``*`` where a product was implied."""
    if not pieces:
        raise ExprError("the expression is empty", typed, 0, max(1, len(typed)))
    chunks: list[str] = []
    owners: list[Piece] = []
    atoms: dict[str, Piece] = {}
    open_parens: list[Piece] = []
    previous: Piece | None = None
    has_infinity = False

    def write(text: str, owner: Piece) -> None:
        chunks.append(text)
        owners.extend([owner] * len(text))

    for index, piece in enumerate(pieces):
        if previous is not None and previous.kind in (Kind.FUNCTION, Kind.UNDEFINED_FUNCTION):
            if piece.kind is not Kind.LPAREN:
                raise ExprError(
                    f"{previous.value} needs parentheses, like {previous.value}(x)",
                    typed,
                    previous.start,
                    previous.end,
                )
        elif previous is not None and previous.kind in _OPERAND_ENDS and piece.kind in _OPERAND_STARTS:
            if previous.kind is Kind.NUMBER and piece.kind is Kind.NUMBER:
                raise ExprError(
                    "two numbers in a row: put an operator between them", typed, piece.start, piece.end
                )
            write("*", piece)
        if piece.kind is Kind.LPAREN:
            open_parens.append(piece)
            if len(open_parens) > max_depth:
                raise ExprError("too many nested parentheses", typed, piece.start, piece.end)
            write("(", piece)
        elif piece.kind is Kind.RPAREN:
            if not open_parens:
                raise ExprError("unmatched ')'", typed, piece.start, piece.end)
            if previous is not None and previous.kind is Kind.LPAREN and not _is_call(pieces, index - 1):
                raise ExprError("empty parentheses", typed, previous.start, piece.end)
            open_parens.pop()
            write(")", piece)
        elif piece.kind is Kind.OPERATOR:
            write(f"{piece.value} ", piece)  # spaced, so "* *" stays two operators, not a power
        elif piece.kind is Kind.COMMA:
            write(piece.value, piece)
        else:
            placeholder = f"_a{len(atoms)}"
            atoms[placeholder] = piece
            has_infinity = has_infinity or (piece.kind is Kind.CONSTANT and piece.value == "oo")
            write(placeholder, piece)
        previous = piece
    if previous is not None and previous.kind in (Kind.FUNCTION, Kind.UNDEFINED_FUNCTION):
        raise ExprError(
            f"{previous.value} needs parentheses, like {previous.value}(x)",
            typed,
            previous.start,
            previous.end,
        )
    if open_parens:
        unclosed = open_parens[0]
        raise ExprError("'(' is never closed", typed, unclosed.start, unclosed.end)
    return Canonical("".join(chunks), atoms, tuple(owners), has_infinity)


def _is_call(pieces: list[Piece], lparen_index: int) -> bool:
    return lparen_index > 0 and pieces[lparen_index - 1].kind in (Kind.FUNCTION, Kind.UNDEFINED_FUNCTION)
