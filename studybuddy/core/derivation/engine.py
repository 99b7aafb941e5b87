"""Marking a derivation line by line: what each line was read as, and whether it follows.

A derivation is a context (declared variables, definitions, a lesson's listed mistakes) and lines
(lines.py). Reading the lines in order builds a state: the line the next one continues, the lines named
so far (``L``, ``dL/dz1``) and the names that stand for an expression (definitions). A line's mark
depends on that state only, never on the marks above it: a line after a wrong line is judged against
the wrong line as written, so the learner sees exactly where it went wrong and how much of the rest
holds. A line that cannot be read leaves the state as it was (the next line continues the line before).

Every comparison is the grader's (core.grading.equivalence, sampling then proof): a line never follows
on a weaker test than an exercise answer gets. Parsing is the math parser's (no text is ever run), and
``mark_line`` is what the grading worker runs under its time limit, one line per request.
"""

from __future__ import annotations

import contextlib
import difflib
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

import sympy

from studybuddy.core.derivation.lines import Line, Part
from studybuddy.core.derivation.marks import LineMark
from studybuddy.core.derivation.model import Derivation, DerivationContext
from studybuddy.core.derivation.names import DeclaredVariablesError, derivation_table, parse_with
from studybuddy.core.derivation.slips import diagnose_line
from studybuddy.core.grading.equivalence import equivalent_exprs
from studybuddy.core.grading.proof import ProofGuard
from studybuddy.core.grading.verdict import Verdict
from studybuddy.core.mathexpr import ExprError, SymbolTable, Variable

SEED = 0
_READINGS_KEPT = 6  # derivations whose reading the worker keeps (a learner has a few open)

# SymPy gives up on an operation with these (a limit it cannot take, a derivative of something odd).
_GAVE_UP = (TypeError, ValueError, ArithmeticError, RecursionError, NotImplementedError, AttributeError)


def mark_line(
    derivation: Derivation,
    index: int,
    *,
    proof_guard: ProofGuard = contextlib.nullcontext,
    diagnose: bool = True,
) -> LineMark | None:
    """The mark of line ``index`` (None for a blank or comment-only line). Never raises for bad input:
    an unreadable line is ``invalid`` with its column, an undecidable one ``unknown``. ``diagnose``
    False: a line that does not follow is marked so without saying which mistake it is (the costly
    part, for a caller that only asks whether it follows)."""
    started = time.perf_counter()
    line = derivation.lines[index]
    if line.blank:
        return None
    try:
        reading = _reading_for(derivation, index)
        mark = replace(reading.judge(index, proof_guard, diagnose=diagnose), derivation=derivation.id)
    except _Invalid as invalid:
        mark = invalid.mark(derivation.id, index, line.text)
    except _GAVE_UP as error:
        mark = LineMark(
            derivation.id,
            index,
            line.text,
            "unknown",
            detail=f"Could not decide: SymPy failed on this line ({type(error).__name__}).",
        )
    return mark.with_ms((time.perf_counter() - started) * 1000)


def mark_all(
    derivation: Derivation, *, proof_guard: ProofGuard = contextlib.nullcontext, diagnose: bool = True
) -> list[LineMark]:
    """Every line's mark, in order, in this process (blank lines have none); ``diagnose`` as for
    mark_line."""
    marks = [
        mark_line(derivation, index, proof_guard=proof_guard, diagnose=diagnose)
        for index in range(len(derivation.lines))
    ]
    return [mark for mark in marks if mark is not None]


# --- the state a line is read in ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    """An expression as written on a line (or in the context's definitions: ``index`` None)."""

    index: int | None
    expr: sympy.Basic
    name: str | None = None

    def label(self) -> str:
        where = "as defined" if self.index is None else f"line {self.index + 1}"
        return f"{self.name} ({where})" if self.name else where


@dataclass(frozen=True)
class _State:
    current: _Value | None = None  # what a plain line continues
    quantities: Mapping[str, _Value] = field(default_factory=dict)  # named lines: the latest of each
    definitions: Mapping[sympy.Basic, _Value] = field(default_factory=dict)  # symbol -> what it stands for


