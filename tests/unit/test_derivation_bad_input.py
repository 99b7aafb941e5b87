"""Hostile or broken derivations: a clear message at the line and column, nothing run, the rest marked."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_mathexpr_bad_input as mathexpr_cases
from hypothesis import given, settings
from hypothesis import strategies as st
from test_grading_bad_input import BAD_INPUTS

from studybuddy.core.derivation.engine import mark_all, mark_line
from studybuddy.core.derivation.marks import VERDICTS, LineMark
from studybuddy.core.derivation.model import (
    MAX_LINES,
    DerivationContext,
    DerivationInputError,
    context_of,
    derivation_from_json,
    derivation_from_text,
)

DECLARED = context_of(["x", "y"])
INFER = DerivationContext(infer=True)


def _parametrized(test: object) -> list[str]:
    """The texts a mathexpr bad-input test is parametrized with (its first argument)."""
    return [case[0] for mark in getattr(test, "pytestmark", []) for case in mark.args[1]]


HOSTILE = list(
    dict.fromkeys(
        [
            *BAD_INPUTS,
            *_parametrized(mathexpr_cases.test_malformed_input_is_explained_at_its_position),
            *_parametrized(mathexpr_cases.test_costly_input_is_refused_before_it_is_computed),
            "exec(x)",
            "open(x, w)",
            "x+" * 5000 + "x",
            "+".join(["x"] * 500),
            "^".join(["x"] * 100),
            "xy" * 999,
        ]
    )
)


def _checked(marks: list[LineMark], text: str) -> None:
    for mark in marks:
        assert mark.verdict in VERDICTS
        assert mark.detail
        if mark.verdict == "invalid":
            assert mark.column is not None and mark.end_column is not None
            assert 1 <= mark.column < mark.end_column <= len(mark.text) + 2, (mark.column, mark.end_column)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_every_hostile_answer_as_a_line_is_invalid_where_it_is_wrong_and_the_rest_is_marked(
    text: str, tmp_path: Path
) -> None:
    marker = Path("/tmp/studybuddy-pwned")
    derivation = derivation_from_text(f"x^2 + 1\n{text}\n= 1 + x^2\nd/dx: 2x", DECLARED, "hostile")
    marks = mark_all(derivation)
    _checked(marks, text)
    middle = mark_line(derivation, 1)
    if text.strip():
        assert middle is not None and middle.verdict == "invalid", middle
    else:
        assert middle is None  # a blank line has no mark
    assert [mark.verdict for mark in marks[-2:]] == ["follows", "follows"]
    assert marks[-2].follows_from == 0  # the invalid line is skipped, not continued
    assert not marker.exists()


def test_an_invalid_lines_column_points_into_the_whole_line() -> None:
    marks = mark_all(derivation_from_text("x^2\nd/dx: 2x.__class__", DECLARED))
    mark = marks[1]
    assert (
        mark.text[mark.column - 1 : mark.end_column - 1] == ".__class__"
    )  # the attribute, refused as a whole


def test_a_300_line_derivation_is_marked_line_by_line() -> None:
    lines = ["x^2 + 1"]
    for number in range(1, 300):
        lines.append(
            f"= x^2 + {number} - {number - 1}" if number % 50 else "= x^2 + 2"
        )  # every 50th is wrong
    marks = mark_all(derivation_from_text("\n".join(lines), DECLARED))
    assert len(marks) == 300
    wrong = [mark.index for mark in marks if mark.verdict == "does-not-follow"]
    # each wrong line, and the line after it (judged against the wrong line as written)
    assert wrong == sorted({n for k in range(50, 300, 50) for n in (k, k + 1) if n < 300})
    assert all(mark.verdict in ("start", "follows") for mark in marks if mark.index not in wrong)


def test_a_line_of_10000_characters_is_invalid_at_its_column_and_the_next_line_is_marked() -> None:
    long = "x + " * 2500
    marks = mark_all(derivation_from_text(f"x\n= {long}\n= x", DECLARED))
    assert marks[1].verdict == "invalid"
    assert "too long" in marks[1].detail
    assert 1 <= (marks[1].column or 0) <= len(marks[1].text)
    assert marks[2].verdict == "follows" and marks[2].follows_from == 0


@pytest.mark.parametrize("context", [DECLARED, INFER], ids=["declared", "inferred"])
@pytest.mark.parametrize("line", ["d/dq: 0", "dL/dq = 0", "lim q->oo: 0", "with q = 1: x^2"])
def test_an_operation_on_an_undeclared_variable_says_so_at_its_column(
    context: DerivationContext, line: str
) -> None:
    marks = mark_all(derivation_from_text(f"L = x^2\n{line}\n= x*x", context))
    mark = marks[1]
    assert mark.verdict == "invalid"
    assert "q is not a variable of this derivation" in mark.detail
    assert mark.text[mark.column - 1 : mark.end_column - 1] == "q"
    assert marks[2].verdict == "follows"


@pytest.mark.parametrize("line", ["d/dx: 0", "dM/dx = 0", "lim x->0: A"])
def test_a_differentiation_or_limit_of_a_matrix_line_is_refused_clearly(line: str) -> None:
    context = context_of([("A", "real", (2, 2)), ("x", "real", None)])
    marks = mark_all(derivation_from_text(f"M = x A\n{line}\n= A x", context))
    assert marks[1].verdict == "invalid"
    assert "is a 2x2 matrix" in marks[1].detail
    assert marks[2].verdict == "follows"


def test_a_rewrite_of_a_matrix_line_is_marked_like_any_other() -> None:
    context = context_of([("A", "real", (2, 2)), ("B", "real", (2, 2))])
    marks = mark_all(derivation_from_text("(A B)^T\n= B^T A^T\n= A^T B^T", context))
    assert [mark.verdict for mark in marks] == ["start", "follows", "does-not-follow"]


def test_python_in_a_jsonl_step_or_symbols_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    derivation = derivation_from_json(
        {
            "symbols": {"x": "real"},
            "definitions": {"s": f"__import__('os').system('touch {marker}')"},
            "steps": [{"expr": "x"}, {"expr": f"__import__('os').system('touch {marker}')"}],
        }
    )
    marks = mark_all(derivation)
    assert all(mark.verdict == "invalid" for mark in marks)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "each line must be a JSON object"),
        ({"steps": []}, "'steps' must be a list of at least one step"),
        ({"steps": [{"expr": "x"}], "symbols": {"x": "reel"}}, "did you mean real?"),
        ({"steps": [{"expr": "x"}], "symbols": 3}, "'symbols' maps names to domains"),
        ({"steps": [{"expr": "x"}], "definitions": ["s"]}, "'definitions' maps names"),
        ({"step": [{"expr": "x"}]}, "did you mean 'steps'?"),
        ({"steps": [{"expr": "x"}] * (MAX_LINES + 1)}, "at most"),
    ],
)
def test_an_unusable_jsonl_derivation_says_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(DerivationInputError, match=message.replace("(", r"\(").replace("?", r"\?")):
        derivation_from_json(data)


def test_a_broken_step_is_invalid_and_the_other_steps_are_marked() -> None:
    derivation = derivation_from_json(
        {
            "steps": [
                {"expr": "x^2"},
                7,
                {"expr": "2x", "by": {"integrate": "x"}},
                {"expr": "2x", "by": {"differentiate": "x"}},
            ]
        }
    )
    assert [mark.verdict for mark in mark_all(derivation)] == ["start", "invalid", "invalid", "follows"]


def test_declared_names_that_cannot_be_variables_make_every_line_invalid_not_a_crash() -> None:
    marks = mark_all(derivation_from_text("x\n= x", context_of(["exp", "x"])))
    assert [mark.verdict for mark in marks] == ["invalid", "invalid"]
    assert "cannot be used" in marks[0].detail


@settings(max_examples=120, deadline=None)
@given(st.text(max_size=60))
def test_any_text_as_a_line_gets_a_mark_never_an_exception(text: str) -> None:
    derivation = derivation_from_text(f"x^2\n{text}\n= x x", INFER)
    marks = mark_all(derivation)
    assert all(mark.verdict in VERDICTS for mark in marks)
    assert marks[0].verdict == "start"
