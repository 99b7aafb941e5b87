"""The line syntax of a derivation: every form a learner writes, and a clear problem for a mistyped one."""

from __future__ import annotations

import pytest

from studybuddy.core.derivation.lines import Line, line_from_step, read_line


def test_the_softmax_derivation_reads_as_learners_write_it() -> None:
    start, definition, first, second = (
        read_line(text)
        for text in (
            "L = -log(s1)",
            "s1 = exp(z1)/(exp(z1)+exp(z2)+exp(z3))",
            "dL/dz1 = s1 - 1",
            "dL/dz2 = s2",
        )
    )
    assert (start.written, start.name, [p.text for p in start.parts]) == ("named", "L", ["-log(s1)"])
    assert (definition.written, definition.name) == ("named", "s1")
    assert definition.parts[0].text == "exp(z1)/(exp(z1)+exp(z2)+exp(z3))"
    assert (first.written, first.of, first.variable, first.name) == ("differentiate", "L", "z1", "dL/dz1")
    assert [p.text for p in first.parts] == ["s1 - 1"]
    assert first.parts[0].start == len("dL/dz1 = ")
    assert (second.of, second.variable) == ("L", "z2")


@pytest.mark.parametrize(
    ("text", "written", "fields"),
    [
        ("x^2 + 1", "rewrite", {"parts": ["x^2 + 1"]}),
        ("= x^2 + 1", "rewrite", {"parts": ["x^2 + 1"]}),
        (
            "(x+1)^2 = x^2 + 2x + 1 = x(x+2) + 1",
            "rewrite",
            {"parts": ["(x+1)^2", "x^2 + 2x + 1", "x(x+2) + 1"]},
        ),
        ("d/dx: 2x", "differentiate", {"variable": "x", "of": None, "inner": None, "parts": ["2x"]}),
        ("d / d x : 2x", "differentiate", {"variable": "x", "parts": ["2x"]}),
        ("∂/∂w: 2 lam w", "differentiate", {"variable": "w", "parts": ["2 lam w"]}),
        ("d/dz1 = s1 - 1", "differentiate", {"variable": "z1", "parts": ["s1 - 1"]}),
        ("d/dx (x^2 sin(x)) = 2x sin(x) + x^2 cos(x)", "differentiate", {"inner": "(x^2 sin(x))"}),
        ("d/dx(x^3) = 3x^2", "differentiate", {"inner": "(x^3)", "parts": ["3x^2"]}),
        ("∂L/∂z_1 = s_1 - 1", "differentiate", {"of": "L", "variable": "z_1", "name": "dL/dz_1"}),
        ("f'(x) = 2x", "differentiate", {"of": "f", "variable": "x", "name": "df/dx"}),
        ("f(x) = x^2", "named", {"name": "f", "parts": ["x^2"]}),
        ("given: f = x^2 sin(x)", "given", {"name": "f", "parts": ["x^2 sin(x)"]}),
        ("Given x^2", "given", {"name": None, "parts": ["x^2"]}),
        ("let s = 1/(1 + exp(-x))", "let", {"name": "s", "parts": ["1/(1 + exp(-x))"]}),
        ("where S = exp(z1) + exp(z2)", "let", {"name": "S"}),
        ("s := 1/(1 + exp(-x))", "let", {"name": "s"}),
        ("with y1 = 1, y2 = 0: s1 - 1", "substitute", {"replacements": [("y1", "1"), ("y2", "0")]}),
        ("at x = Max(1, 2): 4", "substitute", {"replacements": [("x", "Max(1, 2)")], "parts": ["4"]}),
        ("lim x->oo: 0", "limit", {"variable": "x", "point": "oo", "parts": ["0"]}),
        ("lim x → ∞: 0", "limit", {"variable": "x", "point": "∞"}),
        ("lim_(x->0) (sin(x)/x) = 1", "limit", {"variable": "x", "point": "0", "inner": "(sin(x)/x)"}),
        ("lim x -> -inf: 0", "limit", {"point": "-oo"}),
        ("x^2  # squared, because ...", "rewrite", {"parts": ["x^2"], "comment": "squared, because ..."}),
    ],
)
def test_each_form_is_read_into_its_operation(text: str, written: str, fields: dict[str, object]) -> None:
    line = read_line(text)
    assert line.problem is None, line.problem
    assert line.written == written
    shown = {
        "parts": [part.text for part in line.parts],
        "inner": line.inner.text if line.inner else None,
        "point": line.point.text if line.point else None,
        "replacements": [(name.text, value.text) for name, value in line.replacements],
    }
    for key, value in fields.items():
        actual = shown[key] if key in shown else getattr(line, key)
        assert actual == value, key


