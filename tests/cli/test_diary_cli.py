"""`studybuddy diary ...` end to end through main(), with a frozen clock and a temporary home."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.services import clock

NOW = datetime(2025, 7, 9, 21, 30, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(clock.LocalClock, "now", lambda self: NOW)
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    return tmp_path / "home"


def run(home: Path, *args: str) -> int:
    return main(["--home", str(home), "diary", *args])


def test_add_then_show_and_show_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(home, "add", "derived", "d/dx", "sigmoid", "#calculus") == 0
    assert (home / "diary" / "2025-07-09.md").read_text() == "- 21:30 derived d/dx sigmoid #calculus\n"
    capsys.readouterr()
    assert run(home, "show") == 0
    assert capsys.readouterr().out == "- 21:30 derived d/dx sigmoid #calculus\n"
    assert run(home, "show", "today", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["date"] == "2025-07-09" and shown["tags"] == ["calculus"]


def test_show_a_day_without_an_entry_and_an_impossible_date(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(home, "show", "yesterday") == 1
    assert "no entry for 2025-07-08 (Tuesday)" in capsys.readouterr().out
    assert run(home, "show", "2025-02-30") == 1
    assert capsys.readouterr().err == "studybuddy: '2025-02-30' does not exist: February 2025 has no day 30\n"


def write(home: Path, day: str, text: str) -> None:
    (home / "diary").mkdir(parents=True, exist_ok=True)
    (home / "diary" / f"{day}.md").write_text(text)


def test_list_and_search_with_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(home, "2025-07-01", "softmax gradient #ml\n\nunrelated\nthe softmax Jacobian\n")
    write(home, "2025-07-08", "sigmoid\n")
    assert run(home, "list", "--json") == 0
    assert [item["date"] for item in json.loads(capsys.readouterr().out)] == ["2025-07-01", "2025-07-08"]
    assert run(home, "search", "soft", "#ml", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "date": "2025-07-01",
            "snippet": "softmax gradient #ml",
            "tags": ["ml"],
            "lines": ["softmax gradient #ml", "the softmax Jacobian"],
            "conflict_copy": None,
        }
    ]
    assert run(home, "search", "from:yesterday") == 0
    assert capsys.readouterr().out == "2025-07-08  sigmoid\n1 entry found\n"


def test_export_to_a_file(home: Path, tmp_path: Path) -> None:
    write(home, "2025-07-02", "two\n")
    write(home, "2025-07-01", "one\n")
    output = tmp_path / "export.md"
    assert run(home, "export", "--output", str(output)) == 0
    text = output.read_text()
    assert text.index("## 2025-07-01") < text.index("## 2025-07-02")


def test_import_dry_run_reports_and_writes_nothing(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "long.md"
    source.write_text("stray line\n\n## July 6, 2025\nâœ… done\n\n## July 8, 2025\nmore\n")
    assert run(home, "import", str(source), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "2 entries found" in out and "dates: 2025-07-06 to 2025-07-08" in out
    assert "would write 2 new entries" in out
    assert "repaired 1 mis-encoded character (UTF-8 that was read as Windows-1252; e.g. âœ… -> ✅)" in out
    assert "not placed: lines 1-2" in out
    assert not (home / "diary").exists()
    assert run(home, "import", str(source), "--date", "2025-07-05") == 0
    assert sorted(p.name for p in (home / "diary").iterdir() if p.suffix == ".md") == [
        "2025-07-05.md", "2025-07-06.md", "2025-07-08.md"
    ]  # fmt: skip


def test_numbered_days_without_start_date_is_a_clear_error(home: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "days.md"
    source.write_text("## Day 1\na\n## Day 2\nb\n")
    assert run(home, "import", str(source)) == 1
    assert "--start-date" in capsys.readouterr().err
    assert run(home, "import", str(source), "--start-date", "last monday") == 0
    assert (home / "diary" / "2025-07-08.md").read_text() == "## Day 2\nb\n"


def fake_editor(tmp_path: Path, script: str) -> str:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n" + script)
    return f"{sys.executable} {editor}"


def test_edit_saves_what_the_editor_wrote(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(home, "2025-07-08", "before\n")
    monkeypatch.setenv("VISUAL", fake_editor(tmp_path, "path.write_text(path.read_text() + 'after\\n')\n"))
    assert run(home, "edit", "yesterday") == 0
    assert (home / "diary" / "2025-07-08.md").read_text() == "before\nafter\n"


def test_edit_merges_a_change_made_while_the_editor_was_open(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(home, "2025-07-09", "before\n")
    entry = home / "diary" / "2025-07-09.md"
    # The "editor" also simulates another program (a sync tool) rewriting the entry meanwhile.
    monkeypatch.setenv(
        "VISUAL",
        fake_editor(
            tmp_path, f"pathlib.Path({str(entry)!r}).write_text('synced\\n')\npath.write_text('mine\\n')\n"
        ),
    )
    assert run(home, "edit") == 0
    # Both rewrote the one line: the synced text stays, the editor's follows it between notes.
    text = entry.read_text()
    assert text.index("synced\n") < text.index("mine\n") and "<!-- studybuddy:" in text
    assert not list((home / "diary").glob("*.conflict-*"))
    assert "changed by another program" in capsys.readouterr().err


def test_a_failing_editor_saves_nothing_and_keeps_the_text(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(home, "2025-07-09", "before\n")
    monkeypatch.setenv("VISUAL", fake_editor(tmp_path, "path.write_text('half')\nraise SystemExit(3)\n"))
    assert run(home, "edit") == 1
    assert (home / "diary" / "2025-07-09.md").read_text() == "before\n"
    err = capsys.readouterr().err
    assert "exited with status 3; nothing was saved" in err
    # The edited text survives in the study home (not the system temp folder), out of git's way.
    kept = list((home / ".cache" / "drafts").glob("2025-07-09-*.md"))
    assert [path.read_text() for path in kept] == ["half"] and str(kept[0]) in err
    assert (home / ".cache" / ".gitignore").read_text().endswith("*\n")


def test_any_diary_command_removes_what_a_killed_save_left_behind(home: Path) -> None:
    write(home, "2025-07-09", "entry\n")
    abandoned = home / "diary" / ".2025-07-09.md.x8f2k_1q.tmp"  # a save killed an hour ago
    in_progress = home / "diary" / ".2025-07-09.md.p0q9r8s7.tmp"  # a save another process is making
    for path, age in ((abandoned, timedelta(hours=1)), (in_progress, timedelta(seconds=2))):
        path.write_text("half a save")
        moment = (NOW - age).timestamp()
        os.utime(path, (moment, moment))
    assert run(home, "list") == 0
    assert not abandoned.exists() and in_progress.exists()
    assert (home / "diary" / "2025-07-09.md").read_text() == "entry\n"


def test_list_and_export_show_the_minutes_studied_each_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock_file = tmp_path / "clock.txt"  # the app's clock for this test, as subprocess tests set it
    clock_file.write_text("2025-07-06T09:00:00+00:00")
    monkeypatch.setenv(clock.CLOCK_FILE_ENV_VAR, str(clock_file))
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    home = tmp_path / "home"
    write(home, "2025-07-04", "a day without study\n")
    assert main(["--home", str(home), "diary", "list", "--json"]) == 0  # before any session: no database
    assert json.loads(capsys.readouterr().out)[0]["study_minutes"] == 0
    assert main(["--home", str(home), "diary", "add", "derived the softmax Jacobian"]) == 0
    assert main(["--home", str(home), "timer", "log", "30", "--subject", "x"]) == 0
    assert main(["--home", str(home), "timer", "log", "15", "--subject", "y"]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "diary", "list", "--json"]) == 0
    assert [(day["date"], day["study_minutes"]) for day in json.loads(capsys.readouterr().out)] == [
        ("2025-07-04", 0),
        ("2025-07-06", 45),
    ]
    assert main(["--home", str(home), "diary", "export"]) == 0
    exported = capsys.readouterr().out
    assert "## 2025-07-06 (Sunday) · 45 min studied" in exported
    assert "## 2025-07-04 (Friday) · 0 min studied" in exported
    assert "2 entries · 2025-07-04 to 2025-07-06 · 45 min of study" in exported


def test_import_refuses_a_binary_file_and_writes_nothing(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert run(home, "import", str(picture), "--date", "today") == 1
    error = capsys.readouterr().err
    assert f"{picture}: this is not a text file" in error
    assert not (home / "diary").exists()


def test_import_report_counts_one_entry_in_the_singular(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "one.md"
    source.write_text("## 2025-07-06\nsoftmax\n")
    assert run(home, "import", str(source)) == 0
    out = capsys.readouterr().out
    assert "1 entry found" in out and "wrote 1 new entry" in out


@pytest.mark.parametrize("command", [("list",), ("export",)])
def test_list_and_export_tell_when_a_damaged_database_was_set_aside(
    home: Path, command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(home, "add", "kept") == 0
    (home / "studybuddy.sqlite3").write_bytes(b"this is no SQLite database, just damaged bytes" * 100)
    capsys.readouterr()

    assert run(home, *command) == 0

    captured = capsys.readouterr()
    assert "could not be used" in captured.err and "your diary is untouched" in captured.err
    assert "2025-07-09" in captured.out
    assert [p.name for p in home.glob("studybuddy.sqlite3.corrupt-*")] != []


def test_adding_a_line_never_creates_the_database(home: Path) -> None:
    assert run(home, "add", "no database needed") == 0
    assert run(home, "list") == 0
    assert not (home / "studybuddy.sqlite3").exists()
