"""Why a wrong answer is wrong: the message a learner reads."""

from grading_support import diagnosed

from studybuddy.core.grading import ListedMistake, grade
from studybuddy.core.mathexpr import SymbolTable

TABLE = SymbolTable.of(
    {"x": "real", "s": "probability", "lam": "real", "w": "real", "N": "positive", "p": "real", "y": "real"}
)


def diagnosis(answer: str, expected: str, **kwargs: object) -> tuple[str, str]:
    return diagnosed(answer, expected, TABLE, **kwargs)


def test_sign_error() -> None:
    code, message = diagnosis("y - p", "p - y")
    assert code == "sign"
    assert "negative" in message


def test_missing_constant_factor_names_the_factor() -> None:
    assert diagnosis("lam w", "2 lam w") == (
        "factor",
        "Off by a constant factor: your answer is missing a factor 2.",
    )


def test_extra_constant_factor_names_the_factor() -> None:
    assert diagnosis("x/2", "x")[1].endswith("has an extra factor 1/2.")
    assert diagnosis("3x", "x")[1].endswith("has an extra factor 3.")


def test_missing_symbolic_factor_such_as_one_over_n() -> None:
    assert diagnosis("p - y", "(p - y)/N") == ("missing-factor", "Your answer is missing the factor 1/N.")


def test_missing_chain_rule_factor() -> None:
    code, message = diagnosis("1/(1 + exp(-x))^2", "exp(-x)/(1 + exp(-x))^2")
    assert code == "missing-factor"
    assert message == "Your answer is missing the chain-rule factor exp(-x)."


def test_additive_constant() -> None:
    assert diagnosis("x^2 + 3", "x^2")[1].endswith("the expected answer plus 3.")
    assert diagnosis("sin(x) - 1/2", "sin(x)")[1].endswith("the expected answer minus 1/2.")


def test_listed_mistakes_come_first_with_their_own_feedback() -> None:
    mistakes = [ListedMistake("s + s^2", "first"), ListedMistake("-s*(1-s)", "Check the sign of ds/dx.")]
    assert diagnosis("-(s - s^2)", "s*(1-s)", mistakes=mistakes) == ("listed:1", "Check the sign of ds/dx.")


def test_an_unrelated_answer_gets_a_counterexample_but_no_invented_reason() -> None:
    verdict = grade("sin(x)", "x^3 + 1", TABLE)
    assert verdict.kind == "different"
    assert verdict.diagnosis is None
    assert verdict.detail.startswith("Not equal to the expected answer: at x = ")
