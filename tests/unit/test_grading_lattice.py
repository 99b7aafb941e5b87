"""No false "Correct": answers that agree with the expected one only on the sample lattice (exact
hundredths, |x| up to ~2000), only within that range, or only in float64 (an underflow to 0, an
overflow, x^oo) are graded different, by the grader, `studybuddy equiv` and the lesson checker alike,
while right answers built from the same pieces stay right."""

from __future__ import annotations

import json
from pathlib import Path

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from studybuddy.cli import main
from studybuddy.core.grading import grade
from studybuddy.core.lessons import validate_lesson
from studybuddy.core.lessons.checker import check_lesson
from studybuddy.core.mathexpr import SymbolTable, parse_expression
from studybuddy.storage.lesson_yaml import load_yaml_text

TABLE = SymbolTable.of({"x": "real"})
LESSON = Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml"

# (answer, expected answer): equal at every hundredth with |x| <= ~2000, or in float64, and nowhere else
ATTACKS = [
    ("floor(100*x)/100", "x"),
    ("x + sin(200*pi*x)/1000", "x"),
    ("cos(200*pi*x)", "1"),
    ("Heaviside(x - 5000)", "0"),
    ("Max(x, 2500)", "2500"),
    ("x + Max(0, Abs(x) - 2000)", "x"),
    ("x^oo", "0"),
    ("x*exp(-1000)", "0"),
]


def exact_value(text: str, x: float) -> mpmath.mpf:
    """``text`` at ``x`` (the float a counterexample names, taken exactly), to 50 digits."""
    value = parse_expression(text, TABLE).subs(TABLE.symbol("x"), sympy.Rational(x)).evalf(50)
    return mpmath.mpf(value) if value.is_finite else mpmath.inf


@pytest.mark.parametrize(("answer", "expected"), ATTACKS)
def test_an_answer_equal_only_on_the_sample_lattice_or_in_float64_is_wrong(
    answer: str, expected: str
) -> None:
    verdict = grade(answer, expected, TABLE)
    assert verdict.kind == "different"
    assert verdict.strength.startswith("different, e.g. at x = ")
    assert verdict.counterexample is not None
    x = verdict.counterexample["x"]
    assert exact_value(answer, x) != exact_value(expected, x)  # the point shown really is a counterexample


def test_an_infinite_or_underflowed_value_is_shown_as_it_is() -> None:
    assert "yours is infinite but the expected answer is 0" in grade("x^oo", "0", TABLE).detail
    assert "e-435 but the expected answer is 0" in grade("x*exp(-1000)", "0", TABLE).detail


def test_a_counterexample_near_a_breakpoint_is_written_with_the_digits_that_place_it() -> None:
    verdict = grade("Heaviside(x - 5000)", "0", TABLE)
    assert verdict.counterexample is not None
    shown = verdict.strength.removeprefix("different, e.g. at x = ")
    assert float(shown) > 5000  # six digits would have said 5000, where both sides are 0