Operation = Literal["start", "define", "rewrite", "differentiate", "substitute", "limit"]


@dataclass(frozen=True)
class _Plan:
    """A line read in its state: what it is judged against, and how."""

    operation: Operation
    understood: str
    parts: tuple[tuple[Part, sympy.Basic], ...]
    basis: _Value | None = None
    variable: sympy.Symbol | None = None
    replacements: tuple[tuple[sympy.Basic, sympy.Basic], ...] = ()
    point: sympy.Basic | None = None
    how: str = ""  # "by differentiating with respect to z1"
    what: str = ""  # what the operation gives, for a person: "the derivative"
    note: str = ""


class _Invalid(Exception):
    """A line that cannot be judged, with the columns (0-based, in the line) to point at."""

    def __init__(self, message: str, start: int, end: int, understood: str = "") -> None:
        super().__init__(message)
        self.message, self.start, self.end, self.understood = message, start, max(end, start + 1), understood

    def mark(self, derivation: str | int | None, index: int, text: str) -> LineMark:
        column = self.start + 1
        return LineMark(
            derivation,
            index,
            text,
            "invalid",
            understood=self.understood,
            detail=f"{self.message} (column {column})",
            column=column,
            end_column=self.end + 1,
        )


def _expr_error(error: ExprError, part: Part, understood: str = "") -> _Invalid:
    hint = f": did you mean {error.suggestion}?" if error.suggestion else ""
    message = error.message + hint + _typing_hint(error, part)
    return _Invalid(message, part.start + error.start, part.start + error.end, understood)


def _typing_hint(error: ExprError, part: Part) -> str:
    """What a line that reads like the line syntax, but is not, was probably meant to be."""
    typed = error.text[error.start : error.end]
    if error.message.startswith("unknown name") and typed[:1] in ("d", "\u2202") and "/" in part.text:
        return " (a derivative such as dL/dz1 goes on the left of '=', with its value on the right)"
    if error.message.startswith("unknown function"):
        return f" (to name a line, write {typed} = ... or {typed}(x) = ... at the start of the line)"
    if "unexpected character ':'" in error.message:
        return " (an operation is written first: d/dx: ..., lim x->oo: ..., with x = 2: ..., given: ...)"
    return ""


# --- reading -------------------------------------------------------------------------------------------


class _Reading:
    """The lines of one derivation read in order: each line's plan (or why it is invalid), and the
    state before each line. Kept by the worker so that the next line of the same derivation only reads
    that line."""

    def __init__(self, context: DerivationContext, table: SymbolTable) -> None:
        self.context = context
        self.table = table
        self.lines: list[Line] = []
        self.plans: list[_Plan | _Invalid | None] = []
        self.states: list[_State] = [self._initial_state()]
        self._listed: list[tuple[sympy.Basic, sympy.Basic, str, str]] | None = None
        self.marks: dict[int, LineMark] = {}  # a line's mark depends only on the lines up to it

    def _initial_state(self) -> _State:
        definitions: dict[sympy.Basic, _Value] = {}
        for name, text in self.context.definitions:
            symbol = self.table.symbol(name) if self.table.resolve(name) else None
            if symbol is None:
                raise _Invalid(f"the definition of {name!r} names no variable", 0, 1)
            try:
                definitions[symbol] = _Value(None, parse_with(text, self.table.variables), name)
            except ExprError as error:
                raise _Invalid(f"in the definition of {name}: {error.message}", 0, 1) from None
        return _State(definitions=definitions)

    def advance(self, lines: Sequence[Line]) -> None:
        same = 0
        while same < min(len(lines), len(self.lines)) and lines[same] == self.lines[same]:
            same += 1
        del self.lines[same:], self.plans[same:], self.states[same + 1 :]
        self.marks = {index: mark for index, mark in self.marks.items() if index < same}
        for index in range(same, len(lines)):
            line = lines[index]
            state = self.states[-1]
            plan: _Plan | _Invalid | None = None
            after = state
            try:
                if not line.blank:
                    plan, after = _read(line, index, state, self.table)
            except _Invalid as invalid:
                plan = invalid
            self.lines.append(line)
            self.plans.append(plan)
            self.states.append(after)

    def judge(self, index: int, proof_guard: ProofGuard, *, diagnose: bool = True) -> LineMark:
        plan, state, line = self.plans[index], self.states[index], self.lines[index]
        if isinstance(plan, _Invalid):
            raise plan
        assert plan is not None
        if index in self.marks:
            return self.marks[index]
        mark = _judge(plan, state, index, line, self, proof_guard, diagnose)
        if diagnose or mark.verdict != "does-not-follow":  # never serve an undiagnosed mark to a learner
            self.marks[index] = mark
        return mark

    def listed(self, operation: str) -> list[tuple[sympy.Basic, sympy.Basic, str]]:
        """The context's listed mistakes: (step value, mistake, feedback), definitions replaced; those of
        steps done by ``operation`` first."""
        if self._listed is None:
            definitions = self.states[0].definitions
            listed = []
            for step in self.context.mistakes:
                for mistake in step.mistakes:
                    try:
                        value = _expand(parse_with(step.value, self.table.variables), definitions)
                        wrong = _expand(parse_with(mistake.answer, self.table.variables), definitions)
                    except (ExprError, _Invalid):
                        continue  # the lesson checker reports an unreadable mistake at its position
                    listed.append((value, wrong, mistake.feedback, step.operation))
            self._listed = listed
        return [entry[:3] for entry in sorted(self._listed, key=lambda entry: entry[3] != operation)]


