"""The line syntax of a derivation: what a learner writes on paper, read into plain data.

    L = -log(s1)                          a starting point named L (L stands for it from here on)
    s1 = exp(z1)/(exp(z1) + exp(z2))      a new name further down: a definition (s1 stands for it)
    = -z1 + log(exp(z1) + exp(z2))        a rewrite of the line above (a plain expression is one too)
    dL/dz1 = s1 - 1                       the derivative of L (its latest line) with respect to z1
    d/dz1: s1 - 1                         the derivative of the line above
    d/dx (x^2 sin(x)) = 2x sin(x) + x^2 cos(x)    a derivative worked on its own
    with y1 = 1, y2 = 0: s1 - 1           the line above with y1 and y2 replaced (a substitution)
    lim x->oo: 0                          the limit of the line above
    given: f = x^2                        a new starting point
    let s = 1/(1 + exp(-x))               a definition
    a = b = c                             several rewrites on one line, each checked against the one before
    # a comment                           (also after a line: the reason for the step)

Only the shape of a line is read here: which names are variables, which line a name refers to and
whether the expressions parse is the engine's business (engine.py). SymPy-free, so the app's process
can read a line (to show what was understood) without loading the math engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from studybuddy.core.mathexpr.names import FUNCTION_ALIASES, RESERVED_NAMES, is_well_formed_name

# How a line was written (the engine resolves "named" and a first "rewrite" into what they mean).
Written = Literal["given", "rewrite", "named", "differentiate", "substitute", "limit", "let"]

_NAME = r"[A-Za-z\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*"
_D = r"[d\u2202]"  # d or ∂
_DERIVATIVE_OPERATOR = re.compile(rf"\s*{_D}\s*/\s*{_D}\s*(?P<var>{_NAME})")
_SECOND_DERIVATIVE = re.compile(rf"\s*{_D}\s*(?:\^\s*\d|[\u00b2\u00b3])")
_LEIBNIZ = re.compile(rf"\s*{_D}\s*(?P<of>{_NAME})\s*/\s*{_D}\s*(?P<var>{_NAME})\s*\Z")
_BARE_NAME = re.compile(rf"\s*(?P<name>{_NAME})\s*\Z")
# f(x) = ... names a line f; f'(x) = ... is its derivative with respect to x
_FUNCTION_NOTATION = re.compile(
    rf"\s*(?P<name>{_NAME})\s*\(\s*(?P<args>{_NAME}(?:\s*,\s*{_NAME})*)\s*\)\s*\Z"
)
_PRIME_NOTATION = re.compile(rf"\s*(?P<name>{_NAME})\s*['\u2032]\s*\(\s*(?P<var>{_NAME})\s*\)\s*\Z")
_GIVEN = re.compile(r"\s*given\b\s*:?", re.IGNORECASE)
_LET = re.compile(r"\s*(?:let|where|define)\b", re.IGNORECASE)
_SUBSTITUTE = re.compile(r"\s*(?:with|at|sub|substitute)\b", re.IGNORECASE)
_LIMIT = re.compile(
    rf"\s*lim(?![A-Za-z0-9])\s*_?\s*[({{]?\s*(?P<var>{_NAME})\s*(?:->|\u2192)\s*"
    r"(?P<point>[-+]?\s*[^\s:(){}=,]+)\s*[)}]?",
    re.IGNORECASE,
)
_LIMIT_WORD = re.compile(r"\s*lim(?![A-Za-z0-9])", re.IGNORECASE)
_INFINITY_WORDS = {"inf": "oo", "infinity": "oo", "+inf": "oo", "-inf": "-oo", "-infinity": "-oo"}
_COMPARISONS = "<>\u2264\u2265\u2260"  # < > ≤ ≥ ≠
_OPENING, _CLOSING = "([{", ")]}"


@dataclass(frozen=True)
class Part:
    """An expression of a line, with the column (0-based) of its first character in the line."""

    text: str
    start: int


@dataclass(frozen=True)
class Problem:
    """Why a line cannot be read, at columns ``start``..``end`` (0-based) of the line."""

    message: str
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    """One line of a derivation as written.

    ``parts``: its expressions left to right (``a = b = c``); the first is judged by the line's
    operation against what it continues, each later one as a rewrite of the part before it, and the
    last is the line's value. ``name``: the name on the left (``L`` in ``L = ...``, ``dL/dz1``).
    ``written`` None: a blank or comment-only line, which gets no mark.
    """

    text: str
    written: Written | None
    parts: tuple[Part, ...] = ()
    name: str | None = None
    name_at: int = 0
    variable: str | None = None  # differentiate, limit
    variable_at: int = 0
    of: str | None = None  # differentiate: the name in dL/dz1 (None: the line above)
    of_at: int = 0
    inner: Part | None = None  # d/dx (INNER) = ...: what is differentiated (or whose limit is taken)
    replacements: tuple[tuple[Part, Part], ...] = ()  # substitute: (the name, its value)
    point: Part | None = None  # limit
    comment: str = ""
    problem: Problem | None = None
    notes: tuple[str, ...] = field(default=())  # how a lenient reading was understood

    @property
    def blank(self) -> bool:
        return self.written is None and self.problem is None


class _Unreadable(Exception):
    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.problem = Problem(message, start, max(end, start + 1))


def read_line(text: str) -> Line:
    """The line ``text`` read into its operation and expressions (never raises: a line that cannot be
    read carries a Problem at its columns)."""
    if not isinstance(text, str):
        return Line("", None, problem=Problem("a line must be text", 0, 1))
    body, comment = _split_comment(text)
    if not body.strip():
        return Line(text, None, comment=comment)
    try:
        return _read(text, len(body), comment)
    except _Unreadable as error:
        return Line(text, None, comment=comment, problem=error.problem)


def _read(text: str, stop: int, comment: str) -> Line:
    start = _skip_spaces(text, 0, stop)
    for at in range(start, stop):
        if text[at] in _COMPARISONS and not (text[at] == ">" and text[at - 1 : at] == "-"):  # not ->
            raise _Unreadable(
                "a line is an expression or equal expressions; inequalities and '≠' are not supported",
                at,
                at + 1,
            )
    if _SECOND_DERIVATIVE.match(text, start, stop):
        raise _Unreadable(
            "second derivatives are written as two differentiations, one line each (d/dx: ..., then "
            "d/dx: ...)",
            start,
            _first_space_or(text, start, stop),
        )
    match = _GIVEN.match(text, start, stop)
    if match:
        return _given(text, match.end(), stop, comment)
    match = _LET.match(text, start, stop)
    if match and _has_top_level_equals(text, match.end(), stop):
        return _let(text, match.end(), stop, comment, keyword=(start, match.end()))
    match = _SUBSTITUTE.match(text, start, stop)
    if match and _find_top_level(text, ":", match.end(), stop) is not None:
        return _substitute(text, match.end(), stop, comment)
    if _LIMIT_WORD.match(text, start, stop):
        return _limit(text, start, stop, comment)
    match = _DERIVATIVE_OPERATOR.match(text, start, stop)
    if match:
        return _derivative_operator(text, match, stop, comment)
    return _plain(text, start, stop, comment)


# --- the forms -----------------------------------------------------------------------------------------


def _given(text: str, begin: int, stop: int, comment: str) -> Line:
    parts = _parts(text, begin, stop, what="given:")
    name, name_at, parts = _leading_name(text, parts)
    return Line(text, "given", parts, name=name, name_at=name_at, comment=comment)


def _let(text: str, begin: int, stop: int, comment: str, keyword: tuple[int, int]) -> Line:
    parts = _parts(text, begin, stop, what="let")
    name, name_at, rest = _leading_name(text, parts)
    if name is None or len(rest) != 1:
        raise _Unreadable("a definition reads 'let NAME = EXPRESSION'", keyword[0], stop)
    return Line(text, "let", rest, name=name, name_at=name_at, comment=comment)


def _substitute(text: str, begin: int, stop: int, comment: str) -> Line:
    colon = _find_top_level(text, ":", begin, stop)
    assert colon is not None
    replacements: list[tuple[Part, Part]] = []
    for piece_start, piece_stop in _split_top_level(text, ",", begin, colon):
        equals = _find_top_level(text, "=", piece_start, piece_stop)
        name_match = _BARE_NAME.match(text, piece_start, equals) if equals is not None else None
        if equals is None or name_match is None:
            shown = _part(text, piece_start, piece_stop, what="with")
            raise _Unreadable(
                "a substitution reads 'with NAME = EXPRESSION, ...: RESULT'",
                shown.start,
                shown.start + len(shown.text),
            )
        value = _part(text, equals + 1, piece_stop, what=f"{name_match['name']} =")
        replacements.append((Part(name_match["name"], name_match.start("name")), value))
    parts = _parts(text, colon + 1, stop, what="the ':' of a substitution")
    return Line(text, "substitute", parts, replacements=tuple(replacements), comment=comment)


def _limit(text: str, start: int, stop: int, comment: str) -> Line:
    match = _LIMIT.match(text, start, stop)
    if match is None:
        raise _Unreadable(
            "a limit reads 'lim x->oo: RESULT' (or 'lim x->0 (EXPRESSION) = RESULT')",
            start,
            _first_space_or(text, start + 3, stop),
        )
    point_text = re.sub(r"\s+", "", match["point"])
    point_text = _INFINITY_WORDS.get(point_text.lower(), point_text)
    point = Part(point_text, match.start("point"))
    variable, variable_at = match["var"], match.start("var")
    after = _skip_spaces(text, match.end(), stop)
    if after < stop and text[after] in ":=":
        parts = _parts(text, after + 1, stop, what="the limit")
        return Line(
            text, "limit", parts, variable=variable, variable_at=variable_at, point=point, comment=comment
        )
    if after >= stop:
        raise _Unreadable(
            f"lim {variable}->{point_text} needs its value after ':' (lim {variable}->{point_text}: RESULT)",
            start,
            stop,
        )
    pieces = _parts(text, after, stop, what="the limit")
    if len(pieces) < 2:
        raise _Unreadable(
            f"read 'lim {variable}->{point_text} (...)' as a limit, but no '= RESULT' follows: write "
            f"lim {variable}->{point_text} (...) = RESULT, or lim {variable}->{point_text}: RESULT for the "
            "line above",
            start,
            stop,
        )
    return Line(
        text,
        "limit",
        pieces[1:],
        variable=variable,
        variable_at=variable_at,
        point=point,
        inner=pieces[0],
        comment=comment,
    )


def _derivative_operator(text: str, match: re.Match[str], stop: int, comment: str) -> Line:
    variable, variable_at = match["var"], match.start("var")
    operator = text[match.start() : match.end()].strip()
    after = _skip_spaces(text, match.end(), stop)
    if after < stop and text[after] in ":=":
        parts = _parts(text, after + 1, stop, what=operator)
        return Line(text, "differentiate", parts, variable=variable, variable_at=variable_at, comment=comment)
    if after >= stop:
        raise _Unreadable(
            f"{operator} needs the derivative after it: '{operator}: RESULT' differentiates the line above",
            match.start(),
            stop,
        )
    pieces = _parts(text, after, stop, what=operator)
    if len(pieces) < 2:
        raise _Unreadable(
            f"read '{operator} (...)' as a derivative, but no '= RESULT' follows: write "
            f"{operator} (...) = RESULT, or {operator}: RESULT for the derivative of the line above",
            match.start(),
            stop,
        )
    return Line(
        text,
        "differentiate",
        pieces[1:],
        variable=variable,
        variable_at=variable_at,
        inner=pieces[0],
        comment=comment,
    )


def _plain(text: str, start: int, stop: int, comment: str) -> Line:
    if text[start] == "=":
        parts = _parts(text, start + 1, stop, what="'='")
        return Line(text, "rewrite", parts, comment=comment)
    colon_equals = text.find(":=", start, stop)
    if colon_equals >= 0:
        name_match = _BARE_NAME.match(text, start, colon_equals)
        if name_match is None:
            raise _Unreadable("':=' defines a name: write NAME := EXPRESSION", start, colon_equals + 2)
        value = _part(text, colon_equals + 2, stop, what=":=")
        name = name_match["name"]
        _check_name(name, name_match.start("name"))
        return Line(text, "let", (value,), name=name, name_at=name_match.start("name"), comment=comment)
    pieces = _parts(text, start, stop, what="'='")
    if len(pieces) == 1:
        lone = pieces[0]
        if _LEIBNIZ.match(lone.text):
            raise _Unreadable(
                f"{lone.text.strip()} needs its value: write {lone.text.strip()} = RESULT",
                lone.start,
                lone.start + len(lone.text),
            )
        return Line(text, "rewrite", pieces, comment=comment)
    first = pieces[0]
    leibniz = _LEIBNIZ.match(first.text)
    if leibniz:
        of, variable = leibniz["of"], leibniz["var"]
        return Line(
            text,
            "differentiate",
            pieces[1:],
            name=f"d{of}/d{variable}",
            name_at=first.start,
            variable=variable,
            variable_at=first.start + leibniz.start("var"),
            of=of,
            of_at=first.start + leibniz.start("of"),
            comment=comment,
        )
    prime = _PRIME_NOTATION.match(first.text)
    if prime:
        of, variable = prime["name"], prime["var"]
        return Line(
            text,
            "differentiate",
            pieces[1:],
            name=f"d{of}/d{variable}",
            name_at=first.start,
            variable=variable,
            variable_at=first.start + prime.start("var"),
            of=of,
            of_at=first.start + prime.start("name"),
            comment=comment,
        )
    name, name_at, rest = _leading_name(text, pieces)
    if name is not None:
        return Line(text, "named", rest, name=name, name_at=name_at, comment=comment)
    notation = _FUNCTION_NOTATION.match(first.text)
    if notation and notation["name"] not in FUNCTION_ALIASES:
        name, name_at = notation["name"], first.start + notation.start("name")
        _check_name(name, name_at)
        return Line(text, "named", pieces[1:], name=name, name_at=name_at, comment=comment)
    return Line(text, "rewrite", pieces, comment=comment)


# --- pieces ---------------------------------------------------------------------------------------------


def _leading_name(text: str, parts: tuple[Part, ...]) -> tuple[str | None, int, tuple[Part, ...]]:
    """``NAME = ...``: the name and the parts after it (a single part has no name)."""
    if len(parts) < 2:
        return None, 0, parts
    match = _BARE_NAME.match(parts[0].text)
    if match is None:
        return None, 0, parts
    name, at = match["name"], parts[0].start + match.start("name")
    _check_name(name, at)
    return name, at, parts[1:]


def _check_name(name: str, at: int) -> None:
    if not is_well_formed_name(name):
        raise _Unreadable(
            f"{name!r} is not a usable name (letters, then letters, digits or _)", at, at + len(name)
        )
    if name in RESERVED_NAMES:
        raise _Unreadable(f"{name!r} is a function or constant and cannot name a line", at, at + len(name))


def _parts(text: str, begin: int, stop: int, *, what: str) -> tuple[Part, ...]:
    """The expressions between top-level '=' signs of ``text[begin:stop]``, each stripped."""
    pieces = _split_top_level(text, "=", begin, stop)
    parts = []
    for index, (piece_start, piece_stop) in enumerate(pieces):
        label = what if index == 0 else "'='"
        parts.append(_part(text, piece_start, piece_stop, what=label))
    return tuple(parts)


def _part(text: str, begin: int, stop: int, *, what: str) -> Part:
    first = _skip_spaces(text, begin, stop)
    last = stop
    while last > first and text[last - 1].isspace():
        last -= 1
    if first >= last:
        where = min(begin, max(0, len(text) - 1))
        if text[begin - 1 : begin] == "=" and text[begin : begin + 1] == "=":
            raise _Unreadable("write one '=' between two expressions", begin - 1, begin + 1)
        raise _Unreadable(f"an expression is missing after {what}", max(0, where - 1), where + 1)
    return Part(text[first:last], first)


def _split_top_level(text: str, separator: str, begin: int, stop: int) -> list[tuple[int, int]]:
    """Spans of ``text[begin:stop]`` between ``separator`` characters outside any brackets."""
    spans, depth, piece_start = [], 0, begin
    for index in range(begin, stop):
        char = text[index]
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(0, depth - 1)
        elif char == separator and depth == 0:
            spans.append((piece_start, index))
            piece_start = index + 1
    spans.append((piece_start, stop))
    return spans


def _find_top_level(text: str, character: str, begin: int, stop: int) -> int | None:
    spans = _split_top_level(text, character, begin, stop)
    return spans[0][1] if len(spans) > 1 else None


def _has_top_level_equals(text: str, begin: int, stop: int) -> bool:
    return _find_top_level(text, "=", begin, stop) is not None


def _split_comment(text: str) -> tuple[str, str]:
    at = text.find("#")
    return (text, "") if at < 0 else (text[:at], text[at + 1 :].strip())


def _skip_spaces(text: str, index: int, stop: int) -> int:
    while index < stop and text[index].isspace():
        index += 1
    return index


def _first_space_or(text: str, index: int, stop: int) -> int:
    while index < stop and not text[index].isspace():
        index += 1
    return index


def line_from_step(expr: str, by: object = None) -> Line:
    """A step given as data (the lesson format's ``expr`` and ``by``, as ``derive --jsonl`` reads it):
    ``by`` is None (a rewrite), ``{"differentiate": "x"}``, ``{"substitute": {"x": "EXPR"}}``,
    ``{"limit": {"x": "oo"}}``, ``{"given": true}`` or ``"given"``/``"equal"``. Columns count within
    ``expr``. A ``by`` that cannot be used is a Problem (at column 0)."""
    if not isinstance(expr, str) or not expr.strip():
        return Line(
            str(expr) if isinstance(expr, str) else "", None, problem=Problem("'expr' must be text", 0, 1)
        )
    first = _skip_spaces(expr, 0, len(expr))
    part = (Part(expr.strip(), first),)
    if by is None or by == "equal" or by == {"equal": True}:
        return Line(expr, "rewrite", part)
    if by == "given" or by == {"given": True}:
        return Line(expr, "given", part)
    problem = _step_rule_problem(by)
    if problem is not None:
        return Line(expr, None, problem=Problem(problem, 0, max(1, len(expr))))
    assert isinstance(by, dict)
    ((kind, value),) = by.items()
    if kind == "differentiate":
        return Line(expr, "differentiate", part, variable=value)
    if kind == "substitute":
        replacements = tuple((Part(str(name), 0), Part(str(text), 0)) for name, text in value.items())
        return Line(expr, "substitute", part, replacements=replacements)
    ((variable, point),) = value.items()
    return Line(expr, "limit", part, variable=variable, point=Part(str(point), 0))


def _step_rule_problem(by: object) -> str | None:
    usage = (
        '\'by\' is one of {"differentiate": "x"}, {"substitute": {"x": "EXPR"}}, '
        '{"limit": {"x": "oo"}}, {"given": true}, or absent for a rewrite'
    )
    if not isinstance(by, dict) or len(by) != 1:
        return usage
    ((kind, value),) = by.items()
    if kind == "differentiate":
        return None if isinstance(value, str) and value.strip() else "'differentiate' names a variable"
    if kind == "substitute":
        good = (
            isinstance(value, dict)
            and value
            and all(
                isinstance(name, str) and isinstance(text, str | int | float) and not isinstance(text, bool)
                for name, text in value.items()
            )
        )
        return None if good else '\'substitute\' maps names to expressions, e.g. {"x": "2"}'
    if kind == "limit":
        good = (
            isinstance(value, dict)
            and len(value) == 1
            and all(
                isinstance(name, str) and isinstance(point, str | int | float) and not isinstance(point, bool)
                for name, point in value.items()
            )
        )
        return None if good else '\'limit\' names one variable and its point, e.g. {"x": "oo"}'
    return usage