def test_equiv_command_grades_every_attack_different(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "attacks.jsonl"
    lines = [json.dumps({"id": i, "student": a, "teacher": b}) for i, (a, b) in enumerate(ATTACKS)]
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["equiv", "--jsonl", str(cases)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(row["id"], row["verdict"]) for row in rows] == [(i, "different") for i in range(len(ATTACKS))]


def lesson_with_steps(*steps: str) -> str:
    """The fixture lesson with its derivation replaced: d/dx x^2 = 2x, then ``steps`` one by one."""
    text = LESSON.read_text(encoding="utf-8")
    start, end = text.index("derivation:\n"), text.index("checks:\n")
    derivation = [
        "derivation:",
        "  - expr: x^2",
        "    reason: A square.",
        "  - expr: 2*x",
        "    reason: The power rule.",
        "    by: {differentiate: x}",
    ]
    for step in steps:
        derivation += [f"  - expr: {step}", "    reason: Rewritten."]
    return text[:start] + "\n".join(derivation) + "\n" + text[end:]


def step_headlines(text: str) -> dict[str, str]:
    lesson = validate_lesson(load_yaml_text(text, "my.yaml"), "my.yaml")
    return {r.key: r.headline() for r in check_lesson(lesson) if r.key.startswith("step")}


@pytest.mark.parametrize("step", ["2*floor(100*x)/100", "2*x + sin(100*pi*x)"])
def test_the_lesson_checker_fails_a_step_equal_only_on_the_sample_lattice(step: str) -> None:
    headlines = step_headlines(lesson_with_steps(step))
    assert "does not follow from step 2" in headlines["step 3"]
    assert "different, e.g. at x = " in headlines["step 3"]


def test_the_lesson_checker_still_passes_a_right_step_with_a_floor_or_a_fast_wave() -> None:
    headlines = step_headlines(
        lesson_with_steps("2*x + floor(100*x) - floor(100*x)", "2*x + sin(100*pi*x)^2 + cos(100*pi*x)^2 - 1")
    )
    assert ["follows from step" in headlines[f"step {n}"] for n in (3, 4)] == [True, True], headlines


# Right answers with the same pieces: the second look must not turn them wrong.
RIGHT = [
    ("Max(x, 2500) + Min(x, 2500)", "x + 2500"),
    ("Heaviside(x - 5000) + Heaviside(5000 - x)", "1"),
    ("x + Max(0, Abs(x) - 2000) - Max(0, Abs(x) - 2000)", "x"),
    ("sin(200*pi*x)^2 + cos(200*pi*x)^2", "1"),
    ("floor(100*x) + ceiling(-100*x)", "0 * x"),
    ("Abs(x - 5000)", "Max(x - 5000, 5000 - x)"),
    ("x*exp(-1000)*exp(1000)", "x"),
    ("log(1 + exp(x))", "x + log(1 + exp(-x))"),
    ("exp(x)^2", "exp(2x)"),
    # float64 loses (x + 1)^2 - x^2 - 2x at large x; the high-precision check must not lose the Max
    ("(Max(x, 0) + Max(-x, 0) - Abs(x) + 1)*((x + 1)^2 - x^2 - 2x)", "1"),
]


@pytest.mark.parametrize(("answer", "expected"), RIGHT)
def test_right_answers_with_breakpoints_fast_waves_and_extreme_values_stay_right(
    answer: str, expected: str
) -> None:
    verdict = grade(answer, expected, TABLE)
    assert verdict.kind == "equivalent", verdict.detail


# --- every bump the attacks used, on generated answers ---------------------------------------------------

BASES = st.sampled_from(
    ["x", "2*x + 1", "x^2 - 3", "3*x^3 - x", "sin(x) + 2", "atan(x) + x", "x/(x^2 + 1) + 1", "sqrt(x^2 + 1)"]
)
SCALES = st.sampled_from([1, 7, 100, 1000])
STEPS = st.sampled_from([50, 100, 200, 1000, 10**4, 10**6])  # floor(k*x)/k - x is ~1/k: above the tolerance
FREQUENCIES = st.sampled_from([50, 100, 200, 1000, 10**4, 10**6, 2**40])
FAR = st.sampled_from([2001, 2500, 5000, 10**4, 123457, 10**6, 10**9])
TINY = st.sampled_from([750, 1000, 5000, 10**5])


@st.composite
def bumped(draw: st.DrawFn) -> tuple[str, str]:
    """(f with a bump, f): a bump of a kind the attacks used (a term periodic on a lattice, a floor, a
    breakpoint far out, a factor float64 takes for 0 or infinity, x^oo), with parameters that make it 0
    at the usual sample points or not; it changes f well beyond the grader's tolerance somewhere."""
    f = draw(BASES)
    k, step, c, far = draw(FREQUENCIES), draw(STEPS), draw(SCALES), draw(FAR)
    side = draw(st.sampled_from(["x", "-x"]))
    relative = [
        f"sin(2*pi*{k}*x)/{c}",
        f"cos(2*pi*{k}*x) - 1",
        f"floor({step}*x)/{step} - x",
        f"ceiling({step}*x)/{step} - x",
        f"Heaviside({side} - {far})",
        f"Max(0, {side} - {far})",
        f"Max(0, Abs(x) - {far})",
        f"Min(0, {far} - {side})",
        f"sign({side} - {far}) + 1",
        f"Abs({side} - {far}) - ({far} - {side})",
    ]
    kind = draw(st.sampled_from(["relative", "tiny", "infinite"]))
    if kind == "relative":
        return f"({f})*(1 + {draw(st.sampled_from(relative))})", f
    if kind == "tiny":
        b = draw(TINY)
        return draw(
            st.sampled_from(
                [
                    (f"({f})*exp(-{b})", "0"),
                    (f"({f} + 1)*exp(-{b})", f"({f})*exp(-{b})"),
                    (f"2*({f})*exp(-{b})", f"({f})*exp(-{b})"),
                    (f"({f})*exp({b})", f"2*({f})*exp({b})"),
                ]
            )
        )
    return draw(st.sampled_from([(f"{f} + x^oo", f), (f"{f} + Abs(x)^oo", f), (f"({f})*(1 + x^oo)", f)]))


@settings(max_examples=120, deadline=None, derandomize=True)
@given(bumped(), st.booleans())
def test_two_expressions_differing_by_a_bump_the_attacks_used_are_never_equivalent(
    pair: tuple[str, str], swap: bool
) -> None:
    answer, expected = pair[::-1] if swap else pair
    verdict = grade(answer, expected, TABLE)
    assert verdict.kind == "different", (answer, expected, verdict.kind, verdict.detail)