_readings: OrderedDict[tuple[DerivationContext, tuple[Variable, ...]], _Reading] = OrderedDict()


def _names(derivation: Derivation) -> SymbolTable:
    try:
        return derivation_table(derivation.context, derivation.lines)
    except DeclaredVariablesError as error:
        raise _Invalid(f"the declared variables cannot be used: {error}", 0, 1) from None


def _reading_for(derivation: Derivation, index: int) -> _Reading:
    table = _names(derivation)
    key = (derivation.context, table.variables)
    reading = _readings.get(key)
    if reading is None:
        reading = _Reading(derivation.context, table)
        _readings[key] = reading
        while len(_readings) > _READINGS_KEPT:
            _readings.popitem(last=False)
    _readings.move_to_end(key)
    reading.advance(derivation.lines[: index + 1])
    return reading


def _read(line: Line, index: int, state: _State, table: SymbolTable) -> tuple[_Plan, _State]:
    """How ``line`` is judged in ``state``, and the state after it; _Invalid when it cannot be."""
    if line.problem is not None:
        raise _Invalid(line.problem.message, line.problem.start, line.problem.end)
    written = line.written
    understood = ""
    parsed = []
    for part in line.parts:
        try:
            parsed.append((part, parse_with(part.text, table.variables)))
        except ExprError as error:
            raise _expr_error(error, part, _written_as(line)) from None
    parts = tuple(parsed)
    last = parts[-1][1]
    if written == "given":
        return _start(line, index, state, parts, table)
    if written == "let":
        assert line.name is not None
        symbol = _name_symbol(line.name, line.name_at, table)
        if symbol in state.definitions or line.name in state.quantities:
            earlier = state.definitions.get(symbol) or state.quantities[line.name]
            raise _Invalid(
                f"{line.name} is already defined ({earlier.label()}); write {line.name} = ... to check it "
                "against that",
                line.name_at,
                line.name_at + len(line.name),
            )
        return _define(line, index, state, parts, symbol)
    if written == "named":
        assert line.name is not None
        if line.name in state.quantities:
            basis = state.quantities[line.name]
            understood = f"a rewrite of {basis.label()}"
            plan = _Plan("rewrite", understood, parts, basis, how="rewriting", what=basis.label())
            return plan, _continue(state, _Value(index, last, line.name))
        symbol = _name_symbol(line.name, line.name_at, table)
        if symbol in state.definitions:
            basis = state.definitions[symbol]
            where = "" if basis.index is None else f" on line {basis.index + 1}"
            understood = f"{line.name} checked against its definition{where}"
            plan = _Plan("rewrite", understood, parts, basis, how="rewriting", what="its definition")
            return plan, state
        if state.current is None:
            return _start(line, index, state, parts, table)
        return _define(line, index, state, parts, symbol)
    if written == "rewrite":
        if state.current is None:
            return _start(line, index, state, parts, table)
        basis = state.current
        plan = _Plan(
            "rewrite", f"a rewrite of {basis.label()}", parts, basis, how="rewriting", what=basis.label()
        )
        return plan, _continue(state, _Value(index, last, basis.name))
    if written == "differentiate":
        return _differentiate(line, index, state, parts, table)
    if written == "substitute":
        basis = _continued(state, line)
        replacements = []
        for name, part in line.replacements:
            symbol = _variable_symbol(name.text, name.start, table, line, _named(state))
            try:
                replacements.append((symbol, parse_with(part.text, table.variables)))
            except ExprError as error:
                raise _expr_error(error, part, _written_as(line)) from None
        shown = ", ".join(f"{name.text} = {part.text}" for name, part in line.replacements)
        plan = _Plan(
            "substitute",
            f"{basis.label()} with {shown}",
            parts,
            basis,
            replacements=tuple(replacements),
            how=f"substituting {shown}",
            what="the substitution",
        )
        return plan, _continue(state, _Value(index, last, None))
    assert written == "limit" and line.variable is not None and line.point is not None
    variable = _variable_symbol(line.variable, line.variable_at, table, line, _named(state))
    try:
        point = parse_with(line.point.text, table.variables)
    except ExprError as error:
        raise _expr_error(error, line.point, _written_as(line)) from None
    how = f"taking the limit {line.variable} -> {line.point.text}"
    if line.inner is not None:
        basis = _inner(line, index, table)
        understood = f"the limit of {line.inner.text} as {line.variable} -> {line.point.text}"
    else:
        basis = _continued(state, line)
        understood = f"the limit of {basis.label()} as {line.variable} -> {line.point.text}"
    _refuse_matrix(basis, line, "a limit")
    plan = _Plan("limit", understood, parts, basis, variable=variable, point=point, how=how, what="the limit")
    return plan, _continue(state, _Value(index, last, None))


