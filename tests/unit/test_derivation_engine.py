"""Marking a derivation line by line: what each line follows from, its mark, and why a wrong line is wrong."""

from __future__ import annotations

import pytest

from studybuddy.core.derivation.engine import mark_all, mark_line
from studybuddy.core.derivation.marks import DIAGNOSIS_KINDS, VERDICTS, LineMark, first_error
from studybuddy.core.derivation.model import (
    DerivationContext,
    StepMistakes,
    context_of,
    derivation_from_text,
)
from studybuddy.core.grading.verdict import ListedMistake

INFER = DerivationContext(infer=True)
SOFTMAX = context_of(
    ["z1", "z2", "z3"],
    {
        "s1": "exp(z1)/(exp(z1) + exp(z2) + exp(z3))",
        "s2": "exp(z2)/(exp(z1) + exp(z2) + exp(z3))",
        "s3": "exp(z3)/(exp(z1) + exp(z2) + exp(z3))",
    },
)


def marked(text: str, context: DerivationContext = INFER) -> list[LineMark]:
    marks = mark_all(derivation_from_text(text.strip("\n"), context, "d-1"))
    for mark in marks:
        assert mark.verdict in VERDICTS
        assert mark.diagnosis_kind is None or mark.diagnosis_kind in DIAGNOSIS_KINDS
        assert (mark.diagnosis_kind is not None) == (mark.verdict == "does-not-follow")
    return marks


def verdicts(marks: list[LineMark]) -> list[str]:
    return [mark.verdict for mark in marks]


def test_the_softmax_cross_entropy_derivation_as_learners_write_it() -> None:
    marks = marked(
        """
L = -log(s1)
s1 = exp(z1)/(exp(z1)+exp(z2)+exp(z3))
s2 = exp(z2)/(exp(z1)+exp(z2)+exp(z3))
dL/dz1 = s1 - 1
dL/dz2 = s2
"""
    )
    assert verdicts(marks) == ["start", "start", "start", "follows", "follows"]
    assert marks[1].understood.startswith("a definition: s1 stands for")
    assert marks[3].understood == "the derivative of L (line 1) with respect to z1"
    assert marks[3].strength == "proved equal"
    assert marks[4].follows_from == 0
    assert all(mark.derivation == "d-1" for mark in marks)


def test_in_a_lessons_context_its_definitions_need_no_line() -> None:
    marks = marked("L = -log(s1)\ndL/dz1 = s1 - 1\ndL/dz2 = s2\ndL/dz3 = s3 - 1", SOFTMAX)
    assert verdicts(marks) == ["start", "follows", "follows", "does-not-follow"]
    assert (
        marks[3].diagnosis == "Off by a constant: this line is the derivative minus 1."
    )  # -1 only at the label


def test_the_classic_mistake_forgetting_the_minus_one_is_a_dropped_term() -> None:
    marks = marked("L = -z1 + log(exp(z1) + exp(z2) + exp(z3))\ndL/dz1 = s1", SOFTMAX)
    assert marks[1].verdict == "does-not-follow"
    assert marks[1].diagnosis_kind == "dropped-term"
    assert "-z1" in (marks[1].diagnosis or "")


def test_a_line_after_a_wrong_line_is_judged_against_the_wrong_line_as_written() -> None:
    marks = marked(
        """
1/(1 + exp(-x))
d/dx: -exp(-x)/(1 + exp(-x))^2
= -1/(1 + exp(-x)) * exp(-x)/(1 + exp(-x))
= exp(-x)/(1 + exp(-x))^2
"""
    )
    assert verdicts(marks) == ["start", "does-not-follow", "follows", "does-not-follow"]
    assert marks[1].diagnosis_kind == "missing-chain-factor"
    assert marks[2].follows_from == 1  # the wrong line as written
    assert marks[3].diagnosis_kind == "sign"
    assert first_error(marks) == 1


def test_sigmoid_with_a_definition_and_every_kind_of_rewrite() -> None:
    marks = marked(
        """
1/(1 + exp(-x))
d/dx: exp(-x)/(1 + exp(-x))^2      # the chain rule
= 1/(1 + exp(-x)) * exp(-x)/(1 + exp(-x))
let s = 1/(1 + exp(-x))
= s*(1 - s) = s - s^2
"""
    )
    assert verdicts(marks) == ["start", "follows", "follows", "start", "follows"]
    assert marks[4].follows_from == 2  # a definition is not a line to continue


