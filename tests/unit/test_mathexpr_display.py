"""parse_expression(..., evaluate=False): a lesson step shown as written, with the parser's usual refusals."""

from __future__ import annotations

import pytest
import sympy

from studybuddy.core.mathexpr import ExprError, SymbolTable, parse_expression

TABLE = SymbolTable.of(["z", "x"])


def shown(text: str, *, evaluate: bool) -> str:
    return sympy.pretty(parse_expression(text, TABLE, evaluate=evaluate), use_unicode=True)


def test_a_split_square_is_shown_split_not_folded_back() -> None:
    split = "1/(1 + exp(-z)) * exp(-z)/(1 + exp(-z))"
    squared = "exp(-z)/(1 + exp(-z))^2"
    assert shown(split, evaluate=True) == shown(squared, evaluate=True), "SymPy folds the product"
    written = shown(split, evaluate=False)
    assert written != shown(squared, evaluate=False)
    assert written.count("1 + ℯ") == 2 and "2" not in written, "two factors, no square"


def test_like_terms_stay_as_written() -> None:
    assert shown("2x + 3x", evaluate=False) == "2⋅x + 3⋅x"
    assert shown("2x + 3x", evaluate=True) == "5⋅x"


def test_the_same_refusals_apply() -> None:
    for text in ["9^9^9^9", "(x+1)^(10^10)", "factorial(10^8)", "log(0)", "1/0", "lamb"]:
        with pytest.raises(ExprError):
            parse_expression(text, TABLE, evaluate=False)


def test_evaluation_is_back_on_after_a_display_parse() -> None:
    parse_expression("x + x", TABLE, evaluate=False)
    assert parse_expression("x + x", TABLE) == 2 * TABLE.symbol("x")