def _start(
    line: Line, index: int, state: _State, parts: tuple[tuple[Part, sympy.Basic], ...], table: SymbolTable
) -> tuple[_Plan, _State]:
    first, last = parts[0][1], parts[-1][1]
    if line.name is None:
        return _Plan("start", "a starting point", parts), replace(state, current=_Value(index, last))
    symbol = _name_symbol(line.name, line.name_at, table)
    _refuse_circle(line, symbol, first, state)
    value = _Value(index, last, line.name)
    quantities = {**state.quantities, line.name: value}
    definitions = {**state.definitions, symbol: _Value(index, first, line.name)}
    plan = _Plan("start", f"a starting point named {line.name}", parts)
    return plan, _State(value, quantities, definitions)


def _define(
    line: Line, index: int, state: _State, parts: tuple[tuple[Part, sympy.Basic], ...], symbol: sympy.Basic
) -> tuple[_Plan, _State]:
    assert line.name is not None
    first = parts[0][1]
    _refuse_circle(line, symbol, first, state)
    definitions = {**state.definitions, symbol: _Value(index, first, line.name)}
    plan = _Plan("define", f"a definition: {line.name} stands for {parts[0][0].text} from here on", parts)
    return plan, replace(state, definitions=definitions)


def _differentiate(
    line: Line, index: int, state: _State, parts: tuple[tuple[Part, sympy.Basic], ...], table: SymbolTable
) -> tuple[_Plan, _State]:
    assert line.variable is not None
    last = parts[-1][1]
    variable = _variable_symbol(line.variable, line.variable_at, table, line, _named(state))
    how = f"differentiating with respect to {line.variable}"
    note = ""
    if line.inner is not None:
        basis = _inner(line, index, table)
        understood = f"the derivative of {line.inner.text} with respect to {line.variable}"
        name = None
    elif line.of is not None:
        assert line.name is not None
        name = line.name
        if name in state.quantities:  # dL/dz1 again: a rewrite of the last dL/dz1
            basis = state.quantities[name]
            plan = _Plan(
                "rewrite", f"a rewrite of {basis.label()}", parts, basis, how="rewriting", what=basis.label()
            )
            return plan, _continue(state, _Value(index, last, name))
        of_symbol = table.symbol(line.of) if table.resolve(line.of) else None
        if line.of in state.quantities:
            basis = state.quantities[line.of]
        elif of_symbol is not None and of_symbol in state.definitions:
            basis = state.definitions[of_symbol]
        elif not state.quantities and state.current is not None:
            basis = state.current
            note = f"no line is named {line.of}, so this is read as the derivative of the line above"
        else:
            named = sorted(state.quantities)
            close = difflib.get_close_matches(line.of, named, n=1)
            hint = f": did you mean d{close[0]}/d{line.variable}?" if close else ""
            listing = f" (named lines: {', '.join(named)})" if named else " (name a line first: L = ...)"
            raise _Invalid(
                f"no line above is named {line.of}{listing}{hint}",
                line.of_at,
                line.of_at + len(line.of),
                f"the derivative of {line.of} with respect to {line.variable}",
            )
        understood = f"the derivative of {basis.label()} with respect to {line.variable}"
    else:
        basis = _continued(state, line)
        understood = f"the derivative of {basis.label()} with respect to {line.variable}"
        name = f"d{basis.name}/d{line.variable}" if basis.name and "/" not in basis.name else None
    _refuse_matrix(basis, line, "differentiation")
    plan = _Plan(
        "differentiate",
        understood,
        parts,
        basis,
        variable=variable,
        how=how,
        what="the derivative",
        note=note,
    )
    state = _continue(state, _Value(index, last, name))
    return plan, state