def test_every_expression_knows_its_column_in_the_line() -> None:
    line = read_line("  dL/dz1 =  s1 - 1 = -1 + s1")
    for part in line.parts:
        assert line.text[part.start : part.start + len(part.text)] == part.text
    assert line.text[line.variable_at : line.variable_at + 2] == "z1"
    assert line.text[line.of_at] == "L"
    substitution = read_line("with y1 = 1, y2 = 0: s1 - 1")
    for name, value in substitution.replacements:
        assert substitution.text[name.start : name.start + len(name.text)] == name.text
        assert substitution.text[value.start : value.start + len(value.text)] == value.text


@pytest.mark.parametrize("text", ["", "   ", "# only a comment", "\t# reason"])
def test_blank_and_comment_lines_get_no_mark(text: str) -> None:
    assert read_line(text).blank


@pytest.mark.parametrize(
    ("text", "message", "pointed"),
    [
        ("d/dz1 (s1 - 1)", "read 'd/dz1 (...)' as a derivative, but no '= RESULT' follows", "d/dz1 (s1 - 1)"),
        ("d/dx", "d/dx needs the derivative after it", "d/dx"),
        ("dL/dz1", "dL/dz1 needs its value: write dL/dz1 = RESULT", "dL/dz1"),
        ("lim x->oo", "lim x->oo needs its value after ':'", "lim x->oo"),
        ("lim (x^2)", "a limit reads 'lim x->oo: RESULT'", "lim"),
        ("lim x->0 (sin(x)/x)", "read 'lim x->0 (...)' as a limit, but no '= RESULT' follows", None),
        ("x^2 = ", "an expression is missing after '='", None),
        ("x == x", "write one '='", "=="),
        ("d^2/dx^2: 2", "second derivatives are written as two differentiations", "d^2/dx^2:"),
        ("let s 1/(1 + x)", None, None),
        ("x < 1", "inequalities and '≠' are not supported", "<"),
        ("with x 2: 4", "a substitution reads 'with NAME = EXPRESSION, ...: RESULT'", "x 2"),
        ("exp = 2", "'exp' is a function or constant and cannot name a line", "exp"),
        ("3 := x", "':=' defines a name", None),
    ],
)
def test_a_mistyped_line_says_what_was_understood_and_where(
    text: str, message: str | None, pointed: str | None
) -> None:
    line = read_line(text)
    if (
        message is None
    ):  # read some other way (no problem): 'let s 1/(1 + x)' is a rewrite by implicit products
        assert line.problem is None
        return
    assert line.problem is not None, line
    assert message in line.problem.message
    assert 0 <= line.problem.start < line.problem.end <= len(text) + 1
    if pointed is not None:
        assert text[line.problem.start : line.problem.end] == pointed


@pytest.mark.parametrize(
    ("by", "written", "variable"),
    [
        (None, "rewrite", None),
        ("equal", "rewrite", None),
        ({"differentiate": "x"}, "differentiate", "x"),
        ({"limit": {"x": "oo"}}, "limit", "x"),
        ({"given": True}, "given", None),
        ("given", "given", None),
    ],
)
def test_a_step_given_as_data_uses_the_lesson_formats_by(
    by: object, written: str, variable: str | None
) -> None:
    line = line_from_step("exp(-x)", by)
    assert (line.written, line.variable, line.problem) == (written, variable, None)
    assert [part.text for part in line.parts] == ["exp(-x)"]


@pytest.mark.parametrize(
    "by",
    [
        {"differentiate": 3},
        {"integrate": "x"},
        {"limit": {"x": "oo", "y": 0}},
        {"substitute": {}},
        [1],
        "diff",
    ],
)
def test_an_unusable_by_is_a_problem_not_a_crash(by: object) -> None:
    line = line_from_step("x", by)
    assert line.problem is not None and line.written is None


def test_a_line_that_is_not_text_is_a_problem() -> None:
    assert read_line(3).problem is not None  # type: ignore[arg-type]
    assert isinstance(read_line("x"), Line)
