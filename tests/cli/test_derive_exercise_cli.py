"""`studybuddy derive FILE --lesson L --exercise E`: a derive exercise worked from the shell is checked
(start, every line, goal) and recorded as the app records it (services.derive_exercise)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.services.context import StudyContext

RIGHT = """\
L = -log(s1)
= -z1 + log(exp(z1) + exp(z2) + exp(z3))
dL/dz1 = -1 + exp(z1)/(exp(z1)+exp(z2)+exp(z3))
= s1 - 1
"""
EXERCISE = ["--lesson", "softmax-cross-entropy", "--exercise", "derive-label-gradient"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    return tmp_path / "home"


def attempts(home: Path) -> list[tuple]:
    with StudyContext.open(str(home)).database.read() as conn:
        return conn.execute("SELECT exercise_id, correct, diagnosis, wrong_lines FROM attempts").fetchall()


def test_a_right_derivation_of_the_exercise_exits_0_and_is_recorded(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.txt"
    path.write_text(RIGHT, encoding="utf-8")
    assert main(["derive", str(path), *EXERCISE]) == 0
    out = capsys.readouterr().out
    assert "✓ Derived: every line follows, from the start to the goal s1 - 1." in out
    assert "Recorded as an attempt." in out
    assert attempts(home) == [("derive-label-gradient", 1, None, "")]


def test_a_derivation_that_stops_short_with_a_wrong_line_exits_1_and_records_its_wrong_lines(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("L = -log(s1)\ndL/dz1 = 1 - s1\n", encoding="utf-8")
    assert main(["derive", str(path), *EXERCISE, "--json"]) == 1
    row = json.loads(capsys.readouterr().out)
    assert (row["correct"], row["starts"], row["reaches_goal"], row["recorded"]) == (False, True, False, True)
    assert row["first_error"] == 1 and row["steps"][1]["diagnosis_kind"] in ("sign", "listed-mistake")
    [(exercise, correct, diagnosis, wrong)] = attempts(home)
    assert (exercise, correct, wrong) == ("derive-label-gradient", 0, "2")
    assert diagnosis is not None


def test_an_answer_exercise_or_a_missing_lesson_is_refused_with_what_to_do(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.txt"
    path.write_text(RIGHT, encoding="utf-8")
    assert main(["derive", str(path), "--exercise", "derive-label-gradient"]) != 0
    assert "--lesson" in capsys.readouterr().err
    assert main(["derive", str(path), *EXERCISE[:3], "derive-label-gradiet"]) != 0
    assert "did you mean 'derive-label-gradient'?" in capsys.readouterr().err
    assert attempts(home) == []


def reviews(home: Path) -> list[tuple]:
    with StudyContext.open(str(home)).database.read() as conn:
        return conn.execute(
            "SELECT c.exercise_id, l.rating, l.proposed FROM review_logs l JOIN cards c USING (card_id)"
        ).fetchall()


@pytest.mark.parametrize(
    ("derivation", "rating", "exit_code"),
    [(RIGHT, "good", 0), ("L = -log(s1)\ndL/dz1 = 1 - s1\n", "again", 1)],
    ids=["right", "wrong"],
)
def test_a_derivation_from_the_shell_saves_its_review_as_the_app_rates_it(
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    derivation: str,
    rating: str,
    exit_code: int,
) -> None:
    """From the shell the derivation is the whole sitting: right first time is Good (never Easy for
    speed), wrong is Again; the card then comes back in the review queue as a derive exercise."""
    path = tmp_path / "mine.txt"
    path.write_text(derivation, encoding="utf-8")
    assert main(["derive", str(path), *EXERCISE, "--json"]) == exit_code
    review = json.loads(capsys.readouterr().out)["review"]
    assert (review["proposed"], review["saved"]) == (rating, rating)
    assert [(exercise, saved) for exercise, saved, _ in reviews(home)] == [
        ("derive-label-gradient", {"again": 1, "good": 3}[rating])
    ]
    assert main(["derive", str(path), *EXERCISE]) == exit_code
    assert "Review: Saved as" in capsys.readouterr().out
    assert main(["review", "list", "--json", "--at", "2099-01-01T09:00:00+00:00"]) == 0
    served = json.loads(capsys.readouterr().out)["serve"]
    assert {"exercise": "derive-label-gradient", "exercise_kind": "derive"}.items() <= next(
        item for item in served if item["exercise"] == "derive-label-gradient"
    ).items()


OWN_PIECES = """\
y1 = u1 a1 + u2 a2 + v1 c1 + v2 c2 + b
y2 = u1 a3 + u2 a4 + v1 c3 + v2 c4{bias}
L = g1 y1 + g2 y2
dL/du1 = g1 a1 + g2 a3
"""
STRIDED = ["--lesson", "conv2d-channels-im2col", "--exercise", "derive-strided-weight"]


@pytest.mark.parametrize(("bias", "starts"), [(" + b", True), ("", False)])
def test_a_derivation_that_names_the_pieces_first_starts_where_its_chain_starts(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], bias: str, starts: bool
) -> None:
    # The prompt says 'from the surrogate g1 y1 + g2 y2': a learner defines y1 and y2, then writes L.
    # The engine reads L as a definition, and the first starting point is y1's line: every line held
    # and the goal was reached, yet it said 'it does not start from the exercise's starting point'.
    path = tmp_path / "mine.txt"
    path.write_text(OWN_PIECES.format(bias=bias), encoding="utf-8")
    assert main(["derive", str(path), *STRIDED, "--json"]) == (0 if starts else 1)
    row = json.loads(capsys.readouterr().out)
    assert (row["correct"], row["starts"], row["reaches_goal"]) == (starts, starts, True)
