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
    node: sympy.Basic | None = None  # where the rule was misapplied


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
    terms_of: sympy.Basic | None = None,
    term_value: Callable[[sympy.Basic], sympy.Basic] = lambda expr: expr,
    chain_factors: Sequence[tuple[str, sympy.Basic]] = (),
    written: sympy.Basic | None = None,
    expand: Callable[[sympy.Basic], sympy.Basic] = lambda expr: expr,
    proof_guard: ProofGuard = contextlib.nullcontext,
) -> Explanation:
    """Why ``answer`` is not ``expected`` (what the step should give; ``what`` names it for a person).

    ``differentiated``: (the expression differentiated, the variable) when the step is a
    differentiation. ``listed``: a lesson's (step value, mistake, feedback): a mistake applies when the
    step value equals ``expected``. ``terms_of``: the expression the operation was applied to, as
    written, whose terms may have been dropped (named as the learner wrote them); ``term_value`` is
    what the operation makes of one of its terms (definitions replaced, a substitution made).
    ``chain_factors``: (a defined name, its derivative) for the names the differentiated expression
    was written with: a line that is the derivative with respect to that name stopped short.
    ``written``: the line as written, whose own terms may carry a flipped sign (``expand`` replaces
    its defined names).
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
        if slip.kind in _TERM_KINDS or (
            differentiated and _hidden_constant(slip, differentiated[1], written)
        ):
            continue
        if _close(answer, slip.result, table) and same(answer, slip.result):
            return Explanation(slip.kind, slip.message)
    if differentiated is not None:
        for name, factor in chain_factors:
            product = answer * factor
            if _close(product, expected, table) and same(product, expected):
                variable = differentiated[1]
                return Explanation(
                    _CHAIN,
                    f"Missing the chain-rule factor d{name}/d{variable}: this line is the derivative with "
                    f"respect to {name}, which depends on {variable}.",
                )
    found = _generic(answer, expected, table, what, (), same)
    if (
        found is not None
        and not (answer.free_symbols or expected.free_symbols)
        and not _simple(answer, expected)
    ):
        found = None  # two numbers always differ by some factor and some constant: that explains nothing
    if found is not None and found.kind == "other" and differentiated is not None:
        found = _constant_for_the_derivative(answer, expected, differentiated[1], found, same)
    if found is not None and found.kind != "other":
        return found
    for slip in slips:
        if slip.kind in _TERM_KINDS and _close(answer, slip.result, table) and same(answer, slip.result):
            return Explanation(slip.kind, slip.message)
    candidates: list[tuple[sympy.Basic, sympy.Basic]] = []
    if terms_of is not None:
        for term in _terms([terms_of]):
            with contextlib.suppress(*_GAVE_UP):
                candidates.append((term, term_value(term)))
    sources = [expected] if differentiated is None else [expected, _natural_derivative(*differentiated)]
    candidates += [(term, term) for term in _terms(sources)]
    term = _term_slip(answer, expected, candidates, table, same) or _dropped_terms(answer, expected, same)
    if term is None and written is not None:
        term = _flipped_inside(written, expected, expand, table, same)
    return term or found or Explanation("other", "")


def _flipped_inside(
    written: sympy.Basic,
    expected: sympy.Basic,
    expand: Callable[[sympy.Basic], sympy.Basic],
    table: SymbolTable,
    same: Callable[[sympy.Basic, sympy.Basic], bool],
) -> Explanation | None:
    """A sign slip inside the line as written: s*(1 + s) where s*(1 - s) was due."""
    target = _values(expected, table)
    if target is None:
        return None
    tried = 0
    for node in sympy.preorder_traversal(written):
        if not isinstance(node, sympy.Add):
            continue
        for term in node.args:
            tried += 1
            if tried > MAX_TERMS:
                return None
            with contextlib.suppress(*_GAVE_UP):
                fixed = expand(written.xreplace({node: node - 2 * term}))
                values = _values(fixed, table)
                if values is not None and _agree(values, target) and same(fixed, expected):
                    return Explanation(
                        "sign", f"The sign of {_show(term)} in {_show(node)} is wrong in this line."
                    )
    return None


def _hidden_constant(slip: Slip, variable: sympy.Symbol, written: sympy.Basic | None) -> bool:
    """A chain-rule factor that is a number (-1 in exp(-x), 2 in cos(2x)) makes the line the derivative
    times a number: call it a missing chain-rule factor only when the line shows the inner expression
    (-exp(-x)/(1 + exp(-x))^2 forgot the -1 of -x; y - s for s - y is a plain sign error)."""
    if slip.kind != _CHAIN or slip.node is None or written is None:
        return False
    inner = next((arg for arg in slip.node.args if variable in arg.free_symbols), None)
    if inner is None:
        return False
    try:
        if not sympy.diff(inner, variable).is_number:
            return False
    except _GAVE_UP:
        return False
    return not any(node == inner for node in sympy.preorder_traversal(written))


def _simple(answer: sympy.Basic, expected: sympy.Basic) -> bool:
    """Two numbers whose ratio is a small whole number or its reciprocal (2 for 1: a factor 2)."""
    try:
        ratio = sympy.nsimplify(answer / expected)
    except (*_GAVE_UP, ZeroDivisionError):
        return False
    if not ratio.is_Rational:
        return False
    return any(abs(part) <= 10 and (part == ratio or 1 / part == ratio) for part in (ratio.p, ratio.q))


def _dropped_terms(
    answer: sympy.Basic, expected: sympy.Basic, same: Callable[[sympy.Basic, sympy.Basic], bool]
) -> Explanation | None:
    """Several terms of the expanded expected value left out at once (a grouped term of a regrouped
    sum: w3*(g1*x3 + g2*x4 + g3*x5))."""
    if sympy.count_ops(expected) > 4 * EXPAND_MAX_OPS or sympy.count_ops(answer) > 4 * EXPAND_MAX_OPS:
        return None
    try:
        full = sympy.Add.make_args(sympy.expand(expected))
        gap = sympy.expand(expected - answer)
    except _GAVE_UP:
        return None
    missing = sympy.Add.make_args(gap)
    if gap == 0 or len(missing) >= len(full) or not set(missing) <= set(full):
        return None
    if not same(answer, expected - gap):
        return None
    shown = sympy.factor_terms(gap)
    what = "term" if len(missing) == 1 else "terms"
    return Explanation("dropped-term", f"This line drops the {what} {_show(shown)}.")


def _constant_for_the_derivative(
    answer: sympy.Basic,
    expected: sympy.Basic,
    variable: sympy.Symbol,
    found: Explanation,
    same: Callable[[sympy.Basic, sympy.Basic], bool],
) -> Explanation:
    """A missing or extra factor such as 1/N is a constant factor to a derivative with respect to w:
    the ratio of the line to the derivative does not depend on w."""
    if not found.message.startswith(("This line is missing the factor", "This line has an extra factor")):
        return found
    ratio = answer / expected
    steps = ratio.atoms(
        sympy.sign, sympy.Heaviside, sympy.floor, sympy.ceiling, sympy.Abs, sympy.Max, sympy.Min
    )
    if any(variable in step.free_symbols for step in steps):
        return found  # sign(x) has derivative 0 almost everywhere, yet depends on x
    try:
        slope = sympy.diff(ratio, variable)
    except _GAVE_UP:
        return found
    if same(slope, sympy.S.Zero):
        return Explanation("constant-factor", found.message)
    return found


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
    candidates: Sequence[tuple[sympy.Basic, sympy.Basic]],
    table: SymbolTable,
    same: Callable[[sympy.Basic, sympy.Basic], bool],
) -> Explanation | None:
    """(the term as shown, its value): a term ``answer`` drops, or has with the wrong sign."""
    gap = _values(expected - answer, table)
    if gap is None:
        return None
    for shown, term in candidates:
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
    true derivative, D the slipped one and c the derivative of the whole with respect to N (N held as
    a variable): the chain rule is linear in each node's derivative. c is the product of the local
    derivatives on the path from the whole down to N, so each costs one small derivative.
    """
    try:
        whole = sympy.diff(function, variable)
    except _GAVE_UP:
        return []
    slips: list[Slip] = []
    for node, weight in _weighted_nodes(function, variable):
        try:
            true = sympy.diff(node, variable)
            for kind, message, slipped in _local_slips(node, variable):
                slips.append(Slip(kind, message, whole + weight * (slipped - true), node))
        except _GAVE_UP:
            continue
    return slips


