"""Untrusted text: every hostile or broken input is a clear ExprError at a sensible place, nothing runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from studybuddy.core.mathexpr import ExprError, Limits, SymbolTable, Variable, parse_expression

TABLE = SymbolTable.of(["x", "y"])


def rejects(text: str, table: SymbolTable = TABLE) -> ExprError:
    with pytest.raises(ExprError) as caught:
        parse_expression(text, table)
    error = caught.value
    assert error.text == text
    assert 0 <= error.start < error.end <= max(len(text), error.start + 1)
    return error


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "pwned"


def test_python_injection_runs_nothing(marker: Path) -> None:
    attempts = [
        f"__import__('os').system('touch {marker}')",
        f"__import__(chr(111)+chr(115)).system(chr(116)+{marker!s})",
        "().__class__.__base__.__subclasses__()",
        "eval(chr(95)+chr(95)+chr(105))",
        "exec(x)",
        f"open({marker!s}, w)",
    ]
    for text in attempts:
        rejects(text)
    assert not marker.exists()


def test_undefined_function_mode_does_not_open_the_door(marker: Path) -> None:
    with pytest.raises(ExprError):
        parse_expression(f"__import__('os').system('touch {marker}')", TABLE, allow_undefined_functions=True)
    assert not marker.exists()
    # names that only look dangerous become inert SymPy function symbols, never Python objects
    inert = parse_expression("system(x)", TABLE, allow_undefined_functions=True)
    assert isinstance(inert, sympy.core.function.AppliedUndef)


@pytest.mark.parametrize(
    ("text", "message", "pointed"),
    [
        ("x.__class__", "'.__class__' means nothing here: the only attribute is .T", ".__class__"),
        ("np.__class__", "np.__class__ is not one of the NumPy functions", "np.__class__"),
        ("numpy.os.system(x)", "numpy.os.system is not one of the NumPy functions", "numpy.os.system"),
        ("lambda: 1", "unexpected character ':'", ":"),
        ("x if x else 1", "unknown name 'if'", "if"),
        ("[x]", "unexpected character '['", "["),
        ('"x"', "unexpected character '\"'", '"'),
        ("sin(x=1)", "unexpected character '='", "="),
        ("", "the expression is empty", ""),
        ("   ", "the expression is empty", "   "),
        ("(x+1", "'(' is never closed", "("),
        ("x+1)", "unmatched ')'", ")"),
        ("x+", "the expression is incomplete", "+"),
        ("x*/y", "unexpected '/'", "/"),
        ("2 3", "two numbers in a row", "3"),
        ("2 * * 3", "unexpected '*'", "*"),
        ("√", "√ needs a number, a name or parentheses", "√"),
        ("f(x)", "unknown function 'f'", "f"),
        ("sin(x, y)", "sin takes 1 argument(s), not 2", "sin(x, y)"),
        ("x, y", "a comma separates a function's arguments", "x, y"),
        ("()", "empty parentheses", "()"),
        ("1/0", "division by zero", "0"),
        ("x/(y-y)", "division by zero", "y-y"),
        ("log(0)", "log(0) is undefined", "log(0)"),
        ("0^(-2)", "division by zero", "0^(-2)"),
        ("tan(pi/2)", "is undefined", "tan(pi/2)"),
        ("x\x00", "invisible character U+0000", "\x00"),
        ("x\u200b+y", "invisible character U+200B (ZERO WIDTH SPACE)", "\u200b"),
        ("x\u202e+y", "invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)", "\u202e"),
        ("x\u2066", "invisible character U+2066", "\u2066"),
        ("\ufeffx", "invisible character U+FEFF", "\ufeff"),
    ],
)
def test_malformed_input_is_explained_at_its_position(text: str, message: str, pointed: str) -> None:
    error = rejects(text)
    assert message in error.message
    if pointed.strip():
        assert text[error.start : error.end] == pointed


@pytest.mark.parametrize(
    ("text", "message", "pointed"),
    [
        ("9^9^9^9", "exponent is too large", "9^9"),
        ("((9^9)^9999)^9999", "exponent is too large", "9999"),
        ("99^999", "the result would have about", "99^999"),
        ("(x+1)^(10^10)", "exponent is too large", "10^10"),
        ("x^(1/10^5)", "exponent is too large", "1/10^5"),
        ("factorial(10^8)", "factorial argument too large", "factorial(10^8)"),
        ("binomial(10^6, 5*10^5)", "binomial coefficient is too large", "binomial(10^6, 5*10^5)"),
        ("10^999*10^999", "more than 1000 digits", "10^999*10^999"),
        ("1" * 41, "more than 40 digits", "1" * 41),
        ("1e5000", "exponent is too large", "1e5000"),
        ("diff(x, x, 10^6)", "order of diff", "diff(x, x, 10^6)"),
    ],
)
def test_costly_input_is_refused_before_it_is_computed(text: str, message: str, pointed: str) -> None:
    error = rejects(text)
    assert message in error.message
    assert text[error.start : error.end] == pointed


def test_size_limits() -> None:
    assert "too long" in rejects("x+" * 5000 + "x").message  # 10,001 characters
    assert "nested parentheses" in rejects("(" * 200 + "x" + ")" * 200).message
    assert "nested too deeply" in rejects("-" * 300 + "x").message
    assert "too long" in rejects("+".join(["x"] * 500)).message  # under max_length, over max_nodes
    assert "nested too deeply" in rejects("^".join(["x"] * 100)).message
    assert "too long" in rejects("xy" * 999).message  # one 1998-letter name that splits into x, y, ...


def test_literal_digits_follow_the_limit() -> None:
    sixteen = "1234567890123456"
    assert parse_expression(sixteen, TABLE) == 1234567890123456
    with pytest.raises(ExprError, match="more than 15 digits"):
        parse_expression(sixteen, TABLE, limits=Limits(max_digits=15))


def test_infinity_is_accepted_only_when_typed() -> None:
    assert parse_expression("oo", TABLE) == sympy.oo
    assert parse_expression("1/∞", TABLE) == 0
    assert "undefined" in rejects("oo - oo").message


@pytest.mark.parametrize(
    "name", ["e", "E", "pi", "I", "oo", "sin", "log", "π", "x y", "__import__('os')", "", "1x", "x_"]
)
def test_reserved_or_malformed_names_cannot_be_declared(name: str) -> None:
    with pytest.raises(ExprError):
        SymbolTable([Variable(name)])


def test_two_spellings_of_one_name_cannot_both_be_declared() -> None:
    with pytest.raises(ExprError, match="same variable"):
        SymbolTable.of(["lam", "lambda"])
    with pytest.raises(ExprError, match="declared twice"):
        SymbolTable.of(["x", "x"])
    with pytest.raises(ExprError, match="unknown domain"):
        SymbolTable.of({"x": "rational"})
