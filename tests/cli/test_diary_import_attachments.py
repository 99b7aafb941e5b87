"""`diary import` copies the pictures and files a diary links to by relative paths into the home's
diary/attachments/ and points the links there; a missing one is reported, never an error; and
export then import into a fresh home gives back the same entries with their pictures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from studybuddy.cli import main
from studybuddy.services import clock

NOW = datetime(2025, 7, 9, 21, 30, tzinfo=timezone(timedelta(hours=2)))
PNG = b"\x89PNG\r\n\x1a\n picture bytes"
OTHER_PNG = b"\x89PNG\r\n\x1a\n another picture"

DIARY = """## 📘 Day 01 — Vectors & Dot Product
![switch](./ml_diary_pictures/switch-ffn.png)
and again ![](ml_diary_pictures/switch-ffn.png "the same file")
<img src="ml_diary_pictures/my%20plot.png" width=300> and [notes](<files/week 1.pdf>)
[not a link](files/week 1.pdf): a space ends a bare destination
`![in code](./ml_diary_pictures/switch-ffn.png)` stays, as does [web](https://example.org/a.png)

## 📗 Day 02 — Matrices
![lost](./ml_diary_pictures/missing.png) and ![[ml_diary_pictures/other/switch-ffn.png|200]]
"""


@pytest.fixture(autouse=True)
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock.LocalClock, "now", lambda self: NOW)
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)


def learner_diary(folder: Path) -> Path:
    pictures = folder / "ml_diary_pictures"
    (pictures / "other").mkdir(parents=True)
    (pictures / "switch-ffn.png").write_bytes(PNG)
    (pictures / "other" / "switch-ffn.png").write_bytes(OTHER_PNG)  # same name, other picture
    (pictures / "my plot.png").write_bytes(b"plot")
    (folder / "files").mkdir()
    (folder / "files" / "week 1.pdf").write_bytes(b"%PDF-1.4")
    source = folder / "README.md"
    source.write_text(DIARY, encoding="utf-8")
    return source


def run(*args: str) -> int:
    return main([*args])


def test_linked_pictures_are_copied_and_links_rewritten_and_a_missing_one_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, home = learner_diary(tmp_path / "repo"), tmp_path / "home"
    assert run("--home", str(home), "diary", "import", str(source), "--start-date", "2025-07-06") == 0
    out = capsys.readouterr()
    attachments = home / "diary" / "attachments"
    assert (attachments / "switch-ffn.png").read_bytes() == PNG
    assert (attachments / "switch-ffn-2.png").read_bytes() == OTHER_PNG
    assert (attachments / "my plot.png").read_bytes() == b"plot"
    assert (attachments / "week 1.pdf").read_bytes() == b"%PDF-1.4"
    first = (home / "diary" / "2025-07-06.md").read_text(encoding="utf-8")
    assert "![switch](attachments/switch-ffn.png)" in first
    assert '![](attachments/switch-ffn.png "the same file")' in first
    assert '<img src="attachments/my%20plot.png" width=300>' in first
    assert "[notes](<attachments/week 1.pdf>)" in first
    assert "[not a link](files/week 1.pdf)" in first
    assert "`![in code](./ml_diary_pictures/switch-ffn.png)`" in first
    assert "[web](https://example.org/a.png)" in first
    second = (home / "diary" / "2025-07-07.md").read_text(encoding="utf-8")
    assert "![lost](./ml_diary_pictures/missing.png)" in second  # kept as written
    assert "![[attachments/switch-ffn-2.png|200]]" in second
    assert "into diary/attachments/" in out.out
    assert "2025-07-07 (line 9): ./ml_diary_pictures/missing.png not found" in out.out
    assert "Traceback" not in out.err
    # The same import again copies nothing new and changes no entry.
    assert run("--home", str(home), "diary", "import", str(source), "--start-date", "2025-07-06") == 0
    assert "skipped 2 entries already in the diary" in capsys.readouterr().out
    assert sorted(path.name for path in attachments.iterdir()) == [
        "my plot.png",
        "switch-ffn-2.png",
        "switch-ffn.png",
        "week 1.pdf",
    ]


def test_a_dry_run_copies_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, home = learner_diary(tmp_path / "repo"), tmp_path / "home"
    assert (
        run("--home", str(home), "diary", "import", str(source), "--start-date", "2025-07-06", "--dry-run")
        == 0
    )
    assert "would copy 4 linked pictures or files" in capsys.readouterr().out
    assert not home.exists()


def test_a_link_outside_the_diarys_folder_is_not_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secret.txt").write_text("private")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "link.png").symlink_to(tmp_path / "secret.txt")
    source = repo / "diary.md"
    source.write_text("## 2025-07-06\n![a](../secret.txt) ![b](link.png)\n")
    home = tmp_path / "home"
    assert run("--home", str(home), "diary", "import", str(source)) == 0
    out = capsys.readouterr().out
    assert out.count("outside the diary's folder") == 2
    assert not (home / "diary" / "attachments").exists()
    assert "![a](../secret.txt) ![b](link.png)" in (home / "diary" / "2025-07-06.md").read_text()


def test_export_then_import_into_a_fresh_home_gives_back_the_entries_and_their_pictures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, home, fresh = learner_diary(tmp_path / "repo"), tmp_path / "home", tmp_path / "fresh"
    assert run("--home", str(home), "diary", "import", str(source), "--start-date", "2025-07-06") == 0
    export = tmp_path / "out" / "diary.md"
    export.parent.mkdir()
    assert run("--home", str(home), "diary", "export", "--output", str(export)) == 0
    assert (export.parent / "attachments" / "switch-ffn.png").read_bytes() == PNG  # the export shows them
    capsys.readouterr()
    assert run("--home", str(fresh), "diary", "import", str(export)) == 0
    assert "wrote 2 new entries" in capsys.readouterr().out
    for day in ("2025-07-06", "2025-07-07"):
        assert (fresh / "diary" / f"{day}.md").read_bytes() == (home / "diary" / f"{day}.md").read_bytes()
    for picture in (home / "diary" / "attachments").iterdir():
        assert (fresh / "diary" / "attachments" / picture.name).read_bytes() == picture.read_bytes()