_TERM_KINDS = ("dropped-term", "sign")  # slips in one term: less telling than a rule or a whole-line sign


def _weighted_nodes(
    function: sympy.Basic, variable: sympy.Symbol
) -> Iterator[tuple[sympy.Basic, sympy.Basic]]:
    """Each sub-expression that depends on ``variable`` (outermost first, at most MAX_SLIP_NODES) with
    the derivative of the whole with respect to it."""
    queue: list[tuple[sympy.Basic, sympy.Basic]] = [(function, sympy.S.One)]
    seen: set[sympy.Basic] = set()
    while queue and len(seen) < MAX_SLIP_NODES:
        node, weight = queue.pop(0)
        if node in seen:
            continue
        seen.add(node)
        yield node, weight
        for position, child in enumerate(node.args):
            if child.is_Atom or variable not in child.free_symbols:
                continue
            try:
                local = _local_derivative(node, position)
            except _GAVE_UP:
                continue
            if local != 0:
                queue.append((child, weight * local))


def _local_derivative(node: sympy.Basic, position: int) -> sympy.Basic:
    """The derivative of ``node`` with respect to its argument ``position``, the others held."""
    if isinstance(node, sympy.Add):
        return sympy.S.One
    if isinstance(node, sympy.Mul):
        return sympy.Mul(*(arg for index, arg in enumerate(node.args) if index != position))
    dummy = sympy.Dummy("node")
    args = list(node.args)
    child, args[position] = args[position], dummy
    return sympy.diff(node.func(*args), dummy).xreplace({dummy: child})


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
