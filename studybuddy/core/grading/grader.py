"""grade(): typed answer and expected answer in, verdict out (pure; the service runs it in a worker).

``grade_terms`` and ``answer_preview`` take an exercise's (or a comparison's) GradingTerms: every grade
and every live preview of an answer goes through them, and both read the answer the same way.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache

import sympy
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_use_unicode
from sympy.printing.pretty.stringpict import prettyForm

from studybuddy.core.grading.diagnosis import diagnose
from studybuddy.core.grading.equivalence import ProofGuard, equivalent_exprs
from studybuddy.core.grading.shapes import shape_of, shape_verdict
from studybuddy.core.grading.terms import GradingTerms
from studybuddy.core.grading.verdict import ListedMistake, Verdict, invalid
from studybuddy.core.mathexpr import ExprError, SymbolTable, Variable, parse_expression
from studybuddy.core.mathexpr.api import numpy_shape

_NO_DEFINITIONS: Mapping[str, str] = {}
UNREADABLE_EXPECTED = "the expected answer is unreadable: "


def grade_terms(
    answer: str, terms: GradingTerms, *, seed: int = 0, proof_guard: ProofGuard = contextlib.nullcontext
) -> Verdict:
    """Grade ``answer`` against ``terms``: the one call behind every grade of an exercise (the app's,
    through the grading worker, and the lesson checker's). Never raises for bad input."""
    started = time.perf_counter()
    try:
        table = terms.symbol_table()
    except ExprError as error:  # an unusable declared name: nothing can be read with it
        return invalid(error).with_ms((time.perf_counter() - started) * 1000)
    if terms.kind != "answer":  # a number, a shape or a choice (kinds.py)
        from studybuddy.core.grading.kinds import grade_kind

        verdict = grade_kind(answer, terms, table, _reader(table, terms), seed)
        return verdict.with_ms((time.perf_counter() - started) * 1000)
    return grade(
        answer,
        terms.expected,
        table,
        definitions=dict(terms.definitions),
        mistakes=terms.mistakes,
        seed=seed,
        functions=terms.functions,
        answer_variables=terms.answer_variables,
        proof_guard=proof_guard,
    )


def answer_preview(text: str, terms: GradingTerms) -> dict[str, object]:
    """What an answer box shows under the answer: ``pretty`` (unicode, as typed), or the ExprError's
    ``message``, ``pointer`` (the text with carets under the error), ``start`` and ``end``.

    The answer is read exactly as ``grade_terms`` reads it, definitions and all, so the preview calls
    an answer unreadable exactly when the grade would (a name outside the exercise's variables too).
    """
    if not text.strip():
        return {"pretty": None}
    try:
        table = terms.symbol_table()
        if terms.kind != "answer":
            from studybuddy.core.grading.kinds import preview_kind

            return {"pretty": preview_kind(text, terms, _reader(table, terms))}
        key = _key(table, dict(terms.definitions), terms.functions)
        allowed = _allowed(terms.answer_variables)
        try:
            prepared(terms.expected, *key)  # as grade() reads it first
        except ExprError as error:
            return _preview_error(error, prefix=UNREADABLE_EXPECTED)
        read_answer(text, key, allowed)  # the grade's own reading of the answer: the same errors
        as_typed = typed_form(text, table.variables, key[2], allowed)  # before definitions replace names
    except ExprError as error:
        return _preview_error(error)
    return {"pretty": pretty_as_typed(as_typed, text)}


def typed_form(
    text: str, variables: tuple[Variable, ...], functions: tuple[str, ...], allowed: tuple[str, ...] | None
) -> sympy.Basic:
    """The answer as the learner wrote it, for the preview only: parsed with SymPy's evaluation off, so
    ``3g1-(g1+g2+g3)`` shows as typed, not folded into ``2g1-g2-g3`` (never used to grade)."""
    readable = _table(variables if allowed is None else tuple(v for v in variables if v.name in allowed))
    return parse_expression(text, readable, functions=functions, evaluate=False)


def pretty_as_typed(expr: sympy.Basic, typed: str) -> str:
    """``expr`` (a ``typed_form`` of the text ``typed``) pretty-printed in the order it was written, a
    decimal as typed (``0.25``, not SymPy's fifteen digits ``0.250000000000000``)."""
    with sympy.evaluate(False):  # naming the entries of vectors must not fold the sum back
        shown = shown_entries(expr)
    settings = {"use_unicode": True, "wrap_line": False, "order": "none", "full_prec": False}
    printer = _AsTypedPrinter(settings, typed)
    previous = pretty_use_unicode(True)  # as sympy.pretty does
    try:
        return str(printer.doprint(shown))
    finally:
        pretty_use_unicode(previous)


class _AsTypedPrinter(PrettyPrinter):
    """SymPy's pretty printer, with NumPy's names where SymPy prints its own class: ``diag(g)`` as
    typed, not ``DiagMatrix(g)``, and ``max(a, b)``, not ``Max(a, b)``; and a sum of matrices in the
    order its terms were typed, with a minus sign where one is subtracted (``P - Y``, where SymPy
    shows ``-Y + P``).

    A sum of matrices is built evaluated even in the preview (its shapes must be worked out), so
    SymPy has put its terms in its own order; each term goes back to where its first name stands in
    the typed text."""

    def __init__(self, settings: dict[str, object], typed: str) -> None:
        super().__init__(settings)
        self._typed = typed

    def _typed_at(self, term: sympy.Basic) -> int:
        """Where the first of the term's names stands in the typed text (the end: none found)."""
        first = len(self._typed)
        for atom in term.free_symbols:
            name = re.escape(str(getattr(atom, "name", "")))
            found = re.search(rf"(?<![A-Za-z0-9_]){name}(?![A-Za-z0-9_])", self._typed) if name else None
            if found is not None:
                first = min(first, found.start())
        return first

    def _print_Max(self, expr: sympy.Basic) -> prettyForm:
        return self._print_Function(expr, func_name="max")  # as typed (and as NumPy and Python name it)

    def _print_Min(self, expr: sympy.Basic) -> prettyForm:
        return self._print_Function(expr, func_name="min")

    def _print_MatAdd(self, expr: sympy.Basic) -> prettyForm:
        terms = sorted(expr.args, key=self._typed_at)
        shown: prettyForm | None = None
        for term in terms:
            negative = sympy.S(term.as_coeff_mmul()[0]).could_extract_minus_sign()
            form = self._print(-term if negative and shown is not None else term)
            if shown is None:
                shown = form
            else:
                shown = prettyForm(*prettyForm(*shown.right(" - " if negative else " + ")).right(form))
        assert shown is not None
        return shown

    def _print_DiagMatrix(self, expr: sympy.Basic) -> prettyForm:
        inner = self._print(expr.args[0])
        return prettyForm(*prettyForm(*inner.parens()).left("diag"))


def expected_shape(terms: GradingTerms) -> str | None:
    """The shape the expected answer of an ``answer`` exercise has: 'a 2-vector' (NumPy's 1-D), else
    as the shape feedback says it ('2x3', '1x2 (a row)'); None for a number, or an expected answer
    that cannot be read (lessons check names that)."""
    from studybuddy.core.grading.shapes import describe

    if terms.kind != "answer":
        return None
    try:
        key = _key(terms.symbol_table(), dict(terms.definitions), terms.functions)
        expected = prepared(terms.expected, *key)
    except ExprError:
        return None
    shape = shape_of(expected)
    if shape == (1, 1):
        return None
    try:  # a 1-D vector, as NumPy holds the declared vectors, is no 3x1 column there
        flat = len(numpy_shape(terms.expected, terms.symbol_table())) == 1
    except ExprError:  # a name only the definitions give: the shape as SymPy holds it
        flat = False
    return f"a {shape[0]}-vector" if flat else describe(shape)


def shown_entries(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` for display, each entry of a declared vector or matrix named as the learner writes it:
    g[1, 0] shows as g₂ and W[0, 1] as W₁₂ (counting from 1, as ``g_2`` and ``W_1_2`` are typed)."""
    from sympy.matrices.expressions.matexpr import MatrixElement

    elements = expr.atoms(MatrixElement)
    if not elements:
        return expr
    names: dict[sympy.Basic, sympy.Basic] = {}
    for element in elements:
        parent, row, col = element.args
        if not isinstance(parent, sympy.MatrixSymbol):
            continue
        rows, cols = parent.shape
        if cols == 1 or rows == 1:
            label = f"{parent.name}_{int(row if cols == 1 else col) + 1}"
        elif rows < 10 and cols < 10:
            label = f"{parent.name}_{int(row) + 1}{int(col) + 1}"
        else:
            label = f"{parent.name}_{int(row) + 1},{int(col) + 1}"
        names[element] = sympy.Symbol(label)
    return expr.xreplace(names)


def _reader(table: SymbolTable, terms: GradingTerms) -> Callable[[str, tuple[str, ...] | None], sympy.Basic]:
    """How the number, shape and choice kinds read a text: as ``grade`` reads an answer (with only the
    ``allowed`` names; None: every name) or the expected one, definitions (a variant's values) in."""
    key = _key(table, dict(terms.definitions), terms.functions)

    def read(text: str, allowed: tuple[str, ...] | None) -> sympy.Basic:
        if allowed is None:
            return prepared(text, *key)
        return read_answer(text, key, _allowed(allowed))

    return read


def _preview_error(error: ExprError, prefix: str = "") -> dict[str, object]:
    return {
        "pretty": None,
        "message": f"{prefix}{error}",
        "pointer": error.pointer(),
        "start": error.start,
        "end": error.end,
    }


def _key(
    table: SymbolTable, definitions: Mapping[str, str], functions: Collection[str]
) -> tuple[tuple[Variable, ...], tuple[tuple[str, str], ...], tuple[str, ...]]:
    """What ``prepared`` caches a reading by, besides the text and the allowed names."""
    return table.variables, tuple(sorted(definitions.items())), tuple(sorted(functions))


def _allowed(answer_variables: Collection[str] | None) -> tuple[str, ...] | None:
    return None if answer_variables is None else tuple(sorted(set(answer_variables)))


def grade(
    answer: str,
    expected: str,
    table: SymbolTable,
    *,
    definitions: Mapping[str, str] = _NO_DEFINITIONS,
    mistakes: Sequence[ListedMistake] = (),
    seed: int = 0,
    functions: Collection[str] = (),
    answer_variables: Collection[str] | None = None,
    proof_guard: ProofGuard = contextlib.nullcontext,
) -> Verdict:
    """Grade ``answer`` against ``expected``; every name in ``definitions`` is replaced in both first.

    ``answer_variables`` limits the names the answer may use (an exercise's ``variables``): any other
    name is an "unknown name ... did you mean" error, while ``expected``, the mistakes and the
    definitions still read with the whole ``table``. ``functions`` names undefined functions (``f`` in
    ``f(x)``, SymPy-style input only). Never raises for bad input: an unreadable answer is an
    ``invalid`` verdict carrying the ExprError.
    """
    started = time.perf_counter()
    key = _key(table, definitions, functions)
    allowed = _allowed(answer_variables)
    verdict = _grade(answer, expected, table, key, allowed, mistakes, seed, proof_guard)
    return verdict.with_ms((time.perf_counter() - started) * 1000)


def _grade(
    answer: str,
    expected: str,
    table: SymbolTable,
    key: tuple[tuple[Variable, ...], tuple[tuple[str, str], ...], tuple[str, ...]],
    allowed: tuple[str, ...] | None,
    mistakes: Sequence[ListedMistake],
    seed: int,
    proof_guard: ProofGuard,
) -> Verdict:
    try:
        expected_expr = prepared(expected, *key)
    except ExprError as error:
        return invalid(error, prefix=UNREADABLE_EXPECTED)
    try:
        answer_expr = read_answer(answer, key, allowed)
    except ExprError as error:
        return invalid(error)
    if shape_of(answer_expr) != shape_of(expected_expr):  # said at once, never counted (shapes.py)

        def same(left: sympy.Basic, right: sympy.Basic) -> bool:
            return equivalent_exprs(left, right, table, seed=seed).kind == "equivalent"

        verdict = shape_verdict(answer_expr, expected_expr, _listed(mistakes, key), same, answer)
        assert verdict is not None
        return verdict
    verdict = equivalent_exprs(answer_expr, expected_expr, table, seed=seed, proof_guard=proof_guard)
    if verdict.kind != "different":
        return verdict
    listed = _listed(mistakes, key)
    if _is_matrix(answer_expr) or _is_matrix(expected_expr):
        from studybuddy.core.grading.matrices import diagnose_matrices

        diagnosis = diagnose_matrices(answer_expr, expected_expr, table, mistakes=listed, seed=seed)
    else:
        diagnosis = diagnose(answer_expr, expected_expr, table, mistakes=listed, seed=seed)
    if diagnosis is None:
        return verdict
    return Verdict("different", verdict.strength, diagnosis.message, verdict.counterexample, diagnosis)


def _listed(
    mistakes: Sequence[ListedMistake],
    key: tuple[tuple[Variable, ...], tuple[tuple[str, str], ...], tuple[str, ...]],
) -> list[tuple[sympy.Basic, str]]:
    listed = []
    for mistake in mistakes:
        try:
            listed.append((prepared(mistake.answer, *key), mistake.feedback))
        except ExprError:
            listed.append((sympy.nan, mistake.feedback))  # an unreadable listed mistake matches nothing
    return listed


# One of each path (proofs, every diagnosis, high-precision confirmation, the listed-mistake check).
_WARM_UP = (
    ("2 x (1 - x)", "2x - 2x^2"),
    ("-x(1 - x)", "x - x^2"),
    ("x^2", "2x^2"),
    ("exp(-x)", "exp(-x)/(1 + exp(-x))^2"),
    ("x^2 + 1", "x^2"),
    ("1 - tanh(x)^2", "1/cosh(x)^2"),
    ("log(x^2)", "2 log(Abs(x))"),
)


_WARM_UP_MATRICES = (("(A + A^T) v", "A v + A^T v"), ("x A^T v", "2 x (v^T A)^T"))


def warm_up() -> None:
    """Grade a few answers down every path, and preview one, so that lazy imports and SymPy's first-use
    set-up (the pretty printer's too) are paid for before a learner's first answer or keystroke (the
    grading worker calls this before it reports ready)."""
    table = SymbolTable.of({"x": "real"})
    for answer, expected in _WARM_UP:
        grade(answer, expected, table, mistakes=[ListedMistake("2x", "a listed mistake")])
    # Matrix answers are written out entry by entry (entries.py): SymPy loads more on their first sums.
    matrices = SymbolTable([Variable("A", shape=(2, 2)), Variable("v", shape=(2,)), Variable("x")])
    for answer, expected in _WARM_UP_MATRICES:
        grade(answer, expected, matrices)
    answer_preview("exp(-x)/(1 + exp(-x))^2", GradingTerms("x", (("x", "real", None),)))


@lru_cache(maxsize=512)
def prepared(
    text: str,
    variables: tuple[Variable, ...],
    definitions: tuple[tuple[str, str], ...],
    functions: tuple[str, ...] = (),
    allowed: tuple[str, ...] | None = None,
) -> sympy.Basic:
    """``text`` parsed, with every defined name replaced by its definition (cached: questions repeat).

    ``allowed``: the only variable names ``text`` may use (None: all of ``variables``).
    """
    table = _table(variables)
    readable = table if allowed is None else _table(tuple(v for v in variables if v.name in allowed))
    expr = parse_expression(text, readable, functions=functions)
    return substitute_definitions(expr, table, definitions) if definitions else expr


def read_answer(
    text: str,
    key: tuple[tuple[Variable, ...], tuple[tuple[str, str], ...], tuple[str, ...]],
    allowed: tuple[str, ...] | None,
) -> sympy.Basic:
    """A learner's answer as ``prepared`` reads it with only the ``allowed`` names; a name the lesson
    declares but this exercise does not allow is an unknown name that says which names to use."""
    try:
        return prepared(text, *key, allowed)
    except ExprError as error:
        typed = error.text[error.start : error.end]
        if not allowed or error.suggestion or not error.message.startswith("unknown name"):
            raise
        if _table(key[0]).resolve(typed) is None:
            raise
        raise ExprError(
            f"unknown name {typed!r} (this exercise asks for the answer in {', '.join(allowed)})",
            error.text,
            error.start,
            error.end,
        ) from None


@lru_cache(maxsize=64)
def _table(variables: tuple[Variable, ...]) -> SymbolTable:
    return SymbolTable(variables)


@lru_cache(maxsize=64)
def _definition_map(
    variables: tuple[Variable, ...], definitions: tuple[tuple[str, str], ...]
) -> dict[sympy.Basic, sympy.Basic]:
    table = _table(variables)
    replacements: dict[sympy.Basic, sympy.Basic] = {}
    for name, text in definitions:
        try:
            symbol = table.symbol(name)
        except KeyError:
            raise ExprError(
                f"the definition of {name!r} names no declared variable", name, 0, len(name)
            ) from None
        try:
            replacements[symbol] = parse_expression(text, table)
        except ExprError as error:
            raise ExprError(
                f"in the definition of {name}: {error.message}",
                error.text,
                error.start,
                error.end,
                error.suggestion,
            ) from None
    return replacements


def substitute_definitions(
    expr: sympy.Basic, table: SymbolTable, definitions: tuple[tuple[str, str], ...]
) -> sympy.Basic:
    """Replace defined names until none is left (definitions may use each other, but not in a circle)."""
    replacements = _definition_map(table.variables, definitions)
    for _ in range(len(replacements) + 1):
        if not (expr.free_symbols & replacements.keys()):
            return expr
        expr = expr.xreplace(replacements)
    raise ExprError(
        "the definitions refer to each other in a circle: " + ", ".join(name for name, _ in definitions)
    )


def _is_matrix(expr: sympy.Basic) -> bool:
    from studybuddy.core.grading.entries import is_matrix_valued

    return is_matrix_valued(expr)
