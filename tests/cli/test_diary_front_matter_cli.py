"""A diary entry whose front matter holds an impossible date or number, through the shell commands
(issue 10): `diary show` gave a traceback, `diary search` and `diary export` stopped as a whole. The
entry is text with its front matter kept as written; a warning names the file; the other days are
all there."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.services import clock

NOW = datetime(2025, 7, 9, 21, 30, tzinfo=timezone(timedelta(hours=2)))
IMPOSSIBLE = {
    "month 13": "created: 2025-13-45",
    "30 February": "tags: 2025-02-30",
    "25:61:61": "at: 2025-02-03 25:61:61",
    "+99:00": "when: 2025-02-03T10:00:00+99:00",
    "5,000 digits": "n: " + "9" * 5_000,
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(clock.LocalClock, "now", lambda self: NOW)
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    diary = tmp_path / "home" / "diary"
    diary.mkdir(parents=True)
    (diary / "2025-07-02.md").write_text("A good day #backprop\n")
    (diary / "2025-07-03.md").write_text("Another #backprop day\n")
    return tmp_path / "home"


def bad_entry(home: Path, line: str) -> str:
    text = f"---\n{line}\n---\nDerived the softmax #backprop by hand.\n"
    (home / "diary" / "2025-07-01.md").write_text(text)
    return text


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), "diary", *args])


@pytest.mark.parametrize("line", list(IMPOSSIBLE.values()), ids=list(IMPOSSIBLE))
def test_show_prints_the_entry_as_written_with_a_warning(
    home: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    text = bad_entry(home, line)
    assert run(home, "show", "2025-07-01") == 0
    captured = capsys.readouterr()
    assert captured.out == text
    assert "2025-07-01.md: front matter holds a value that cannot be read" in captured.err
    assert "Traceback" not in captured.err
    assert run(home, "show", "2025-07-01", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["date"] == "2025-07-01" and shown["tags"] == ["backprop"]


@pytest.mark.parametrize("line", list(IMPOSSIBLE.values()), ids=list(IMPOSSIBLE))
def test_search_finds_every_day_the_bad_one_too(
    home: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    bad_entry(home, line)
    assert run(home, "search", "#backprop") == 0
    out = capsys.readouterr().out
    for day in ("2025-07-01", "2025-07-02", "2025-07-03"):
        assert day in out
    assert "3 entries found" in out


@pytest.mark.parametrize("line", list(IMPOSSIBLE.values()), ids=list(IMPOSSIBLE))
def test_export_keeps_every_day_and_the_bad_front_matter_as_written(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    text = bad_entry(home, line)
    target = tmp_path / "diary.md"
    assert run(home, "export", "--output", str(target)) == 0
    exported = target.read_text()
    assert line in exported and "Derived the softmax #backprop by hand." in exported
    assert "A good day #backprop" in exported and "Another #backprop day" in exported
    assert "3 entries" in exported
    capsys.readouterr()
    # and an import of the export gives the entry back exactly
    again = tmp_path / "again"
    assert main(["--home", str(again), "diary", "import", str(target)]) == 0
    assert (again / "diary" / "2025-07-01.md").read_text() == text
