"""`diary export` then `diary import` into a fresh home gives back every entry and conflict copy exactly;
`diary list` and `diary search` show conflict copies; a search with a date in words (the README's
`diary search "#backprop last monday"`) finds what was written since that day."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.core.diary import DiaryEntry
from studybuddy.services import clock

NOW = datetime(2025, 7, 9, 21, 30, tzinfo=timezone(timedelta(hours=2)))  # a Wednesday

# Entries that a naive export or import would change: front matter (with a comment, a "..." end),
# headings that look like day headings, a line that looks like the export's own notes, no final
# newline, Windows line ends, characters a mojibake repair would "fix", a form feed, a blank entry.
ENTRIES = {
    "2025-07-01": "---\ntags: [ml, calculus]  # my tags\nmood: ok\n---\n# Tuesday\n\nsoftmax #backprop\n",
    "2025-07-02": "## 2025-07-03 plan for tomorrow\n**2025-07-04** and this\n07/05/25: too\n",
    "2025-07-03": "<!-- end of entry 2025-07-03 -->\n<!-- entry 2025-07-03: 1 line -->\nkept\n",
    "2025-07-04": "no final newline, tabs\tand trailing spaces   ",
    "2025-07-05": "windows\r\nline ends\r\n",
    "2025-07-06": "quoted mojibake: âœ… stays as written\fform feed\n",
    "2025-07-07": "",
    "2025-07-08": "---\ntitle: only front matter\n...\n",
    "2025-07-09": "```\n## 2025-07-10 inside a fence\n```\n#today\n",
}
COPIES = {
    "2025-07-02.conflict-1.md": "my version, saved aside\n",
    "2025-07-02.conflict-3.md": "---\ntags: [aside]\n---\nanother\n",
    "2025-06-30.conflict-1.md": "a copy whose entry was deleted",
}


@pytest.fixture(autouse=True)
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock.LocalClock, "now", lambda self: NOW)
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)


def make_home(home: Path) -> None:
    diary = home / "diary"
    diary.mkdir(parents=True)
    for name, text in {**{f"{day}.md": text for day, text in ENTRIES.items()}, **COPIES}.items():
        (diary / name).write_bytes(text.encode("utf-8"))


def diary_files(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((home / "diary").iterdir()) if not p.name.startswith(".")}


def test_export_then_import_into_a_fresh_home_gives_back_every_entry_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, fresh = tmp_path / "home", tmp_path / "fresh"
    make_home(home)
    export = tmp_path / "diary.md"
    assert main(["--home", str(home), "diary", "export", "--output", str(export)]) == 0
    capsys.readouterr()
    assert main(["--home", str(fresh), "diary", "import", str(export)]) == 0
    report = capsys.readouterr().out
    assert diary_files(fresh) == diary_files(home)  # every byte of every entry and copy
    assert "wrote 9 new entries" in report and "wrote 3 conflict copies" in report
    assert "not placed" not in report
    for day in ENTRIES:
        original = DiaryEntry(datetime.fromisoformat(day).date(), ENTRIES[day])
        back = DiaryEntry(original.day, (fresh / "diary" / f"{day}.md").read_bytes().decode("utf-8"))
        assert (back.front_matter, back.tags, back.body) == (
            original.front_matter,
            original.tags,
            original.body,
        )
    # Importing the same export again adds nothing.
    assert main(["--home", str(fresh), "diary", "import", str(export)]) == 0
    assert "skipped 9 entries already in the diary" in capsys.readouterr().out
    assert diary_files(fresh) == diary_files(home)


def test_an_export_whose_line_ends_became_crlf_still_imports(tmp_path: Path) -> None:
    home, fresh = tmp_path / "home", tmp_path / "fresh"
    (home / "diary").mkdir(parents=True)
    (home / "diary" / "2025-07-01.md").write_text("---\ntags: [x]\n---\none\n")
    export = tmp_path / "diary.md"
    assert main(["--home", str(home), "diary", "export", "--output", str(export)]) == 0
    export.write_bytes(export.read_bytes().replace(b"\n", b"\r\n"))  # a git checkout on Windows
    assert main(["--home", str(fresh), "diary", "import", str(export)]) == 0
    assert diary_files(fresh) == diary_files(home)


def test_an_export_edited_so_its_counts_are_wrong_is_a_clear_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, fresh = tmp_path / "home", tmp_path / "fresh"
    make_home(home)
    export = tmp_path / "diary.md"
    assert main(["--home", str(home), "diary", "export", "--output", str(export)]) == 0
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace("# Tuesday\n", "# Tuesday\nan added line\n"), encoding="utf-8")
    capsys.readouterr()
    assert main(["--home", str(fresh), "diary", "import", str(export)]) == 1
    error = capsys.readouterr().err
    # Where the end note was: one line too early now, as the entry's note counts its lines.
    line = text[: text.index("<!-- end of entry 2025-07-01 -->")].count("\n") + 1
    assert f"{export}: a studybuddy export, but line {line}: expected its end note" in error
    assert "2025-07-01" in error and "Traceback" not in error
    assert not (fresh / "diary").exists()


def test_list_marks_conflict_copies_and_search_finds_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    make_home(home)
    assert main(["--home", str(home), "diary", "list"]) == 0
    listing = capsys.readouterr().out
    assert re.search(
        r"2025-06-30  Mon.*\(no entry\)  \+ 1 conflict copy: 2025-06-30\.conflict-1\.md", listing
    )
    assert (
        "2025-07-02  Wed     0 min  + 2 conflict copies: 2025-07-02.conflict-1.md, 2025-07-02.conflict-3.md"
        in listing
    )
    assert listing.endswith("9 entries, 3 conflict copies (merge each into its entry, then delete it)\n")
    assert main(["--home", str(home), "diary", "list", "--json"]) == 0
    days = {item["date"]: item for item in json.loads(capsys.readouterr().out)}
    assert days["2025-06-30"]["entry"] is False
    assert [Path(p).name for p in days["2025-07-02"]["conflict_copies"]] == [
        "2025-07-02.conflict-1.md", "2025-07-02.conflict-3.md"
    ]  # fmt: skip

    assert main(["--home", str(home), "diary", "search", "saved aside"]) == 0
    out = capsys.readouterr().out
    assert out == (
        "2025-07-02  [conflict copy 2025-07-02.conflict-1.md]  my version, saved aside\n"
        "0 entries and 1 conflict copy found\n"
    )
    assert main(["--home", str(home), "diary", "search", "#aside", "--json"]) == 0
    (hit,) = json.loads(capsys.readouterr().out)
    assert hit["tags"] == ["aside"] and Path(hit["conflict_copy"]).name == "2025-07-02.conflict-3.md"


@pytest.mark.parametrize("query", ["#backprop last monday", "#backprop today", "#backprop 3 days ago"])
def test_a_search_with_a_date_in_words_finds_todays_entry(
    query: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    (home / "diary").mkdir(parents=True)
    (home / "diary" / "2025-07-09.md").write_text("derived it #backprop\n")
    (home / "diary" / "2025-06-30.md").write_text("an older day #backprop\n")  # before last monday
    assert main(["--home", str(home), "diary", "search", query]) == 0
    assert capsys.readouterr().out == "2025-07-09  derived it #backprop\n1 entry found\n"