def _named(state: _State) -> list[str]:
    """The names that stand for an expression (a definition, a named line), not variables."""
    return [str(symbol) for symbol in state.definitions] + list(state.quantities)


def _continue(state: _State, value: _Value) -> _State:
    quantities = state.quantities if value.name is None else {**state.quantities, value.name: value}
    return _State(value, quantities, state.definitions)


def _continued(state: _State, line: Line) -> _Value:
    if state.current is None:
        raise _Invalid(
            f"there is no line above to continue: start with an expression ({_written_as(line)} needs one)",
            0,
            len(line.text.rstrip()),
        )
    return state.current


def _inner(line: Line, index: int, table: SymbolTable) -> _Value:
    assert line.inner is not None
    try:
        return _Value(index, parse_with(line.inner.text, table.variables))
    except ExprError as error:
        raise _expr_error(error, line.inner, _written_as(line)) from None


def _variable_symbol(
    name: str, at: int, table: SymbolTable, line: Line, named: Sequence[str] = ()
) -> sympy.Symbol:
    """The scalar variable ``name`` (as written in an operation), or _Invalid at its column.
    ``named``: names that stand for an expression (left out of the list of variables offered)."""
    resolved = table.resolve(name)
    if resolved is None:
        names = sorted(table.names() - set(named))
        close = difflib.get_close_matches(name, names, n=1)
        hint = f": did you mean {close[0]}?" if close else ""
        listing = ", ".join(names) if names else "none"
        raise _Invalid(
            f"{name} is not a variable of this derivation (variables: {listing}){hint}",
            at,
            at + len(name),
            _written_as(line),
        )
    symbol = table.symbol(resolved)
    if isinstance(symbol, sympy.MatrixSymbol):
        raise _Invalid(
            f"{name} is a matrix; differentiate or substitute one scalar variable at a time",
            at,
            at + len(name),
            _written_as(line),
        )
    return symbol


def _name_symbol(name: str, at: int, table: SymbolTable) -> sympy.Basic:
    resolved = table.resolve(name)
    if resolved is None:  # the table holds every name a line names; this is a safety net
        raise _Invalid(f"{name} cannot name a line", at, at + len(name))
    symbol = table.symbol(resolved)
    if isinstance(symbol, sympy.MatrixSymbol):
        raise _Invalid(f"{name} is a declared matrix and cannot name a line", at, at + len(name))
    return symbol


def _refuse_circle(line: Line, symbol: sympy.Basic, value: sympy.Basic, state: _State) -> None:
    assert line.name is not None
    try:
        expanded = _expand(value, {k: v for k, v in state.definitions.items() if k != symbol})
    except _Invalid:
        expanded = value
    if symbol in expanded.free_symbols:
        raise _Invalid(
            f"{line.name} cannot stand for an expression that contains {line.name} itself",
            line.name_at,
            line.name_at + len(line.name),
        )


