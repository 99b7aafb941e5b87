"""Functions written without parentheses: ``sin x``, ``ln 2``, ``sin 2x`` (one atom after the name)."""

from __future__ import annotations

from studybuddy.core.mathexpr.errors import ExprError
from studybuddy.core.mathexpr.names import PREFIX_FUNCTIONS
from studybuddy.core.mathexpr.tokenizer import Kind, Piece


def wrap_prefix_arguments(pieces: list[Piece], typed: str) -> list[Piece]:
    """``sin x`` -> sin(x), ``ln 2`` -> log(2), ``sin 2x`` -> sin(2x): a one-argument function written
    before a single atom (a number, a name, or a number then a name) applies to that atom.

    ``sin x cos x`` is sin(x)*cos(x) and ``sin x + 1`` is sin(x) + 1. Whatever could be read two ways is
    an error that asks for parentheses: ``sin x^2``, ``sin x/2``, ``sin x//2``, ``sin x y``, ``sin xy`` (a
    name that splits), ``sin x (x + 1)``. Anything else after the function (``sin -x``) keeps the "needs
    parentheses" error.
    """
    out: list[Piece] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        out.append(piece)
        index += 1
        if piece.kind is not Kind.FUNCTION or piece.value not in PREFIX_FUNCTIONS:
            continue
        size = _prefix_argument_size(pieces, index)
        if size == 0:
            continue  # parentheses follow, or nothing usable: canonicalize explains
        argument = pieces[index : index + size]
        following = pieces[index + size] if index + size < len(pieces) else None
        if following is not None and (
            following.kind in (Kind.NUMBER, Kind.VARIABLE, Kind.CONSTANT, Kind.LPAREN)
            or (following.kind is Kind.OPERATOR and following.value in ("**", "/", "//"))
        ):
            after = index + size + 1  # show the operand after ^ or / too: 'sin x^2', not 'sin x^'
            end = (
                pieces[after].end
                if following.kind is Kind.OPERATOR and after < len(pieces)
                else following.end
            )
            name, written = typed[piece.start : piece.end], typed[piece.start : end]
            raise ExprError(
                f"put the argument of {name} in parentheses: {written!r} can be read two ways",
                typed,
                piece.start,
                end,
            )
        first, last = argument[0], argument[-1]
        out.extend([Piece(Kind.LPAREN, "(", first.start, first.end), *argument])
        out.append(Piece(Kind.RPAREN, ")", last.start, last.end))
        index += size
    return out


def _prefix_argument_size(pieces: list[Piece], index: int) -> int:
    """How many pieces from ``index`` form a prefix function's argument: 1 or 2 (``2x``), 0 for none."""
    if index >= len(pieces):
        return 0
    first = pieces[index]
    if first.kind in (Kind.VARIABLE, Kind.CONSTANT):
        return 1
    if first.kind is not Kind.NUMBER:
        return 0
    second = pieces[index + 1] if index + 1 < len(pieces) else None
    return 2 if second is not None and second.kind in (Kind.VARIABLE, Kind.CONSTANT) else 1
