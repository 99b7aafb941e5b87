"""DiaryService with a frozen clock: add, drafts and conflicts, list with minutes, export, import."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from studybuddy.services.diary import DiaryService
from studybuddy.storage.diary_files import DiaryFiles

ZONE = timezone(timedelta(hours=2))


class FrozenClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2025, 7, 9, 14, 5, tzinfo=ZONE))


@pytest.fixture
def service(tmp_path: Path, clock: FrozenClock) -> DiaryService:
    return DiaryService(DiaryFiles(tmp_path / "diary"), clock)


def test_add_line_appends_time_stamped_lines_to_today(service: DiaryService, clock: FrozenClock) -> None:
    service.add_line("derived   the softmax Jacobian")
    clock.moment += timedelta(minutes=50)
    stored = service.add_line("#backprop done")
    assert stored.path.name == "2025-07-09.md"
    assert stored.entry.text == "- 14:05 derived the softmax Jacobian\n- 14:55 #backprop done\n"
    assert stored.entry.tags == ("backprop",)


def test_add_line_keeps_front_matter_and_formatting(service: DiaryService) -> None:
    path = service.files.path_for(date(2025, 7, 9))
    path.parent.mkdir(parents=True)
    path.write_text("---\ntags: [ml]  # keep me\n---\n# Wed\n\n")
    service.add_line("hi")
    assert path.read_text() == "---\ntags: [ml]  # keep me\n---\n# Wed\n- 14:05 hi\n"


def test_two_processes_adding_300_lines_each_lose_none(service: DiaryService, tmp_path: Path) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("needs fork")
    children = []
    for writer in ("a", "b"):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                for number in range(300):
                    service.add_line(f"{writer}{number}")
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    lines = service.files.path_for(date(2025, 7, 9)).read_text().splitlines()
    assert sorted(line.split()[-1] for line in lines) == sorted(f"{w}{n}" for w in "ab" for n in range(300))
    assert not list(service.files.folder.glob("*.conflict-*"))


def test_a_draft_edited_elsewhere_meanwhile_is_merged_never_overwritten(service: DiaryService) -> None:
    service.add_line("first")
    draft = service.open_draft(date(2025, 7, 9))
    service.files.path_for(draft.day).write_text("changed in Obsidian\n")
    saved = service.save_draft(draft, draft.text + "my edit\n")
    # The other program rewrote the line the draft started from; the learner added a line below it.
    assert service.files.path_for(draft.day).read_text() == "changed in Obsidian\nmy edit\n"
    assert saved.news and "changed by another program" in saved.news
    assert not list(service.files.folder.glob("*.conflict-*"))


def test_an_unchanged_draft_writes_nothing(service: DiaryService) -> None:
    draft = service.open_draft(date(2025, 7, 1))
    saved = service.save_draft(draft, "")
    assert not saved.written and saved.news is None
    assert service.files.days() == []


def minutes(first: date, last: date) -> dict[date, int]:
    return {date(2025, 7, 1): 60, date(2025, 7, 2): 95, date(2025, 7, 3): 30}


def write(service: DiaryService, day: str, text: str) -> None:
    path = service.files.path_for(date.fromisoformat(day))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_list_carries_study_minutes_when_available(service: DiaryService) -> None:
    write(service, "2025-07-01", "a")
    write(service, "2025-07-02", "b")
    assert [(s.day.day, s.minutes) for s in service.list()] == [(1, None), (2, None)]
    service.minutes_by_day = minutes
    assert [(s.day.day, s.minutes) for s in service.list()] == [(1, 60), (2, 95)]
    assert [s.day.day for s in service.list(start=date(2025, 7, 2))] == [2]


def test_export_is_oldest_first_with_minutes_tags_and_the_front_matter_kept(service: DiaryService) -> None:
    service.minutes_by_day = minutes
    write(service, "2025-07-02", "---\ntags: [calc]\n---\nSecond day.\n")
    write(service, "2025-07-01", "First day.\n")
    document = service.export()
    assert document.index("## 2025-07-01 (Tuesday) · 1 h studied") < document.index(
        "## 2025-07-02 (Wednesday) · 1 h 35 min studied"
    )
    assert "Tags: #calc\n" in document
    # The front matter is kept (for the import) inside the entry's opening note, hidden when rendered.
    assert (
        "<!-- entry 2025-07-02: 4 lines; front matter, 3 lines:\n---\ntags: [calc]\n---\n-->\nSecond day.\n"
        in document
    )
    assert "2 entries · 2025-07-01 to 2025-07-02 · 2 h 35 min of study" in document


def test_search_returns_hits_with_snippets(service: DiaryService) -> None:
    write(service, "2025-07-01", "intro\nthe chain rule, again #calculus\n")
    (hit,) = service.search("chain #calculus 2025-07")
    assert (hit.day, hit.snippet, hit.tags) == (
        date(2025, 7, 1),
        "the chain rule, again #calculus",
        ("calculus",),
    )


def test_import_merges_below_existing_entries_and_skips_repeats(
    service: DiaryService, tmp_path: Path
) -> None:
    write(service, "2025-07-06", "written in studybuddy\n")
    source = tmp_path / "old-diary.md"
    source.write_text("**2025-07-06**\nold notes\n\n**2025-07-07**\nmore âœ…\n")
    dry = service.import_file(source, dry_run=True)
    assert dry.written == {date(2025, 7, 6): "merged", date(2025, 7, 7): "new"}
    assert service.files.days() == [date(2025, 7, 6)]
    service.import_file(source)
    merged = service.files.path_for(date(2025, 7, 6)).read_text()
    assert merged.startswith("written in studybuddy\n\n---\n\n*Imported from old-diary.md on 2025-07-09*\n\n")
    assert merged.endswith("**2025-07-06**\nold notes\n")
    assert service.files.path_for(date(2025, 7, 7)).read_text() == "**2025-07-07**\nmore ✅\n"
    again = service.import_file(source)
    assert set(again.written.values()) == {"already there"}
    assert service.files.path_for(date(2025, 7, 6)).read_text() == merged


@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_import_refuses_a_device_or_a_pipe_without_reading_it(
    service: DiaryService, tmp_path: Path, source: str
) -> None:
    from studybuddy.core.errors import StudybuddyError

    if source == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        source = str(tmp_path / "diary.md")
        os.mkfifo(source)  # no writer: reading it would wait for ever
    elif not Path(source).exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(StudybuddyError, match="is not a regular file"):
        service.import_file(Path(source), dry_run=True)


def test_import_stops_reading_past_64_mib_even_when_the_file_grows(
    service: DiaryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import studybuddy.services.diary_import as diary_import
    from studybuddy.core.errors import StudybuddyError

    monkeypatch.setattr(diary_import, "MAX_IMPORT_BYTES", 1000)
    source = tmp_path / "diary.md"
    source.write_text("## 2025-07-06\n" + "x" * 2000)
    with pytest.raises(StudybuddyError, match="over 64 MiB"):
        service.import_file(source, dry_run=True)


def _editor(tmp_path: Path, body: str) -> str:
    """An editor command (a Python script) that does ``body`` to the file it is given (``path``)."""
    import sys

    script = tmp_path / "editor.py"
    script.write_text(f"import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n{body}\n")
    return f"{sys.executable} {script}"


@pytest.mark.parametrize(
    ("body", "saved", "note"),
    [
        (
            "path.write_bytes('d\\u00e9j\\u00e0 vu \\u2705\\n'.encode() + b'caf\\xe9\\n')",
            "déjà vu ✅\ncafé\n",
            "what the editor saved is UTF-8 but for 1 byte on line 2; read it as Windows-1252 (0xE9 as 'é')",
        ),
        (
            "path.write_bytes('na\\u00efve caf\\u00e9\\n'.encode('latin-1'))",
            "naïve café\n",
            "what the editor saved is not UTF-8; read line 1 as Windows-1252",
        ),
    ],
    ids=["a-stray-latin1-byte", "all-latin1"],
)
def test_an_edit_saved_in_latin1_is_kept_said_and_the_editors_file_named(
    service: DiaryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, saved: str, note: str
) -> None:
    service.drafts_dir = tmp_path / "drafts"
    write(service, "2025-07-09", "morning notes\n")
    monkeypatch.setenv("VISUAL", _editor(tmp_path, body))

    result = service.edit_externally(date(2025, 7, 9))

    assert service.files.path_for(date(2025, 7, 9)).read_text(encoding="utf-8") == saved
    [kept] = list((tmp_path / "drafts").glob("2025-07-09-*.md"))
    assert result.news == f"{note}; the editor's file is kept in {kept}"


def test_an_editor_that_deletes_its_file_saves_nothing_and_says_which_file(
    service: DiaryService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from studybuddy.core.errors import StudybuddyError

    service.drafts_dir = tmp_path / "drafts"
    write(service, "2025-07-09", "morning notes\n")
    monkeypatch.setenv("VISUAL", _editor(tmp_path, "path.unlink()"))

    with pytest.raises(StudybuddyError) as raised:
        service.edit_externally(date(2025, 7, 9))

    assert str(raised.value).startswith(f"the editor deleted its file {tmp_path / 'drafts'}")
    assert str(raised.value).endswith("instead of saving it; nothing was saved, the entry is as it was")
    assert service.files.path_for(date(2025, 7, 9)).read_text() == "morning notes\n"


def test_an_entry_too_long_for_the_apps_editor_is_shown_by_its_beginning_and_never_saved_from_it(
    service: DiaryService,
) -> None:
    from studybuddy.core.errors import StudybuddyError
    from studybuddy.services.diary import MAX_EDITOR_CHARS

    write(service, "2025-07-09", "short\n")
    assert service.edit(date(2025, 7, 9)).too_long is None
    line = "a line of notes\n"
    text = line * (MAX_EDITOR_CHARS // len(line) + 1000)
    write(service, "2025-07-09", text)

    session = service.edit(date(2025, 7, 9))

    assert session.too_long is not None and "Edit it with $EDITOR (ctrl+o)" in session.too_long
    head, _, tail = session.shown_text.rpartition("\n[... ")
    assert text.startswith(head) and head.endswith("\n") and len(head) <= MAX_EDITOR_CHARS
    assert tail == f"{(len(text) - len(head)) // 1024} KiB more, not shown here ...]\n"
    with pytest.raises(StudybuddyError):
        session.save(session.shown_text)
    assert service.files.path_for(date(2025, 7, 9)).read_text() == text