def _refuse_matrix(basis: _Value, line: Line, what: str) -> None:
    if _is_matrix(basis.expr):
        rows, cols = basis.expr.shape
        at = line.variable_at
        raise _Invalid(
            f"{basis.label()} is a {rows}x{cols} matrix: {what} here works on a scalar line "
            "(take one entry at a time)",
            at,
            at + len(line.variable or " "),
            _written_as(line),
        )


def _written_as(line: Line) -> str:
    if line.written == "differentiate":
        return f"d/d{line.variable}"
    if line.written == "limit":
        return f"lim {line.variable}->{line.point.text if line.point else '?'}"
    if line.written == "substitute":
        return "a substitution"
    return line.written or ""


# --- judging -------------------------------------------------------------------------------------------


def _judge(
    plan: _Plan,
    state: _State,
    index: int,
    line: Line,
    reading: _Reading,
    proof_guard: ProofGuard,
    diagnose: bool = True,
) -> LineMark:
    derivation_id = None  # set by the caller through replace(); kept out of the cached reading
    base = LineMark(derivation_id, index, line.text, "start", understood=plan.understood)
    if plan.operation in ("start", "define"):
        detail = plan.understood[0].upper() + plan.understood[1:] + "."
        return replace(base, detail=detail)
    assert plan.basis is not None
    definitions = state.definitions
    table = reading.table
    try:
        expected, function = _apply(plan, definitions)
    except _Invalid as invalid:
        raise _Invalid(invalid.message, invalid.start, invalid.end, plan.understood) from None
    if expected.has(sympy.Limit) or expected.has(sympy.AccumBounds) or expected.has(sympy.nan):
        return replace(
            base,
            verdict="unknown",
            detail=f"Could not decide: SymPy cannot take {plan.what} of {plan.basis.label()}.",
            follows_from=plan.basis.index,
        )
    strengths = []
    previous: sympy.Basic = expected
    previous_written = plan.basis.expr if plan.operation in ("rewrite", "substitute") else None
    for position, (part, written) in enumerate(plan.parts):
        answer = _expand(written, definitions)
        verdict = equivalent_exprs(answer, previous, table, seed=SEED, proof_guard=proof_guard)
        first = position == 0
        what = plan.what if first else "the part before it"
        if verdict.kind == "different":
            explanation = None
            if diagnose:
                explanation = diagnose_line(
                    answer,
                    previous,
                    table,
                    what=what,
                    differentiated=(function, plan.variable)
                    if first and plan.operation == "differentiate"
                    else None,
                    listed=reading.listed(plan.operation) if first else (),
                    terms_of=previous_written,
                    term_value=_term_value(plan, definitions) if first else lambda t: _expand(t, definitions),
                    chain_factors=_chain_factors(plan, definitions) if first else (),
                    written=written,
                    expand=lambda expr: _expand(expr, definitions),
                    proof_guard=proof_guard,
                )
            how = plan.how if first else "rewriting the part before it"
            source = plan.basis.label() if first else "the expression before it on this line"
            columns = (
                (part.start + 1, part.start + len(part.text) + 1) if len(plan.parts) > 1 else (None, None)
            )
            return replace(
                base,
                verdict="does-not-follow",
                strength=verdict.strength,
                detail=f"Does not follow from {source} by {how}: {_reworded(verdict, what)}",
                follows_from=plan.basis.index,
                counterexample=verdict.counterexample,
                diagnosis=(explanation.message or None) if explanation else None,
                diagnosis_kind=explanation.kind if explanation else None,
                column=columns[0],
                end_column=columns[1],
            )
        if verdict.kind != "equivalent":
            return replace(base, verdict="unknown", detail=verdict.detail, follows_from=plan.basis.index)
        strengths.append(verdict.strength)
        previous, previous_written = answer, written
    strength = _weakest(strengths)
    note = f" ({plan.note})" if plan.note else ""
    return replace(
        base,
        verdict="follows",
        strength=strength,
        detail=f"Follows from {plan.basis.label()} by {plan.how} ({strength}){note}.",
        follows_from=plan.basis.index,
    )


