"""`studybuddy lessons check` on lessons whose shape, number, choice, matrix or variant exercises are
written wrong (issue 12's bad input): each refused with the file:line:column of what is wrong, and the
good fixture passing, its variants proved over several draws."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from studybuddy.cli import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "lessons" / "exercise-kinds.yaml"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    return tmp_path / "home"


def check(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["lessons", "check", str(path)])
    return code, capsys.readouterr().out


def written(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    text = FIXTURE.read_text()
    assert text.count(old) == 1, old
    path = tmp_path / "kinds.yaml"
    path.write_text(text.replace(old, new))
    return path, text.replace(old, new)


def position(text: str, needle: str) -> str:
    """'line:column' of ``needle``'s first character (1-based)."""
    before = text[: text.index(needle)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def test_the_fixture_passes_with_its_variants_proved(capsys) -> None:
    code, out = check(capsys, FIXTURE)
    assert code == 0 and "PASS   exercise-kinds" in out


@pytest.mark.parametrize(
    ("old", "new", "at", "said"),
    [
        # a shape with a negative, a symbolic-but-undeclared, or a not-natural dimension
        (
            "    answer: (D, C)",
            "    answer: (D, -C)",
            "    answer: (D, -C)",
            "a dimension is a size of 1 or more; -C is not",
        ),
        ("    answer: (D, C)", "    answer: (D, Q)", "    answer: (D, Q)", "unknown name 'Q'"),
        ("  N: natural", "  N: real", "      - answer: (N, C)", "N is not declared natural"),
        # a 10,000 x 10,000 matrix
        (
            "  W: {domain: real, shape: [3, 2]}",
            "  W: {domain: real, shape: [10000, 2]}",
            "10000",
            "a size is from 1 to 100, not 10000",
        ),
        # an empty range, and one that makes the answer undefined for some draws
        (
            "      n: integer 8..20",
            "      n: integer 20..8",
            "integer 20..8",
            "the range 'integer 20..8' is empty",
        ),
        (
            "    answer: n - k + 1",
            "    answer: 1/(n - 12)",
            "    answer: 1/(n - 12)",
            "the answer is not a usable value",
        ),
        # a choice with no right option
        ("        correct: true\n", "", '      - text: "`w -= lr * dw`"', "no option is right"),
    ],
)
def test_a_wrong_exercise_is_refused_where_it_is_written(
    capsys, tmp_path: Path, old: str, new: str, at: str, said: str
) -> None:
    path, text = written(tmp_path, old, new)
    code, out = check(capsys, path)
    assert code == 1 and said in out
    line = position(text, at).split(":")[0]
    assert re.search(rf"{re.escape(str(path))}:{line}:\d+: ", out), out