@pytest.mark.parametrize(
    ("start", "line", "kind"),
    [
        ("exp(-x)", "d/dx: exp(-x)", "missing-chain-factor"),
        ("sin(x^2)", "d/dx: cos(x^2)", "missing-chain-factor"),
        ("log(1 + x^2)", "d/dx: 1/(1 + x^2)", "missing-chain-factor"),
        ("(1 + x^2)^3", "d/dx: 3(1 + x^2)^2", "missing-chain-factor"),
        ("1/(1 + exp(-x))", "d/dx: -exp(-x)/(1 + exp(-x))^2", "missing-chain-factor"),
        ("x^2 sin(x)", "d/dx: 2x cos(x)", "wrong-derivative-rule"),
        ("x^2 sin(x)", "d/dx: 2x sin(x)", "wrong-derivative-rule"),
        ("x^2/(1 + x)", "d/dx: (2x(1 + x) + x^2)/(1 + x)^2", "wrong-derivative-rule"),
        ("x^3", "d/dx: 3x^3", "wrong-derivative-rule"),
        ("2^x", "d/dx: x 2^(x - 1)", "wrong-derivative-rule"),
        ("tanh(x)", "d/dx: 1 + tanh(x)^2", "wrong-derivative-rule"),
        ("x^3", "d/dx: x^2", "constant-factor"),
        ("x^2", "d/dx: 4x", "constant-factor"),
        ("cos(x)", "d/dx: sin(x)", "sign"),
        ("x^2 + 3x", "d/dx: -(2x + 3)", "sign"),
        ("x^2 + sin(x)", "d/dx: 2x - cos(x)", "sign"),
        ("x^2 + sin(x)", "d/dx: 2x", "dropped-term"),
        ("x^2 + 3x + 1", "= x^2 + 3x", "dropped-term"),
        ("(x + 1)^2", "= x^2 + 1", "dropped-term"),
        ("x^2 - 2x", "= x^2 + 2x", "sign"),
        ("x^2 + 1", "= x^3 + 1", "other"),
    ],
)
def test_a_wrong_line_is_diagnosed_relative_to_what_its_operation_gives(
    start: str, line: str, kind: str
) -> None:
    mark = marked(f"{start}\n{line}")[1]
    assert mark.verdict == "does-not-follow"
    assert mark.diagnosis_kind == kind, mark.diagnosis
    assert mark.counterexample  # a point where they differ
    assert "this line is" in mark.detail


def test_a_lessons_listed_mistake_is_named_with_its_feedback_at_its_step() -> None:
    feedback = "You forgot the -1 at the label: the term -z1 gives it."
    context = context_of(
        ["z1", "z2", "z3"],
        dict(SOFTMAX.definitions),
        mistakes=[StepMistakes("s1 - 1", (ListedMistake("s1", feedback),))],
    )
    marks = marked("L = -log(s1)\ndL/dz1 = s1\n", context)
    assert marks[1].diagnosis_kind == "listed-mistake"
    assert marks[1].diagnosis == feedback
    # the same wrong value where the step should give something else is not that mistake
    other = marked("L = -log(s1)\nL = s1\n", context)[1]
    assert other.diagnosis_kind != "listed-mistake"


def test_named_lines_rewrites_and_derivatives_of_derivatives() -> None:
    marks = marked(
        """
f = x^2 sin(x)
df/dx = 2x sin(x) + x^2 cos(x)
df/dx = x(2 sin(x) + x cos(x))
f = sin(x) x^2
given: g = exp(2x)
dg/dx = 2 exp(2x)
d/dx: 4 exp(2x)
"""
    )
    assert verdicts(marks) == ["start", "follows", "follows", "follows", "start", "follows", "follows"]
    assert marks[2].understood == "a rewrite of df/dx (line 2)"
    assert marks[3].understood == "a rewrite of f (line 1)"
    assert marks[6].understood == "the derivative of dg/dx (line 6) with respect to x"


def test_self_contained_derivatives_and_limits_substitutions_and_givens() -> None:
    marks = marked(
        """
d/dx (x^2 sin(x)) = 2x sin(x) + x^2 cos(x)
lim_(x->0) (sin(x)/x) = 1
given: y^2 + 3y
with y = 2: 10
given: 1/(1 + exp(-x))
lim x->oo: 1
lim x->oo: 0
"""
    )
    assert verdicts(marks) == [
        "follows",
        "follows",
        "start",
        "follows",
        "start",
        "follows",
        "does-not-follow",
    ]