def _apply(plan: _Plan, definitions: Mapping[sympy.Basic, _Value]) -> tuple[sympy.Basic, sympy.Basic]:
    """(what the operation gives, with every definition replaced; the expression it was applied to)."""
    assert plan.basis is not None
    if plan.operation == "rewrite":
        value = _expand(plan.basis.expr, definitions)
        return value, value
    if plan.operation == "differentiate":
        assert plan.variable is not None
        function = _expand(plan.basis.expr, definitions, keep={plan.variable})
        return _expand(sympy.diff(function, plan.variable), definitions), function
    if plan.operation == "substitute":
        keep = {symbol for symbol, _ in plan.replacements}
        function = _expand(plan.basis.expr, definitions, keep=keep)
        replacements = {symbol: _expand(value, definitions) for symbol, value in plan.replacements}
        return _expand(function.xreplace(replacements), definitions), function
    assert plan.operation == "limit" and plan.variable is not None and plan.point is not None
    function = _expand(plan.basis.expr, definitions, keep={plan.variable})
    return _expand(_limit(function, plan.variable, plan.point), definitions), function


@lru_cache(maxsize=256)
def _limit(function: sympy.Basic, variable: sympy.Symbol, point: sympy.Basic) -> sympy.Basic:
    """SymPy's limit, kept: it can take a second, and a screen asks for a line's mark again."""
    return sympy.limit(function, variable, point)


def _chain_factors(plan: _Plan, definitions: Mapping[sympy.Basic, _Value]) -> list[tuple[str, sympy.Basic]]:
    """For a differentiation: each defined name the differentiated line was written with, and its
    derivative (a line that stopped at dL/ds forgot the factor ds/dz)."""
    if plan.operation != "differentiate" or plan.basis is None or plan.variable is None:
        return []
    factors = []
    for symbol in sorted(plan.basis.expr.free_symbols & definitions.keys(), key=str):
        with contextlib.suppress(*_GAVE_UP):
            factor = sympy.diff(_expand(symbol, definitions), plan.variable)
            if factor != 0:
                factors.append((str(symbol), factor))
    return factors


def _term_value(
    plan: _Plan, definitions: Mapping[sympy.Basic, _Value]
) -> Callable[[sympy.Basic], sympy.Basic]:
    """What the plan's operation makes of one term of the expression it applies to."""
    if plan.operation != "substitute":
        return lambda term: _expand(term, definitions)
    keep = {symbol for symbol, _ in plan.replacements}
    replacements = {symbol: _expand(value, definitions) for symbol, value in plan.replacements}
    return lambda term: _expand(_expand(term, definitions, keep=keep).xreplace(replacements), definitions)


def _expand(
    expr: sympy.Basic,
    definitions: Mapping[sympy.Basic, _Value],
    keep: set[sympy.Basic] | frozenset[sympy.Basic] = frozenset(),
) -> sympy.Basic:
    """``expr`` with every defined name (but those in ``keep``) replaced until none is left."""
    replacements = {symbol: value.expr for symbol, value in definitions.items() if symbol not in keep}
    if not replacements:
        return expr
    for _ in range(len(replacements) + 1):
        if not (expr.free_symbols & replacements.keys()):
            return expr
        expr = expr.xreplace(replacements)
    raise _Invalid("the definitions refer to each other in a circle", 0, 1)


def _reworded(verdict: Verdict, what: str) -> str:
    """The grader's 'yours is 3 but the expected answer is 2', said of a line and its operation."""
    detail = verdict.detail.removeprefix("Not equal to the expected answer: ")
    detail = detail.replace("yours is", "this line is").replace("the expected answer is", f"{what} is")
    return detail


def _weakest(strengths: list[str]) -> str:
    """The strength a whole line can claim: 'proved equal' only when every link is proved."""
    unproved = [strength for strength in strengths if strength != "proved equal"]
    return unproved[0] if unproved else "proved equal"


def _is_matrix(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.MatrixBase | sympy.MatrixExpr)
