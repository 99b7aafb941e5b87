"""`studybuddy equiv --def NAME=EXPRESSION`: a named sub-expression, as a lesson's definitions work.

The README's example compares the sigmoid's derivative written in x with ``s*(1-s)``; ``s`` means
something only once it is defined, so the example says what it stands for.
"""

from __future__ import annotations

import json
import shlex

import pytest

from studybuddy.cli import main

# The README's example, word for word (README.md, "Everything also works from the shell").
README_EQUIV = """studybuddy equiv "exp(-x)/(1+exp(-x))^2" "s*(1-s)" --var x --def "s=1/(1+exp(-x))\""""


def run(command_line: str) -> int:
    words = shlex.split(command_line, comments=True)
    assert words[0] == "studybuddy"
    return main(words[1:])


def test_the_readme_example_says_equivalent(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(README_EQUIV) == 0
    assert capsys.readouterr().out.splitlines()[0] == "equivalent (proved equal)"


def test_without_the_definition_the_unknown_name_says_how_to_declare_or_define_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run('studybuddy equiv "exp(-x)/(1+exp(-x))^2" "s*(1-s)" --var x') == 2
    out = capsys.readouterr().out
    assert "unknown name 's'" in out
    assert "--def NAME=EXPRESSION" in out


@pytest.mark.parametrize(
    ("command_line", "verdict"),
    [
        ('studybuddy equiv "exp(-x)/(1+exp(-x))^2" "s*(1+s)" --def "s=1/(1+exp(-x))"', "different"),
        ('studybuddy equiv "exp(-x)/(1+exp(-x))^2" "s - s^2" --def "s = 1/(1+exp(-x))"', "equivalent"),
        ('studybuddy equiv "q*(1-q)*x" "d" --def "q=1/(1+exp(-(w*x+b)))" --def "d=q - q^2 x"', "different"),
        ('studybuddy equiv "2 t" "t + u" --def "u=t" --var t:positive', "equivalent"),
    ],
)
def test_definitions_apply_to_both_sides_with_or_without_var(
    command_line: str, verdict: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(command_line + " --json")
    assert json.loads(capsys.readouterr().out)["verdict"] == verdict


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("s", "--def 's' must be NAME=EXPRESSION"),
        ("=x+1", "--def '=x+1' must be NAME=EXPRESSION"),
        ("s=", "--def 's=' must be NAME=EXPRESSION"),
        ("sin=x", "'sin' is a built-in function or constant and cannot be a variable"),
        ("s=s+1", "the definitions refer to each other in a circle: s"),
        ("s=1/(1+exp(-y))", "in the definition of s: unknown name 'y'"),
    ],
)
def test_a_bad_definition_says_what_is_wrong(
    option: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["equiv", "x", "s", "--var", "x", "--def", option]) == 2
    assert message in capsys.readouterr().out


def test_jsonl_takes_no_definitions_on_the_command_line(tmp_path, capsys) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("{}\n", encoding="utf-8")
    assert main(["equiv", "--jsonl", str(cases), "--def", "s=x"]) != 0
    assert "--def" in capsys.readouterr().err
