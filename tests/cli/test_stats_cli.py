"""`studybuddy stats` as printed and as JSON, on a fixed clock."""

import json
from pathlib import Path

import pytest

from studybuddy.cli import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    clock = tmp_path / "clock.txt"
    clock.write_text("2025-07-06T21:00:00+00:00")  # a Sunday evening
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("STUDYBUDDY_CLOCK_FILE", str(clock))
    monkeypatch.setenv("NO_COLOR", "1")
    for minutes, subject, when in (
        (60, "calculus", "today"),
        (45, "algebra", "yesterday"),
        (150, "ml", "3 days ago"),
    ):
        assert main(["timer", "log", str(minutes), "--subject", subject, "--date", when]) == 0
    return tmp_path


def test_json_has_minutes_per_day_and_subject_streaks_and_the_heatmap(capsys) -> None:
    capsys.readouterr()
    assert main(["stats", "--week", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["window"] == "week" and (report["start"], report["end"]) == ("2025-06-30", "2025-07-06")
    assert report["minutes_by_day"]["2025-07-06"] == 60 and report["minutes_by_day"]["2025-07-04"] == 0
    assert report["minutes_by_subject"] == {"ml": 150, "calculus": 60, "algebra": 45}
    assert report["streak"] == {"current": 2, "longest": 2}
    assert [row[0] for row in report["heatmap"]["levels"]] == [0, 0, 0, 4, 0, 2, 3]  # Mon..Sun


def test_the_printed_report_reads_without_colour(capsys) -> None:
    capsys.readouterr()
    assert main(["stats", "--week"]) == 0
    out = capsys.readouterr().out
    assert "Last 7 days (2025-06-30 to 2025-07-06): 4 h 15 min on 3 days" in out
    assert "Streak: 2 days (longest 2)" in out
    [ml] = [line for line in out.splitlines() if line.startswith("  ml ")]
    assert ml.split() == ["ml", "2", "h", "30", "min", "█" * 24]  # the most studied: the full bar
    [sunday] = [line for line in out.splitlines() if line.startswith("  Sun 06 Jul")]
    assert sunday.split()[3:] == ["1", "h", "▓"]
    assert "Thu  █" in out and "Sat  ▒" in out and "Sun  ▓" in out
    assert "\x1b[" not in out  # NO_COLOR


def test_the_year_heatmap_has_a_row_per_weekday_and_fits_the_terminal(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    capsys.readouterr()
    main(["stats", "--year"])
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    assert len(rows) == 7 and all(len(line) <= 80 for line in lines)
    assert rows[6].endswith("▓")  # today, an hour


def test_an_empty_home_says_so(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("STUDYBUDDY_HOME", str(tmp_path / "empty"))
    capsys.readouterr()
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "0 min on 0 days" in out and "No study time recorded in this window." in out
