"""A derivation as plain data: its context, its lines, and how scripts and lessons describe one.

SymPy-free (like lines.py and marks.py): the app builds a Derivation in its own process and sends it
to the grading worker, which marks it line by line (engine.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from studybuddy.core.derivation.lines import Line, Problem, line_from_step, read_line
from studybuddy.core.errors import StudybuddyError
from studybuddy.core.grading.terms import PlainVariable, plain_variable
from studybuddy.core.grading.verdict import ListedMistake

if TYPE_CHECKING:
    from studybuddy.core.lessons.model import Lesson

DOMAIN_NAMES = (
    "real",
    "positive",
    "nonnegative",
    "negative",
    "nonzero",
    "probability",
    "integer",
    "natural",
    "odd",
    "complex",
)
MAX_LINES = 2000  # a derivation longer than this is refused, not marked (a page holds ~50)


@dataclass(frozen=True)
class StepMistakes:
    """A lesson's listed mistakes for one step of its reference derivation: ``value`` is what the step
    gives; a wrong line whose operation should have given that value is compared with each mistake.
    ``operation``: how the step follows (rewrite, differentiate, substitute, limit): when two steps have
    the same value, the mistakes of a step done the way the line was done are tried first."""

    value: str
    mistakes: tuple[ListedMistake, ...]
    operation: str = "rewrite"


@dataclass(frozen=True)
class DerivationContext:
    """What the lines are read with.

    ``variables``: declared names as (name, domain, shape). ``definitions``: name -> expression, as a
    lesson's. ``infer``: every other name a line uses is a real variable (the shell without --var).
    """

    variables: tuple[PlainVariable, ...] = ()
    definitions: tuple[tuple[str, str], ...] = ()
    infer: bool = False
    mistakes: tuple[StepMistakes, ...] = ()


@dataclass(frozen=True)
class Derivation:
    """A derivation as a screen, the shell or a lesson holds it: an id (its marks carry it), the context
    and the lines so far (blank ones included, so that index + 1 is the line number)."""

    id: str | int | None
    context: DerivationContext
    lines: tuple[Line, ...]


class DerivationInputError(StudybuddyError):
    """A derivation given as data (a JSON line) that cannot be used, with what is wrong."""


def derivation_from_text(
    text: str, context: DerivationContext, derivation_id: str | int | None = None
) -> Derivation:
    """Every line of ``text`` in the line syntax (lines.py)."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise DerivationInputError(f"a derivation has at most {MAX_LINES} lines, this one {len(lines)}")
    return Derivation(derivation_id, context, tuple(read_line(line) for line in lines))


def context_of(
    variables: Iterable[Any] = (),
    definitions: Mapping[str, str] | None = None,
    *,
    infer: bool = False,
    mistakes: Iterable[StepMistakes] = (),
) -> DerivationContext:
    """A context from Variables, lesson SymbolSpecs, ``(name, domain, shape)`` tuples or bare names."""
    return DerivationContext(
        tuple(plain_variable(variable) for variable in variables),
        tuple((str(name), str(text)) for name, text in (definitions or {}).items()),
        infer,
        tuple(mistakes),
    )


def lesson_context(lesson: Lesson, mistakes: Iterable[StepMistakes] = ()) -> DerivationContext:
    """Derive with a lesson's symbols and definitions (and a derive exercise's listed mistakes)."""
    return context_of(
        lesson.symbols, {name: text.text for name, text in lesson.definitions}, mistakes=mistakes
    )


def derivation_from_json(data: object, *, fallback_id: Any = None) -> Derivation:
    """A derivation as ``studybuddy derive --jsonl`` reads it, one JSON object:

    ``{"id": "d-1", "symbols": {"x": "real"}, "definitions": {"s": "1/(1+exp(-x))"},
    "steps": [{"expr": "...", "by": {"differentiate": "x"}}, {"line": "= ..."}, ...]}``

    ``symbols`` maps names to domains (or lists names, each real); without it every name a step uses
    is a real variable. A step is ``expr`` with the lesson format's ``by`` (absent: a rewrite), or
    ``line`` in the line syntax. DerivationInputError when the object cannot be used.
    """
    if not isinstance(data, Mapping):
        raise DerivationInputError("each line must be a JSON object with 'steps'")
    known = ("id", "symbols", "definitions", "steps")
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (the fields are: {', '.join(known)})"
            raise DerivationInputError(f"unknown field {key!r}{hint}")
    derivation_id = data.get("id", fallback_id)
    symbols = data.get("symbols")
    if symbols is None:
        variables: list[PlainVariable] = []
    elif isinstance(symbols, Mapping):
        variables = [(str(name), _domain(name, domain), None) for name, domain in symbols.items()]
    elif isinstance(symbols, list) and all(isinstance(name, str) for name in symbols):
        variables = [(name, "real", None) for name in symbols]
    else:
        raise DerivationInputError('\'symbols\' maps names to domains, e.g. {"x": "real"}')
    definitions = data.get("definitions") or {}
    if not isinstance(definitions, Mapping) or not all(
        isinstance(name, str) and isinstance(text, str) for name, text in definitions.items()
    ):
        raise DerivationInputError('\'definitions\' maps names to expressions, e.g. {"s": "1/(1+exp(-x))"}')
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise DerivationInputError("'steps' must be a list of at least one step")
    if len(steps) > MAX_LINES:
        raise DerivationInputError(f"a derivation has at most {MAX_LINES} steps, this one {len(steps)}")
    context = DerivationContext(tuple(variables), tuple(definitions.items()), infer=symbols is None)
    return Derivation(
        derivation_id, context, tuple(_step(step, number) for number, step in enumerate(steps, 1))
    )


def _step(step: object, number: int) -> Line:
    """One step; a step that cannot be used is a line with its problem (marked invalid, the rest are
    still marked)."""
    if isinstance(step, Mapping) and set(step) == {"line"} and isinstance(step["line"], str):
        line = read_line(step["line"])
        return (
            line if not line.blank else Line(step["line"], None, problem=Problem("the line is empty", 0, 1))
        )
    if not isinstance(step, Mapping) or "expr" not in step or not set(step) <= {"expr", "by"}:
        usage = f'step {number} must be {{"expr": ..., "by": ...}} or {{"line": ...}}'
        return Line("", None, problem=Problem(usage, 0, 1))
    return line_from_step(step["expr"], step.get("by"))


def _domain(name: object, domain: object) -> str:
    if domain in DOMAIN_NAMES:
        return str(domain)
    close = difflib.get_close_matches(str(domain), DOMAIN_NAMES, n=1)
    hint = f": did you mean {close[0]}?" if close else f" (one of: {', '.join(DOMAIN_NAMES)})"
    raise DerivationInputError(f"unknown domain {domain!r} for {name!r}{hint}")