def test_several_rewrites_on_one_line_are_each_checked_and_the_first_wrong_one_is_pointed_at() -> None:
    marks = marked("(x + 1)^2\n= x^2 + 2x + 1 = x^2 + 1 = x^2 + 1")
    mark = marks[1]
    assert mark.verdict == "does-not-follow"
    assert mark.diagnosis_kind == "dropped-term"
    assert mark.text[mark.column - 1 : mark.end_column - 1] == "x^2 + 1"
    assert "the expression before it on this line" in mark.detail


def test_differentiating_with_respect_to_a_defined_name_keeps_it_a_variable() -> None:
    marks = marked("L = -log(s1)\ndL/ds1 = -1/s1\ndL/ds1 = 1/s1", SOFTMAX)
    assert verdicts(marks) == ["start", "follows", "does-not-follow"]


def test_a_derivative_of_an_unnamed_line_when_nothing_is_named() -> None:
    marks = marked("x^2\ndy/dx = 2x")
    assert marks[1].verdict == "follows"
    assert "no line is named y" in marks[1].detail


def test_invalid_lines_leave_the_rest_marked_against_the_last_readable_line() -> None:
    marks = marked("x^2 + 1\n= x^^2\nd/dq: 0\n= 1 + x^2\nd/dx: 2x")
    assert verdicts(marks) == ["start", "invalid", "invalid", "follows", "follows"]
    assert marks[1].column == 5
    assert marks[2].column == 4 and "q is not a variable of this derivation (variables: x)" in marks[2].detail
    assert marks[3].follows_from == 0


def test_a_name_that_stands_for_itself_is_refused() -> None:
    marks = marked("x^2\nlet s = s + 1\ngiven: t = 2t")
    assert verdicts(marks) == ["start", "invalid", "invalid"]
    assert "s cannot stand for an expression that contains s itself" in marks[1].detail


def test_a_derivative_of_a_line_nobody_named_suggests_the_named_one() -> None:
    marks = marked("Loss = x^2\nx^3\ndLos/dx = 2x")
    assert marks[2].verdict == "invalid"
    assert "no line above is named Los" in marks[2].detail
    assert "did you mean dLoss/dx?" in marks[2].detail
    assert marks[2].text[marks[2].column - 1 : marks[2].end_column - 1] == "Los"


def test_a_mark_is_the_same_whether_lines_are_marked_alone_or_in_order() -> None:
    derivation = derivation_from_text("x^3\nd/dx: 3x^2\nd/dx: 6\n= 6x", INFER, "same")
    in_order = mark_all(derivation)
    backwards = [mark_line(derivation, index) for index in reversed(range(4))]
    assert [mark.verdict for mark in in_order] == [mark.verdict for mark in reversed(backwards)]  # type: ignore[union-attr]
    assert in_order[2].diagnosis_kind is not None


def test_a_changed_line_is_read_again_and_the_lines_below_follow_the_change() -> None:
    first = derivation_from_text("x^2\nd/dx: 2x\n= 2 x", INFER, "edit")
    assert verdicts(mark_all(first)) == ["start", "follows", "follows"]
    edited = derivation_from_text("x^3\nd/dx: 2x\n= 2 x", INFER, "edit")
    assert verdicts(mark_all(edited)) == ["start", "does-not-follow", "follows"]


