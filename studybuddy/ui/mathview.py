"""Text for the terminal from the math engine: pretty-printed expressions and input previews.

Called from worker threads only: it imports SymPy on first use, and SymPy must stay off the UI thread
and off the start-up path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studybuddy.core.errors import StudybuddyError


@dataclass(frozen=True)
class Preview:
    """What the answer box shows under itself: the pretty form, or the error and its caret line."""

    text: str
    pretty: str | None = None
    pointer: str | None = None
    message: str | None = None


def pretty(expression: Any) -> str:
    import sympy  # safe: printing only, nothing is parsed here

    return str(sympy.pretty(expression, use_unicode=True, wrap_line=False))


def pretty_source(text: str, table: Any) -> str:
    """A lesson's expression, parsed by the project's own parser and pretty-printed; the raw text if bad."""
    from studybuddy.core.mathexpr import parse_expression

    try:
        return pretty(parse_expression(text, table))
    except StudybuddyError:
        return text


def preview_answer(text: str, table: Any) -> Preview:
    from studybuddy.core.mathexpr import ExprError, parse_expression

    if not text.strip():
        return Preview(text)
    try:
        return Preview(text, pretty=pretty(parse_expression(text, table)))
    except ExprError as error:
        return Preview(text, pointer=error.pointer(), message=str(error))
