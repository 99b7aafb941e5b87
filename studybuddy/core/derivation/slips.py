"""Why a derivation line is wrong: the grader's diagnosis, plus what only a step can tell.

``diagnose_line`` explains a line relative to what its operation should have given. It asks, in order:
a lesson's listed mistake for that step; for a differentiation, which one misapplied rule at one place
of the line above gives exactly this line (``derivative_slips``: a missing chain-rule factor, the
product or quotient rule done wrong, the power rule on an exponential, a dropped or sign-flipped term);
then core.grading.diagnosis (sign, constant factor, missing factor); then a term of the expected value
that was dropped or has its sign flipped. Every explanation is confirmed by the grader's own
equivalence test before it is named, so a diagnosis never names a mistake the line does not make.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from studybuddy.core.derivation.marks import DiagnosisKind
from studybuddy.core.grading import sampling
from studybuddy.core.grading.diagnosis import diagnose
from studybuddy.core.grading.equivalence import MIN_POINTS, equivalent_exprs, values_at
from studybuddy.core.grading.evaluation import numeric_form
from studybuddy.core.grading.proof import ProofGuard
from studybuddy.core.mathexpr import Domain, SymbolTable

MAX_SLIP_NODES = 40  # sub-expressions of the line above where a slip is tried
MAX_TERMS = 24  # terms of the expected value tried as dropped or sign-flipped
EXPAND_MAX_OPS = 60  # the expected value is expanded (for its terms) only when it is this small
RTOL = 1e-8

_CHAIN: DiagnosisKind = "missing-chain-factor"
_RULE: DiagnosisKind = "wrong-derivative-rule"


@dataclass(frozen=True)
class Slip:
    """The derivative of a whole line with one rule misapplied at one place."""

    kind: DiagnosisKind
    message: str
    result: sympy.Basic


@dataclass(frozen=True)
class Explanation:
    kind: DiagnosisKind
    message: str


def diagnose_line(
    answer: sympy.Basic,
    expected: sympy.Basic,
    table: SymbolTable,
    *,
    what: str,
    differentiated: tuple[sympy.Basic, sympy.Symbol] | None = None,
    listed: Sequence[tuple[sympy.Basic, sympy.Basic, str]] = (),
    rewritten: sympy.Basic | None = None,
    expand: Callable[[sympy.Basic], sympy.Basic] = lambda expr: expr,
    proof_guard: ProofGuard = contextlib.nullcontext,
) -> Explanation:
    """Why ``answer`` is not ``expected`` (what the step should give; ``what`` names it for a person).

    ``differentiated``: (the expression differentiated, the variable) when the step is a
    differentiation. ``listed``: a lesson's (step value, mistake, feedback): a mistake applies when the
    step value equals ``expected``. ``rewritten``: the expression rewritten, as written (its terms are
    named as the learner wrote them), and ``expand`` what replaces its defined names.
    """

    def same(left: sympy.Basic, right: sympy.Basic) -> bool:
        verdict = equivalent_exprs(left, right, table, proof_guard=proof_guard)
        return verdict.kind == "equivalent"

    if _is_matrix(answer) or _is_matrix(expected):
        return _generic(answer, expected, table, what, listed, same) or Explanation("other", "")
    for step_value, mistake, feedback in listed:
        if _close(answer, mistake, table) and same(step_value, expected) and same(answer, mistake):
            return Explanation("listed-mistake", feedback)
    slips = derivative_slips(*differentiated) if differentiated is not None else []
    # A misapplied rule first (a forgotten inner -1 also makes the whole line "the negative"), then
    # the grader's whole-line diagnosis, then a slip in one term (which is less telling than both).
    for slip in slips:
        if slip.kind not in _TERM_KINDS and _close(answer, slip.result, table) and same(answer, slip.result):
            return Explanation(slip.kind, slip.message)
    found = _generic(answer, expected, table, what, (), same)
    if found is not None and found.kind != "other":
        return found
    for slip in slips:
        if slip.kind in _TERM_KINDS and _close(answer, slip.result, table) and same(answer, slip.result):
            return Explanation(slip.kind, slip.message)
    sources = [expected]
    if rewritten is not None:
        sources.insert(0, rewritten)
    if differentiated is not None:
        sources.append(_natural_derivative(*differentiated))
    term = _term_slip(answer, expected, _terms(sources), expand, table, same)
    return term or found or Explanation("other", "")


# --- the grader's diagnosis, in a step's words -------------------------------------------------------


def _generic(
    answer: sympy.Basic,
    expected: sympy.Basic,
    table: SymbolTable,
    what: str,
    listed: Sequence[tuple[sympy.Basic, sympy.Basic, str]],
    same: Callable[[sympy.Basic, sympy.Basic], bool],
) -> Explanation | None:
    if _is_matrix(answer) or _is_matrix(expected):
        from studybuddy.core.grading.matrices import diagnose_matrices

        found = diagnose_matrices(answer, expected, table, mistakes=[])
    else:
        found = diagnose(answer, expected, table)
    if found is None:
        return None
    message = _in_a_steps_words(found.message, what)
    if found.code == "sign":
        return Explanation("sign", f"Sign error: this line is the negative of {what}.")
    if found.code == "factor":
        return Explanation("constant-factor", message)
    if found.code == "missing-factor" and "chain-rule factor" in found.message:
        return Explanation(_CHAIN, message)
    return Explanation("other", message)


def _in_a_steps_words(message: str, what: str) -> str:
    """The grader speaks of 'your answer' and 'the expected answer'; a line is not an answer."""
    for old, new in (
        ("your answer", "this line"),
        ("Your answer", "This line"),
        ("the expected answer", what),
        ("the expected one", what),
    ):
        message = message.replace(old, new)
    return message


# --- dropped or sign-flipped terms -------------------------------------------------------------------------


def _term_slip(
    answer: sympy.Basic,
    expected: sympy.Basic,
    terms: Sequence[sympy.Basic],
    expand: Callable[[sympy.Basic], sympy.Basic],
    table: SymbolTable,
    same: Callable[[sympy.Basic, sympy.Basic], bool],
) -> Explanation | None:
    gap = _values(expected - answer, table)
    if gap is None:
        return None
    for shown in terms:
        term = expand(shown)
        values = _values(term, table)
        if values is None:
            continue
        with np.errstate(all="ignore"):
            doubled = 2 * values
        if _agree(gap, values) and same(answer, expected - term):
            return Explanation("dropped-term", f"This line drops the term {_show(shown)}.")
        if _agree(gap, doubled) and same(answer, expected - 2 * term):
            return Explanation("sign", f"The term {_show(shown)} has the wrong sign in this line.")
    return None


def _terms(sources: Sequence[sympy.Basic]) -> list[sympy.Basic]:
    seen: dict[sympy.Basic, None] = {}
    for source in sources:
        forms = [source]
        if sympy.count_ops(source) <= EXPAND_MAX_OPS:
            with contextlib.suppress(*_GAVE_UP):
                forms.append(sympy.expand(source))
        for form in forms:
            for term in sympy.Add.make_args(form):
                if term != 0:
                    seen.setdefault(term, None)
                if len(seen) >= MAX_TERMS:
                    return list(seen)
    return list(seen)


def _natural_derivative(function: sympy.Basic, variable: sympy.Symbol) -> sympy.Basic:
    """The derivative in the form a person gets by hand: logs of products split into sums of logs
    first (-log(exp(z1)/S) -> -z1 + log(S) -> -1 + exp(z1)/S). Only for naming a term: the term is
    then confirmed against the true derivative."""
    try:
        return sympy.diff(sympy.expand_log(function, force=True), variable)
    except _GAVE_UP:
        return function


# --- misapplied rules ---------------------------------------------------------------------------------------


def derivative_slips(function: sympy.Basic, variable: sympy.Symbol) -> list[Slip]:
    """The derivative of ``function`` with one rule misapplied at one sub-expression, for each
    sub-expression and each common slip there.

    A slip at sub-expression N changes the derivative of the whole by c * (D - dN), where dN is N's
    true derivative, D the slipped one and c the derivative of the whole with respect to N (N treated
    as a variable): the chain rule is linear in each node's derivative.
    """
    try:
        whole = sympy.diff(function, variable)
    except _GAVE_UP:
        return []
    slips: list[Slip] = []
    dummy = sympy.Dummy("node")
    for node in _nodes(function, variable):
        try:
            if node == function:
                weight: sympy.Basic = sympy.S.One
            else:
                weight = sympy.diff(function.xreplace({node: dummy}), dummy).xreplace({dummy: node})
            if weight == 0:
                continue
            true = sympy.diff(node, variable)
            for kind, message, slipped in _local_slips(node, variable):
                slips.append(Slip(kind, message, whole + weight * (slipped - true)))
        except _GAVE_UP:
            continue
    return slips


_TERM_KINDS = ("dropped-term", "sign")  # slips in one term: less telling than a rule or a whole-line sign


def _nodes(function: sympy.Basic, variable: sympy.Symbol) -> Iterator[sympy.Basic]:
    seen: set[sympy.Basic] = set()
    for node in sympy.preorder_traversal(function):
        if node.is_Atom or variable not in node.free_symbols or node in seen:
            continue
        seen.add(node)
        yield node
        if len(seen) >= MAX_SLIP_NODES:
            return


def _local_slips(node: sympy.Basic, x: sympy.Symbol) -> Iterator[tuple[DiagnosisKind, str, sympy.Basic]]:
    """(kind, message, the slipped derivative of ``node``) for the common slips at ``node``."""
    if isinstance(node, sympy.Add):
        yield from _sum_slips(node, x)
    elif isinstance(node, sympy.Mul):
        yield from _product_slips(node, x)
    elif isinstance(node, sympy.Pow):
        yield from _power_slips(node, x)
    elif isinstance(node, sympy.exp):
        yield from _exp_slips(node, x)
    elif isinstance(node, sympy.Function) and len(node.args) == 1:
        yield from _function_slips(node, x)


def _sum_slips(node: sympy.Add, x: sympy.Symbol) -> Iterator[tuple[DiagnosisKind, str, sympy.Basic]]:
    true = sympy.diff(node, x)
    for term in node.args:
        derivative = sympy.diff(term, x)
        if derivative == 0:
            continue
        yield "dropped-term", f"This line drops the derivative of the term {_show(term)}.", true - derivative
        yield "sign", f"The derivative of the term {_show(term)} has the wrong sign.", true - 2 * derivative


def _product_slips(node: sympy.Mul, x: sympy.Symbol) -> Iterator[tuple[DiagnosisKind, str, sympy.Basic]]:
    factors = [factor for factor in node.args if x in factor.free_symbols]
    if len(factors) < 2:
        return
    constant = sympy.Mul(*(factor for factor in node.args if x not in factor.free_symbols))
    numerator = [f for f in factors if not _is_reciprocal(f)]
    denominator = [1 / f for f in factors if _is_reciprocal(f)]
    if numerator and denominator:
        u, v = sympy.Mul(*numerator), sympy.Mul(*denominator)
        du, dv = sympy.diff(u, x), sympy.diff(v, x)
        rule = f"the quotient rule: (u/v)' = (u'v - uv')/v^2 with u = {_show(u)}, v = {_show(v)}"
        yield (
            _RULE,
            f"Wrong derivative rule: {rule}; this line adds the two terms.",
            constant * (du * v + u * dv) / v**2,
        )
        yield (
            _RULE,
            f"Wrong derivative rule: {rule}; this line does not square v.",
            constant * (du * v - u * dv) / v,
        )
        if dv != 0:
            yield _RULE, f"Wrong derivative rule: {rule}, not u'/v'.", constant * du / dv
        yield _RULE, f"Wrong derivative rule: {rule}; this line differentiates only u.", constant * du / v
        return
    rule = "the product rule: (uv)' = u'v + uv'"
    product = sympy.Mul(*(sympy.diff(f, x) for f in factors))
    yield _RULE, f"Wrong derivative rule: {rule}, not u'v'.", constant * product
    for index, factor in enumerate(factors):
        others = sympy.Mul(*(f for j, f in enumerate(factors) if j != index))
        yield (
            _RULE,
            f"Wrong derivative rule: {rule}; this line differentiates only the factor {_show(factor)}.",
            constant * sympy.diff(factor, x) * others,
        )


def _power_slips(node: sympy.Pow, x: sympy.Symbol) -> Iterator[tuple[DiagnosisKind, str, sympy.Basic]]:
    base, exponent = node.args
    base_varies, exponent_varies = x in base.free_symbols, x in exponent.free_symbols
    if base_varies and not exponent_varies:
        inner = sympy.diff(base, x)
        if inner not in (0, 1):
            yield _CHAIN, _chain_message(inner, base), exponent * base ** (exponent - 1)
        yield (
            _RULE,
            f"Wrong derivative rule: the power rule lowers the exponent by one, "
            f"(u^n)' = n u^(n-1) u' with u = {_show(base)}, n = {_show(exponent)}.",
            exponent * base**exponent * inner,
        )
        if exponent != -1:
            yield (
                "constant-factor",
                f"The power rule brings the exponent {_show(exponent)} down as a factor; this line does not.",
                base ** (exponent - 1) * inner,
            )
    elif exponent_varies and not base_varies:
        inner = sympy.diff(exponent, x)
        if inner not in (0, 1):
            yield _CHAIN, _chain_message(inner, exponent), node * sympy.log(base)
        yield (
            _RULE,
            f"Wrong derivative rule: {_show(node)} is an exponential, (a^u)' = a^u ln(a) u', "
            "not the power rule.",
            exponent * base ** (exponent - 1) * inner,
        )
        yield (
            _RULE,
            f"Wrong derivative rule: (a^u)' = a^u ln(a) u'; this line has no factor ln({_show(base)}).",
            node * inner,
        )


def _exp_slips(node: sympy.exp, x: sympy.Symbol) -> Iterator[tuple[DiagnosisKind, str, sympy.Basic]]:
    (argument,) = node.args
    inner = sympy.diff(argument, x)
    if inner not in (0, 1):
        yield _CHAIN, _chain_message(inner, argument), node
    yield (
        _RULE,
        "Wrong derivative rule: exp(u)' = exp(u) u'; the power rule does not apply to an exponential.",
        argument * sympy.exp(argument - 1) * inner,
    )


# f(u) -> (kind, message, f' as a function of u) for slips beyond a missing chain-rule factor
_WRONG_OUTER: dict[type, tuple[DiagnosisKind, str, Callable[[sympy.Basic], sympy.Basic]]] = {
    sympy.sin: ("sign", "Sign error: sin(u)' = cos(u) u', with a plus sign.", lambda u: -sympy.cos(u)),
    sympy.cos: ("sign", "Sign error: cos(u)' = -sin(u) u'.", sympy.sin),
    sympy.cosh: ("sign", "Sign error: cosh(u)' = +sinh(u) u' (unlike cos).", lambda u: -sympy.sinh(u)),
    sympy.tanh: (
        _RULE,
        "Wrong derivative rule: tanh(u)' = (1 - tanh(u)^2) u'.",
        lambda u: 1 + sympy.tanh(u) ** 2,
    ),
}


def _function_slips(node: sympy.Basic, x: sympy.Symbol) -> Iterator[tuple[DiagnosisKind, str, sympy.Basic]]:
    (argument,) = node.args
    inner = sympy.diff(argument, x)
    dummy = sympy.Dummy("u")
    outer = sympy.diff(node.func(dummy), dummy).xreplace({dummy: argument})
    if inner not in (0, 1):
        yield _CHAIN, _chain_message(inner, argument), outer
    wrong = _WRONG_OUTER.get(node.func)
    if wrong is not None:
        kind, message, derivative = wrong
        yield kind, message, derivative(argument) * inner
    if node.func is sympy.tanh:
        yield (
            _RULE,
            "Wrong derivative rule: tanh(u)' = (1 - tanh(u)^2) u', with the square.",
            (1 - node) * inner,
        )


def _chain_message(inner: sympy.Basic, argument: sympy.Basic) -> str:
    inside = _show(argument)
    return f"Missing the chain-rule factor {_show(inner)} (the derivative of the inner expression {inside})."


def _is_reciprocal(factor: sympy.Basic) -> bool:
    return isinstance(factor, sympy.Pow) and factor.exp.is_number and bool(factor.exp.is_negative)


# --- numbers ------------------------------------------------------------------------------------------------

_GAVE_UP = (TypeError, ValueError, ArithmeticError, RecursionError, NotImplementedError, AttributeError)


def _values(expr: sympy.Basic, table: SymbolTable) -> np.ndarray | None:
    """``expr`` at the grader's first batch of points (real mode; NaN where undefined)."""
    try:
        expr = numeric_form(expr)
        symbols = sorted(expr.free_symbols, key=lambda symbol: symbol.name)
        domains = tuple((symbol, _domain(symbol, table)) for symbol in symbols)
        with np.errstate(all="ignore"):
            return np.asarray(values_at(expr, domains, 0, 0, sampling.POINTS_PER_BATCH, False), dtype=complex)
    except _GAVE_UP:
        return None


def _domain(symbol: sympy.Symbol, table: SymbolTable) -> Domain:
    try:
        return table.variable_of(symbol).domain
    except KeyError:  # a symbol SymPy made: as the grader samples it
        return Domain.REAL if symbol.is_real else Domain.COMPLEX


def _agree(left: np.ndarray, right: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        both = np.isfinite(left) & np.isfinite(right)
        if int(np.count_nonzero(both)) < MIN_POINTS:
            return False
        a, b = left[both], right[both]
        return bool(np.all(np.abs(a - b) <= RTOL * np.maximum(np.abs(a), np.abs(b)) + 1e-12))


def _close(answer: sympy.Basic, candidate: sympy.Basic, table: SymbolTable) -> bool:
    """A cheap first look (float values at the first points) before the grader's full test."""
    a, b = _values(answer, table), _values(candidate, table)
    return a is not None and b is not None and _agree(a, b)


def _show(expr: sympy.Basic) -> str:
    """As a learner types it: ^ for powers."""
    return sympy.sstr(expr).replace("**", "^")


def _is_matrix(expr: sympy.Basic) -> bool:
    return isinstance(expr, sympy.MatrixBase | sympy.MatrixExpr)