@pytest.mark.parametrize(
    ("text", "context", "kind", "said"),
    [
        (  # stopped at dL/ds: the factor ds/dz is missing
            "-(y*log(s) + (1 - y)*log(1 - s))\nd/dz: (s - y)/(s*(1 - s))",
            context_of(["z", "y"], {"s": "1/(1 + exp(-z))"}),
            "missing-chain-factor",
            "Missing the chain-rule factor ds/dz",
        ),
        (  # y - s: the whole line negated, not the -1 of exp(-z), which the line does not show
            "-(y*log(s) + (1 - y)*log(1 - s))\nd/dz: y - s",
            context_of(["z", "y"], {"s": "1/(1 + exp(-z))"}),
            "sign",
            "Sign error: this line is the negative of the derivative.",
        ),
        (  # (mu - x) for (x - mu): a sign, though forgetting the inner -1 of (x - mu)^2 gives it too
            "-(x - mu)^2/(2*sigma^2)\nd/dmu: (mu - x)/sigma^2",
            INFER,
            "sign",
            "Sign error",
        ),
        (  # the line shows exp(-x): its inner -1 is what was forgotten
            "1/(1 + exp(-x))\nd/dx: -exp(-x)/(1 + exp(-x))^2",
            INFER,
            "missing-chain-factor",
            "Missing the chain-rule factor -1",
        ),
        (  # 1/N is a constant to a derivative with respect to w
            "(1/N)*((w*x1 - y1)^2 + (w*x2 - y2)^2)\nd/dw: 2*((w*x1 - y1)*x1 + (w*x2 - y2)*x2)",
            INFER,
            "constant-factor",
            "This line is missing the factor 1/N.",
        ),
        (
            "(n + 2p - k)/s + 1\nwith n = 32, p = 1, k = 3, s = 1: 31",
            INFER,
            "dropped-term",
            "drops the term 1",
        ),
        ("x + y\nd/dy: 2", INFER, "constant-factor", "factor"),
        (
            "g1*(w1*x1 + w2*x2 + b) + g2*(w1*x2 + w2*x3 + b)\n= w1*(g1*x1 + g2*x2) + b*(g1 + g2)",
            INFER,
            "dropped-term",
            "drops the terms w2*(g1*x2 + g2*x3)",
        ),
        (
            "1/(1 + exp(-x))\nd/dx: exp(-x)/(1 + exp(-x))^2\n= s*(1 + s)",
            context_of(["x"], {"s": "1/(1 + exp(-x))"}),
            "sign",
            "The sign of s in s + 1 is wrong",
        ),
        (
            "(x + Abs(x))/2 + a*(x - Abs(x))/2\nd/dx: a*(1 - sign(x))/2",
            INFER,
            "dropped-term",
            "(sign(x) + 1)/2",
        ),
    ],
)
def test_diagnoses_a_step_needs_beyond_the_graders(
    text: str, context: DerivationContext, kind: str, said: str | None
) -> None:
    marks = marked(text, context)
    mark = next(mark for mark in marks if mark.verdict == "does-not-follow")
    assert mark.diagnosis_kind == kind, mark.diagnosis
    if said is not None:
        assert said in (mark.diagnosis or "")


def test_of_two_steps_with_the_same_value_the_listed_mistake_of_the_one_done_the_same_way_is_told() -> None:
    context = context_of(
        ["x"],
        mistakes=[
            StepMistakes("2x", (ListedMistake("-2x", "the derivative's sign"),), "differentiate"),
            StepMistakes("2x", (ListedMistake("-2x", "the rewrite's sign"),), "rewrite"),
        ],
    )
    assert marked("x^2\nd/dx: 2x\n= -2x", context)[2].diagnosis == "the rewrite's sign"
    assert marked("x^2\nd/dx: -2x", context)[1].diagnosis == "the derivative's sign"


def test_a_line_naming_a_defined_name_is_checked_against_its_definition() -> None:
    marks = marked(
        "L = -log(s1)\ns1 = exp(z1)/(exp(z1)+exp(z2)+exp(z3))\ns1 = exp(z1)/(exp(z1)+exp(z2))", SOFTMAX
    )
    assert verdicts(marks) == ["start", "follows", "does-not-follow"]
    assert marks[1].understood == "s1 checked against its definition"
    assert "but its definition is" in marks[2].detail


def test_asked_only_whether_lines_follow_the_marks_are_the_same_without_a_diagnosis() -> None:
    # lessons check finds a derive exercise's reference by comparing 'from' and 'goal' with every step
    # of the lesson; saying which mistake each other step would be was most of its time.
    text = "L = -z1 + log(exp(z1) + exp(z2) + exp(z3))\ndL/dz1 = s1\ndL/dz2 = s2"
    derivation = derivation_from_text(text, SOFTMAX, "d-undiagnosed")
    quick = mark_all(derivation, diagnose=False)
    assert verdicts(quick) == ["start", "does-not-follow", "follows"]
    assert quick[1].diagnosis is None and quick[1].diagnosis_kind is None
    # the same line marked for a learner afterwards is diagnosed, not served the quick mark
    again = mark_line(derivation, 1)
    assert again is not None and again.detail == quick[1].detail
    assert again.diagnosis_kind == "dropped-term" and "-z1" in (again.diagnosis or "")
