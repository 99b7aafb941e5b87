"""`studybuddy equiv`: one comparison for a person, or JSON lines for scripts."""

import json
from pathlib import Path

import pytest

from studybuddy.cli import main


def test_a_person_reads_the_verdict_and_the_exit_status_says_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["equiv", "lam w", "2 lam w", "--var", "lam", "--var", "w:positive"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("different (e.g. at lam = ")
    assert out[1] == "Off by a constant factor: your answer is missing a factor 2."


def test_json_output_and_an_invalid_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["equiv", "x.__class__", "x", "--json"]) == 2
    row = json.loads(capsys.readouterr().out)
    assert row["verdict"] == "invalid"
    assert row["error_column"] == 2


def test_jsonl_gives_one_row_per_line_in_order_and_survives_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps(
            {"id": "ok", "student": "s - s^2", "teacher": "s*(1-s)", "assumptions": {"s": "probability"}}
        ),
        "{not json",
        json.dumps({"id": "no-teacher", "student": "x"}),
        json.dumps({"id": "parse", "student": "1/0", "teacher": "x"}),
        json.dumps({"id": "symbols", "student": "xy", "teacher": "x*y", "symbols": ["x", "y"]}),
        json.dumps({"id": "functions", "student": "f(x)", "teacher": "g(x)"}),
        json.dumps(["a list"]),
    ]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["equiv", "--jsonl", str(cases)]) == 0

    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in rows] == ["ok", 2, "no-teacher", "parse", "symbols", "functions", 7]
    assert [row["verdict"] for row in rows] == [
        "equivalent",
        "invalid",
        "invalid",
        "invalid",
        "equivalent",
        "different",
        "invalid",
    ]
    assert rows[3]["detail"] == "division by zero at column 3"
    assert all({"id", "verdict", "detail", "ms", "strength", "counterexample"} <= row.keys() for row in rows)


def test_jsonl_a_line_that_is_not_utf8_is_an_invalid_row_and_the_rest_is_graded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(
        b'{"id": "before", "student": "2x", "teacher": "x + x"}\r\n'
        b"\xff\xfe\x00 not text\n"
        b'{"id": "after", "student": "x", "teacher": "2x"}\n'
    )

    assert main(["equiv", "--jsonl", str(cases)]) == 0

    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(row["id"], row["verdict"]) for row in rows] == [
        ("before", "equivalent"),
        (2, "invalid"),
        ("after", "different"),
    ]
    assert rows[1]["detail"] == "line 2 is not UTF-8 text (byte 1)"


@pytest.mark.parametrize("limit", ["0", "-1", "nan", "inf", "soon"])
def test_a_time_limit_that_cannot_be_met_is_a_usage_error(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["equiv", "x", "x", "--timeout", limit])
    assert exited.value.code == 2
    assert "--timeout" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("x:", "--var 'x:' names no domain after ':' (write 'x' for a real variable)"),
        ("x:posit", "unknown domain 'posit' for 'x': did you mean positive?"),
        ("x:banana", "unknown domain 'banana' for 'x' (one of: real, positive, nonnegative"),
    ],
)
def test_a_bad_var_option_says_what_is_wrong(
    option: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["equiv", "x", "x", "--var", option]) == 2
    assert message in capsys.readouterr().out


GOOD_LINE = json.dumps({"id": "after", "student": "2x", "teacher": "x + x"})


@pytest.mark.parametrize(
    ("bad_line", "detail"),
    [
        ("[" * 100_000, "line 1 nests arrays or objects more than 32 deep"),
        ('{"id": 1, "student": "x", "teacher": "x", "n": ' + "9" * 4301 + "}", "4,301 digits"),
        ('{"id": ' + "9" * 5000 + ', "student": "x", "teacher": "x"}', "5,000 digits"),
        ('{"id": 1, "student": "x", "teacher": "x", "symbols": [-' + "9" * 5000 + "]}", "5,000 digits"),
        ('{"id": "\\ud800", "student": "x", "teacher": "x"}', "lone surrogate"),
        ('{"id": "a", "student": "x\\udfff", "teacher": "x"}', "lone surrogate"),
        ('{"id": 1e999, "student": "x", "teacher": "x"}', "too large for a float"),
        ('{"id": NaN, "student": "x", "teacher": "x"}', "NaN, which is not a JSON number"),
        ('{"id": -Infinity, "student": "x", "teacher": "x"}', "-Infinity, which is not a JSON number"),
    ],
    ids=[
        "nested",
        "digits-field",
        "digits-id",
        "digits-list",
        "surrogate-id",
        "surrogate-text",
        "1e999",
        "nan",
        "infinity",
    ],
)
def test_jsonl_a_line_python_cannot_decode_or_echo_gets_its_row_and_the_next_line_is_graded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad_line: str, detail: str
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(bad_line + "\n" + GOOD_LINE + "\n", encoding="utf-8")

    assert main(["equiv", "--jsonl", str(cases)]) == 0

    first, second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (first["id"], first["verdict"]) == (1, "invalid")
    assert first["detail"].startswith("line 1 ") and detail in first["detail"]
    assert (second["id"], second["verdict"]) == ("after", "equivalent")


def test_jsonl_a_line_longer_than_a_mebibyte_is_refused_without_holding_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(b"x" * (5 << 20) + b"\n" + GOOD_LINE.encode() + b"\n")

    assert main(["equiv", "--jsonl", str(cases)]) == 0

    first, second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert first["detail"] == "line 1 is longer than 1,024 KiB"
    assert (second["id"], second["verdict"]) == ("after", "equivalent")
