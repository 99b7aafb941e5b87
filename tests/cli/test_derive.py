"""`studybuddy derive`: a derivation from a file or standard input for a person, JSON lines for scripts."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.core.derivation.marks import DIAGNOSIS_KINDS, VERDICTS

STEP_FIELDS = {
    "verdict",
    "strength",
    "detail",
    "counterexample",
    "diagnosis",
    "diagnosis_kind",
    "column",
    "ms",
}

SOFTMAX = """\
L = -log(s1)
s1 = exp(z1)/(exp(z1)+exp(z2)+exp(z3))
s2 = exp(z2)/(exp(z1)+exp(z2)+exp(z3))

dL/dz1 = s1 - 1
dL/dz2 = s2
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    return tmp_path / "home"


def write(tmp_path: Path, text: str, name: str = "derivation.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_right_derivation_exits_0_and_says_what_each_line_follows_from(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["derive", write(tmp_path, SOFTMAX)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "1  start   L = -log(s1)"
    assert out[1].strip() == "a starting point named L"
    assert "5  follows dL/dz1 = s1 - 1" in out
    assert "the derivative of L (line 1) with respect to z1: proved equal" in [line.strip() for line in out]
    assert out[-1] == "5 lines: 2 follow, 3 start"


def test_a_wrong_line_exits_1_with_where_it_differs_and_the_mistake(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SOFTMAX.replace("dL/dz2 = s2", "dL/dz2 = -s2\ndL/dq = 0")
    assert main(["derive", write(tmp_path, text)]) == 1
    out = capsys.readouterr().out
    assert "6  WRONG   dL/dz2 = -s2" in out
    assert "Sign error: this line is the negative of the derivative." in out
    assert "7  invalid dL/dq = 0\n" in out
    assert "\n" + " " * 15 + "^\n" in out  # the caret under q
    assert out.rstrip().endswith("1 do not follow, 1 invalid; the first wrong line is line 6")


def test_standard_input_declared_variables_and_definitions(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "1/(1 + exp(-x))\nd/dx: exp(-x)/(1 + exp(-x))^2\n= s*(1 - s)\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["derive", "-", "--var", "x", "--def", "s=1/(1+exp(-x))", "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert [step["verdict"] for step in row["steps"]] == ["start", "follows", "follows"]
    assert [step["line"] for step in row["steps"]] == [1, 2, 3]
    assert row["first_error"] is None


def test_a_declared_variable_list_makes_any_other_name_an_error(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["derive", write(tmp_path, "x^2\nd/dx: 2y"), "--var", "x", "--json"]) == 1
    row = json.loads(capsys.readouterr().out)
    assert row["steps"][1]["verdict"] == "invalid"
    assert row["steps"][1]["column"] == 8
    assert row["first_error"] == 1


def test_in_a_lessons_context_its_definitions_apply(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "L = -log(s1)\ndL/dz1 = s1 - 1\ndL/dz2 = s2\ndL/dz3 = s3\n"
    assert main(["derive", write(tmp_path, text), "--lesson", "softmax-cross-entropy"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("4 lines: 3 follow, 1 start")


def test_jsonl_one_row_per_line_in_order_with_the_issues_fields(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps(
            {
                "id": "d-1",
                "symbols": {"x": "real"},
                "steps": [
                    {"expr": "1/(1 + exp(-x))"},
                    {"expr": "exp(-x)/(1 + exp(-x))^2", "by": {"differentiate": "x"}},
                    {"expr": "-exp(-x)/(1 + exp(-x))^2"},
                ],
            }
        ),
        "{not json",
        json.dumps({"id": "no-steps"}),
        json.dumps(
            {
                "id": "lines",
                "steps": [{"line": "f = x^3"}, {"line": "df/dx = 3x^2"}, {"line": "d/dx: 3x"}],
            }
        ),
        json.dumps(
            {
                "id": "rules",
                "symbols": ["x", "y1"],
                "steps": [
                    {"expr": "y1*x^2"},
                    {"expr": "x^2", "by": {"substitute": {"y1": "1"}}},
                    {"expr": "0", "by": {"limit": {"x": "0"}}},
                    {"expr": "x^2", "by": {"given": True}},
                    {"expr": "2x", "by": {"differentiate": "q"}},
                ],
            }
        ),
        json.dumps(["a list"]),
        "",
    ]
    assert main(["derive", "--jsonl", write(tmp_path, "\n".join(lines) + "\n", "cases.jsonl")]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in rows] == ["d-1", 2, "no-steps", "lines", "rules", 6, 7]
    for row in rows:
        assert set(row) == {"id", "steps", "first_error", "error"}
        for step in row["steps"]:
            assert set(step) == STEP_FIELDS
            assert step["verdict"] in VERDICTS
            assert step["diagnosis_kind"] is None or step["diagnosis_kind"] in DIAGNOSIS_KINDS
    first = rows[0]
    assert [step["verdict"] for step in first["steps"]] == ["start", "follows", "does-not-follow"]
    assert first["steps"][2]["diagnosis_kind"] == "sign"
    assert set(first["steps"][2]["counterexample"]) == {"x"}
    assert first["first_error"] == 2 and first["error"] is None
    assert rows[1]["error"].startswith("line 2 is not JSON") and rows[1]["steps"] == []
    assert rows[2]["error"] == "'steps' must be a list of at least one step"
    assert [step["verdict"] for step in rows[3]["steps"]] == ["start", "follows", "does-not-follow"]
    assert rows[3]["steps"][2]["diagnosis_kind"] == "constant-factor"
    rules = [step["verdict"] for step in rows[4]["steps"]]
    assert rules == ["start", "follows", "follows", "start", "invalid"]
    assert rows[4]["first_error"] == 4
    assert rows[5]["error"] == "each line must be a JSON object with 'steps'"
    assert rows[6]["error"].startswith("line 7 is not JSON")


def test_jsonl_a_line_that_is_not_utf8_is_a_row_and_the_rest_is_marked(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.jsonl"
    good = json.dumps({"steps": [{"expr": "x"}, {"expr": "x + 0"}]}).encode()
    path.write_bytes(b'{"steps": "\xff"}\n' + good + b"\n")
    assert main(["derive", "--jsonl", str(path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["error"] == "line 1 is not UTF-8 text (byte 12)"
    assert [step["verdict"] for step in rows[1]["steps"]] == ["start", "follows"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["derive", "--jsonl", "-", "--var", "x"], "--jsonl reads everything from its file"),
        (["derive", "FILE", "--lesson", "softmax", "--var", "x"], "give no --var/--def with it"),
        (["derive", "/nonexistent/derivation.txt"], "cannot read /nonexistent/derivation.txt"),
        (["derive", "FILE", "--var", "x:reel"], "did you mean real?"),
        (["derive", "FILE", "--def", "s"], "must be NAME=EXPRESSION"),
        (["derive", "FILE", "--lesson", "no-such-lesson"], "no lesson has the id 'no-such-lesson'"),
    ],
)
def test_unusable_options_or_files_say_what_is_wrong(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    argv = [write(tmp_path, "x\n") if arg == "FILE" else arg for arg in argv]
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_a_file_that_is_not_utf8_says_where(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"x^2\nd/dx: 2\xb7x\n")
    assert main(["derive", str(path)]) == 1
    assert "is not UTF-8 text (line 2, byte 8)" in capsys.readouterr().err


def test_no_file_is_a_usage_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["derive"])
    assert exit_.value.code == 2
    assert "give a FILE" in capsys.readouterr().err
