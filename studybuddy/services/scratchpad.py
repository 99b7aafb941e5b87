"""The scratchpad's symbols: what the box above the page means (core.derivation.declarations)."""

from __future__ import annotations

from studybuddy.core.derivation.declarations import read_declarations
from studybuddy.core.derivation.model import DerivationContext

SYMBOLS_HELP = (
    "Names not declared are real variables; declare a domain as x:positive, p:probability, n:integer."
)


def scratch_context(declarations: str) -> tuple[DerivationContext, str | None]:
    """The context the scratchpad's lines are read in, and what is wrong with the declarations (shown
    under the box; the entries that can be read still apply)."""
    context, problem = read_declarations(declarations)
    return context, None if problem is None else f"Left out: {problem}"
