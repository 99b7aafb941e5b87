"""Symbolic proof that two expressions are equal: cheap, deterministic steps first, ``simplify`` last.

Sampling has already decided whether the two sides agree; a proof only upgrades "equal at N random
points" to "proved equal" (or decides the rare case where too few points were defined). So the steps
that run on every answer must cost about a millisecond:

1. ``a - b`` is structurally 0 (SymPy's own canonical form already cancelled it).
2. A rational-function identity (identity.py): ``a - b`` rebuilt as a rational function of the
   variables, of one generator per exponential or trigonometric "base", and of opaque atoms, is 0.
   This proves polynomial and rational rewrites, ``sin(x)^2 + cos(x)^2 = 1``,
   ``2 sin(x) cos(x) = sin(2x)``, ``1 - tanh(x)^2 = sech(x)^2`` and the sigmoid's
   ``exp(-x)/(1 + exp(-x))^2 = s(1 - s)`` in about a millisecond.
3. ``simplify``, which can take seconds, only when sampling could not decide (``thorough``) and the
   difference is small.

Completed proofs are cached on the (answer, expected) pair: a class often types the same answer.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import lru_cache

import sympy
from sympy.polys.polyerrors import PolynomialError

from studybuddy.core.grading.identity import is_identically_zero

PROOF_MAX_OPS = 80  # `simplify` is tried only on differences at most this big (it can take seconds)
RATIONAL_MAX_TERMS = 3000  # the rational check is skipped when expanding could give more terms

ProofGuard = Callable[[], AbstractContextManager[None]]

# SymPy gives up on a rewrite with these; "not proved" is the honest answer then.
_GAVE_UP = (TypeError, ValueError, RecursionError, ZeroDivisionError, NotImplementedError, PolynomialError)


class ProofInterrupted(Exception):
    """Raised by a proof guard (the grading worker's alarm) to abandon a symbolic proof that runs long."""


def prove_equal(
    a: sympy.Basic, b: sympy.Basic, guard: ProofGuard = contextlib.nullcontext, *, thorough: bool = True
) -> bool:
    """True when ``a - b`` is shown to be 0 (False means "not proved", not "different").

    ``thorough`` allows ``simplify`` after the cheap steps. ``guard`` bounds the time (the grading
    worker passes an alarm that raises ProofInterrupted); an interrupted proof is not cached.
    """
    try:
        with guard():
            return _proved(a, b, thorough)
    except ProofInterrupted:
        return False


def prove_all_equal(
    pairs: Sequence[tuple[sympy.Basic, sympy.Basic]],
    guard: ProofGuard = contextlib.nullcontext,
    *,
    thorough: bool = True,
) -> list[bool]:
    """``prove_equal`` for each pair (a matrix's entries), all within one ``guard``: once it fires,
    the pairs left are not proved."""
    proved: list[bool] = []
    try:
        with guard():
            for a, b in pairs:
                proved.append(_proved(a, b, thorough))
    except ProofInterrupted:
        pass
    return proved + [False] * (len(pairs) - len(proved))


@lru_cache(maxsize=2048)
def _proved(a: sympy.Basic, b: sympy.Basic, thorough: bool) -> bool:
    try:
        difference = a - b
        if difference == 0:
            return True
        if _expansion_size(difference) <= RATIONAL_MAX_TERMS and is_identically_zero(difference):
            return True
        if thorough and sympy.count_ops(difference) <= PROOF_MAX_OPS:
            return bool(sympy.simplify(difference) == 0)
    except _GAVE_UP:
        return False
    return False


def _expansion_size(expr: sympy.Basic) -> float:
    """A rough upper bound on the number of terms expanding ``expr`` would produce."""
    if expr.is_Atom:
        return 1
    if expr.is_Pow and expr.exp.is_Integer and expr.base.is_Add:
        terms, power = len(expr.base.args), abs(int(expr.exp))
        return math.comb(power + terms - 1, terms - 1) * _expansion_size(expr.base)
    sizes = [_expansion_size(arg) for arg in expr.args]
    if expr.is_Mul:
        return math.prod(sizes)
    return sum(sizes)
