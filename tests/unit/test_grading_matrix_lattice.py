"""No false "Correct" for matrix and vector answers either: an answer that agrees with the expected one
only on the sample lattice, only within the sampled range, or only in float64 is graded different, entry
by entry, as scalars are (test_grading_lattice.py); right matrix answers built from the same pieces stay
right, and the grader, its diagnosis and the lesson checker agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studybuddy.core.grading import grade
from studybuddy.core.grading.entries import MAX_TERMS, is_matrix_valued
from studybuddy.core.grading.grader import grade_terms, prepared
from studybuddy.core.grading.terms import GradingTerms, exercise_terms
from studybuddy.core.lessons import validate_lesson
from studybuddy.core.lessons.checker import check_lesson
from studybuddy.core.lessons.variants import instantiate
from studybuddy.core.mathexpr import Domain, SymbolTable, Variable
from studybuddy.services.lessons import LessonService
from studybuddy.storage.lesson_yaml import load_yaml_text

TABLE = SymbolTable(
    [
        Variable("W", shape=(2, 3)),
        Variable("A", shape=(2, 2)),
        Variable("w", shape=(3,)),
        Variable("p", Domain.PROBABILITY, shape=(3,)),
        Variable("lam"),
    ]
)
LESSON = Path(__file__).parent.parent / "fixtures" / "lessons" / "sigmoid-derivative.yaml"

# (answer, expected answer): equal at every sample point (hundredths, |lam| <= ~2000), or in float64,
# and nowhere else. Each attack of test_grading_lattice.py, on a scalar factor of a matrix or vector, or
# on the entries themselves (sum(w), trace(A) are hundredths wherever the entries are).
ATTACKS = [
    ("floor(100*lam)/100 W", "lam W"),  # a floor on the parameter
    ("w*floor(100*sum(w))/(100*sum(w))", "w"),  # a floor on the entries
    ("floor(100*trace(A))/100", "trace(A)"),  # a scalar of a matrix's entries
    ("w + sin(200*pi*lam)*w/1000", "w"),  # periodic on the lattice
    ("cos(200*pi*lam) W", "W"),
    ("A + sin(200*pi*trace(A)) A", "A"),  # periodic in the entries
    ("w*(1 + Heaviside(lam - 5000))", "w"),  # a breakpoint beyond the sampled range
    ("w*(1 + Heaviside(sum(w) - 5000))", "w"),
    ("Max(lam, 2500) W", "2500 W"),
    ("(lam + Max(0, Abs(lam) - 2000)) A", "lam A"),
    ("w*exp(-1000)", "0*w"),  # 0 in float64
    ("2 exp(-1000) W", "exp(-1000) W"),
    ("exp(1000) w", "2 exp(1000) w"),  # infinite in float64
    ("lam^oo w", "0*w"),
    ("w + Abs(lam)^oo w", "w"),
    ("w*(1 + Heaviside(lam - 5))", "w"),  # the issue's own examples (found by the first look)
]


@pytest.mark.parametrize(("answer", "expected"), ATTACKS)
def test_a_matrix_answer_equal_only_on_the_lattice_in_range_or_in_float64_is_wrong(
    answer: str, expected: str
) -> None:
    verdict = grade(answer, expected, TABLE)
    assert verdict.kind == "different", verdict.detail
    if verdict.diagnosis is None:
        assert verdict.detail.startswith("Not equal to the expected answer: they differ at random values of ")
    else:  # a bump is a factor (1 + Heaviside(...)); but 0 = -0 at the sample points is no sign error
        assert verdict.diagnosis.code == "extra-factor", verdict.detail


def shown_value(detail: str, name: str) -> float:
    found = re.search(rf"\bat {name} = (-?[0-9.e+]+)", detail)
    assert found is not None, detail
    return float(found.group(1))


@pytest.mark.parametrize(
    ("answer", "expected", "beyond"),
    [("w*(1 + Heaviside(lam - 5000))", "w", 5000), ("Max(lam, 2500) W", "2500 W", 2500)],
)
def test_the_parameter_shown_is_where_the_matrices_really_differ(
    answer: str, expected: str, beyond: float
) -> None:
    detail = grade(answer, expected, TABLE).detail
    assert shown_value(detail, "lam") > beyond  # where both sides are the same, 6 digits would say 5000


def test_the_entry_that_differs_and_its_values_are_shown_as_they_are() -> None:
    exp_detail = grade("w*exp(-1000)", "0*w", TABLE).detail
    assert re.search(r"entry \d of yours is -?\d\.\d+e-435, of the expected answer 0\)", exp_detail)
    assert "entry 1 of yours is infinite, of the expected answer 0" in grade("lam^oo w", "0*w", TABLE).detail
    # the diagonal of A - A^T is 0: only the entries off it differ, and the first of them is named
    assert "entry (1, 2) of yours" in grade("A + (A - A^T) Heaviside(lam - 5000)", "A", TABLE).detail


def test_a_scalar_of_matrix_entries_is_compared_not_left_undecided() -> None:
    """dot, sum, trace and det are scalars of the entries: sampled as such, not 'could not decide'."""
    assert grade("sum(w)", "dot(w, w)", TABLE).kind == "different"
    assert grade("trace(A)", "sum(diag(A))", TABLE).kind == "equivalent"
    assert grade("det(A)", "det(A^T)", TABLE).kind == "equivalent"
    assert grade("det(A)", "trace(A)", TABLE).kind == "different"


def test_a_scalar_answer_against_a_matrix_is_a_shape_difference_not_a_crash() -> None:
    verdict = grade("det(A)", "A", TABLE)
    assert (verdict.kind, verdict.strength) == ("shape", "different shapes")


# Right answers with the same pieces: the second look and its high-precision check keep them right.
RIGHT = [
    ("(Max(lam, 2500) + Min(lam, 2500)) W", "(lam + 2500) W"),
    ("(Heaviside(lam - 5000) + Heaviside(5000 - lam)) w", "w"),
    ("(Heaviside(sum(w)) + Heaviside(-sum(w))) w", "w"),
    ("Max(lam, 0) A + Min(lam, 0) A", "lam A"),
    ("(sin(200*pi*lam)^2 + cos(200*pi*lam)^2) A", "A"),
    ("Abs(lam - 5000) W", "Max(lam - 5000, 5000 - lam) W"),
    ("(floor(100*lam) + ceiling(-100*lam)) W", "0*W"),
    ("exp(-1000)*exp(1000)*W", "W"),
    ("exp(-1000) W + exp(-1000) W", "2 W exp(-1000)"),  # 0 in float64 on both sides: still right
    ("exp(1000) w + w", "(exp(1000) + 1) w"),  # infinite in float64 on both sides
    ("log(1 + exp(lam)) w", "(lam + log(1 + exp(-lam))) w"),
    ("Abs(sum(p)) p", "sum(p) p"),  # p is a probability vector: its entries are positive
    ("W^T A^T", "(A W)^T"),
    # (Max(lam, 0) + Max(-lam, 0) - Abs(lam) + 1 is 1, but no proof sees it: every scale is compared)
    ("(A W + W) w (Max(lam, 0) + Max(-lam, 0) - Abs(lam) + 1)", "A (W w) + W w"),
    ("((A + A^2) W w - A^2 W w) (Max(lam, 0) + Max(-lam, 0) - Abs(lam) + 1)", "A W w"),  # float64 cancels
    ("inv(A)^T", "inv(A^T)"),
    ("(inv(A) A^T)^T", "A inv(A)^T"),
]


@pytest.mark.parametrize(("answer", "expected"), RIGHT)
def test_right_matrix_answers_with_breakpoints_fast_waves_and_extreme_values_stay_right(
    answer: str, expected: str
) -> None:
    verdict = grade(answer, expected, TABLE)
    assert verdict.kind == "equivalent", verdict.detail


def bundled_matrix_exercises() -> list[tuple[str, str, GradingTerms]]:
    """(lesson id, exercise id, terms) of every bundled exercise whose answer is a matrix or vector."""
    lessons = LessonService(home=None)
    found = []
    for entry in lessons.list():
        if entry.summary is None:
            continue
        lesson = lessons.get(entry.summary.id)
        for written in lesson.exercises:
            if written.kind != "answer":  # a shape, a number or a choice of letters: no expression
                continue
            exercise = instantiate(written, 1)  # a variant: its parameters as drawn values
            terms = exercise_terms(lesson, exercise)
            variables = terms.symbol_table().variables
            if is_matrix_valued(prepared(terms.expected, variables, terms.definitions, terms.functions)):
                found.append((lesson.id, exercise.id, terms))
    return found


MATRIX_EXERCISES = bundled_matrix_exercises()


def test_the_library_has_matrix_answers_to_guard() -> None:
    assert MATRIX_EXERCISES


@pytest.mark.parametrize(
    ("lesson", "exercise", "terms"), MATRIX_EXERCISES, ids=[f"{a}/{b}" for a, b, _ in MATRIX_EXERCISES]
)
def test_every_bundled_matrix_answer_stays_right_and_its_listed_mistakes_stay_named(
    lesson: str, exercise: str, terms: GradingTerms
) -> None:
    assert grade_terms(terms.expected, terms).kind == "equivalent"
    for index, mistake in enumerate(terms.mistakes):
        verdict = grade_terms(mistake.answer, terms)
        assert verdict.kind in ("different", "shape"), (mistake.answer, verdict.detail)
        assert verdict.diagnosis is not None and verdict.diagnosis.code == f"listed:{index}", verdict.detail


def test_matrices_too_large_to_write_out_are_still_graded_numerically() -> None:
    size = 24  # a 24x24 product: more than MAX_TERMS terms entry by entry
    assert size * size * (size + 1) > MAX_TERMS
    table = SymbolTable([Variable("M", shape=(size, size)), Variable("v", shape=(size,))])
    assert grade("(M M)^T", "M^T M^T", table).kind == "equivalent"
    assert grade("M M", "M^T M", table).kind == "different"
    assert grade("M v", "M v", table).kind == "equivalent"


# --- the lesson checker: a matrix derivation step equal only on the lattice ----------------------------


def matrix_lesson(*steps: str) -> str:
    """The fixture lesson with a matrix W and a parameter lam, and a derivation of ``steps`` (the first
    given, each next one a rewrite of the one before)."""
    text = LESSON.read_text(encoding="utf-8")
    text = text.replace(
        "  s: probability\n", "  s: probability\n  lam: real\n  W: {domain: real, shape: [2, 3]}\n"
    )
    start, end = text.index("derivation:\n"), text.index("checks:\n")
    derivation = ["derivation:"]
    for step in steps:
        derivation += [f"  - expr: {step}", "    reason: Rewritten."]
    return text[:start] + "\n".join(derivation) + "\n" + text[end:]


def step_headlines(text: str) -> dict[str, str]:
    lesson = validate_lesson(load_yaml_text(text, "my.yaml"), "my.yaml")
    return {r.key: r.headline() for r in check_lesson(lesson) if r.key.startswith("step")}


def test_the_lesson_checker_fails_a_matrix_step_equal_only_on_the_lattice_and_passes_a_right_one() -> None:
    headlines = step_headlines(
        matrix_lesson(
            "2 lam W", "2 floor(100*lam)/100 W", "(Max(lam, 0) + Min(lam, 0)) W", "lam/2 W + lam/2 W"
        )
    )
    assert "does not follow from step 1" in headlines["step 2"], headlines
    assert "follows from step 2" not in headlines["step 3"]  # it is lam W: step 2 was wrong
    assert "follows from step 3" in headlines["step 4"], headlines


# --- every bump the attacks used, on generated matrix answers ------------------------------------------

BASES = st.sampled_from(["W", "A W", "lam W", "(1 + lam^2) W", "W + A W", "sin(lam) W", "(A + A^T) W"])
PARAMETERS = st.sampled_from(["lam", "-lam", "sum(w)", "trace(A)"])
STEPS = st.sampled_from([50, 100, 200, 1000, 10**4, 10**6])
FREQUENCIES = st.sampled_from([50, 100, 200, 1000, 10**4, 10**6, 2**40])
SCALES = st.sampled_from([1, 7, 100, 1000])
FAR = st.sampled_from([2001, 2500, 5000, 10**4, 123457, 10**6, 10**9])
TINY = st.sampled_from([750, 1000, 5000, 10**5])


@st.composite
def bumped(draw: st.DrawFn) -> tuple[str, str]:
    """(a 2x3 matrix with a bump, the matrix): the bump of a kind the attacks used (periodic on the
    lattice, a floor, a breakpoint far out, a factor float64 takes for 0 or infinity, ^oo) in a scalar
    factor, on a parameter or on the entries; it changes some entry well beyond the tolerance."""
    f = draw(BASES)
    t, k, step, c, far = draw(PARAMETERS), draw(FREQUENCIES), draw(STEPS), draw(SCALES), draw(FAR)
    relative = [
        f"sin(2*pi*{k}*({t}))/{c}",
        f"cos(2*pi*{k}*({t})) - 1",
        f"(floor({step}*({t}))/{step} - ({t}))*{step}",
        f"(ceiling({step}*({t}))/{step} - ({t}))*{step}",
        f"Heaviside({t} - {far})",
        f"Max(0, {t} - {far})",
        f"Max(0, Abs({t}) - {far})",
        f"Min(0, {far} - ({t}))",
        f"sign({t} - {far}) + 1",
    ]
    kind = draw(st.sampled_from(["relative", "tiny", "infinite"]))
    if kind == "relative":
        return f"(1 + {draw(st.sampled_from(relative))})*({f})", f
    if kind == "tiny":
        b = draw(TINY)
        return draw(
            st.sampled_from(
                [
                    (f"exp(-{b})*({f})", f"0*({f})"),
                    (f"exp(-{b})*(lam^2 + 1)*({f})", f"exp(-{b})*lam^2*({f})"),
                    (f"2*exp(-{b})*({f})", f"exp(-{b})*({f})"),
                    (f"exp({b})*({f})", f"2*exp({b})*({f})"),
                ]
            )
        )
    return draw(st.sampled_from([(f"{f} + lam^oo*({f})", f), (f"(1 + Abs({t})^oo)*({f})", f)]))


@settings(max_examples=80, deadline=None, derandomize=True)
@given(bumped(), st.booleans())
def test_two_matrices_differing_by_a_bump_the_attacks_used_are_never_equivalent(
    pair: tuple[str, str], swap: bool
) -> None:
    answer, expected = pair[::-1] if swap else pair
    verdict = grade(answer, expected, TABLE)
    assert verdict.kind == "different", (answer, expected, verdict.kind, verdict.detail)
