"""An expression as it was written, for display: built with SymPy's evaluation off, products and sums flat.

``parse_expression(text, table, evaluate=False)`` builds the tree under ``sympy.evaluate(False)``, so
``1/(1 + exp(-z)) * exp(-z)/(1 + exp(-z))`` is not folded back into ``exp(-z)/(1 + exp(-z))^2``. Python's
grammar nests ``a*b/c`` as ``(a*b)/c``; flattening the nested products and sums here lets the pretty
printer show one fraction per product instead of fractions of fractions. Never use the result for
mathematics: it is only for showing what a lesson wrote.
"""

from __future__ import annotations

import sympy
from sympy.matrices.expressions.matexpr import MatrixExpr


def flattened(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with nested unevaluated Mul/Add merged into their parent and factors of 1 dropped."""
    if not expr.args or isinstance(expr, MatrixExpr) or not isinstance(expr, sympy.Expr):
        return expr
    args = [flattened(arg) for arg in expr.args]
    if isinstance(expr, sympy.Mul | sympy.Add):
        kind = type(expr)
        flat: list[sympy.Basic] = []
        for arg in args:
            flat.extend(arg.args if type(arg) is kind else (arg,))
        if kind is sympy.Mul:
            flat = [arg for arg in flat if arg != sympy.S.One] or [sympy.S.One]
        return flat[0] if len(flat) == 1 else kind(*flat, evaluate=False)
    if args == list(expr.args):
        return expr
    with sympy.evaluate(False):
        return expr.func(*args)
