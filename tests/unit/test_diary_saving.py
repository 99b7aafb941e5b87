"""An entry edited while another program changes it, in every order of events: the newer text is taken in,
the learner's words are kept, the news is said once, and later saves go on normally. At most one
conflict copy per outside edit, and only when the file will not hold still."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from studybuddy.services.diary import SAVE_ATTEMPTS, DiaryService, Draft, Saved
from studybuddy.storage.diary_files import ABSENT, DiaryConflict, DiaryFiles, StoredEntry

DAY = date(2025, 7, 9)


class FrozenClock:
    def __init__(self) -> None:
        self.moment = datetime(2025, 7, 9, 10, 0, tzinfo=timezone(timedelta(hours=2)))

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def diary(tmp_path: Path, clock: FrozenClock) -> DiaryService:
    return DiaryService(DiaryFiles(tmp_path / "diary"), clock, drafts_dir=tmp_path / "drafts")


def other_process(diary: DiaryService, clock: FrozenClock) -> DiaryService:
    """studybuddy in another shell: its own files object on the same folder."""
    return DiaryService(DiaryFiles(diary.files.folder), clock)


def on_disk(diary: DiaryService) -> str:
    return diary.files.path_for(DAY).read_text(encoding="utf-8")


def files_in(diary: DiaryService) -> list[str]:
    return sorted(p.name for p in diary.files.folder.iterdir() if not p.name.startswith("."))


@pytest.fixture
def opened(diary: DiaryService):  # type: ignore[no-untyped-def]
    """Today's entry open in an editor (the app's), saved once by it."""
    session = diary.edit(DAY)
    session.save("# Wednesday\nderived the softmax Jacobian")
    return session


def test_an_app_save_ends_with_a_newline_so_a_shell_line_starts_its_own(diary, clock, opened) -> None:  # type: ignore[no-untyped-def]
    assert on_disk(diary) == "# Wednesday\nderived the softmax Jacobian\n"
    other_process(diary, clock).add_line("#backprop by hand")
    assert on_disk(diary).endswith("Jacobian\n- 10:00 #backprop by hand\n")


def test_outside_append_then_typing_merges_once_and_later_saves_are_normal(diary, clock, opened) -> None:  # type: ignore[no-untyped-def]
    other_process(diary, clock).add_line("#backprop from the shell")
    typed = "# Wednesday\nderived the softmax Jacobian\ndiag(s) - s s^T"
    saved = opened.save(typed)
    assert on_disk(diary) == (
        "# Wednesday\nderived the softmax Jacobian\n- 10:00 #backprop from the shell\ndiag(s) - s s^T\n"
    )
    assert saved.news and "both changes are kept" in saved.news and saved.conflicts == 0
    assert saved.editor_text(typed) == on_disk(diary).removesuffix("\n")  # the editor takes it in
    opened.taken(saved)
    # From then on the base is the merged version: the next keystrokes save normally, silently.
    again = opened.save(saved.editor_text(typed) + " is the Jacobian")
    assert again.written and again.news is None
    assert on_disk(diary).endswith("diag(s) - s s^T is the Jacobian\n")
    assert files_in(diary) == ["2025-07-09.md"]  # no conflict copy


def test_eight_autosaves_after_one_outside_edit_write_no_conflict_copy(diary, clock, opened) -> None:  # type: ignore[no-untyped-def]
    """The issue's report: each autosave after an outside edit wrote another conflict copy."""
    other_process(diary, clock).add_line("from the shell")
    text = "# Wednesday\nderived the softmax Jacobian\n"
    news = []
    for letter in "abcdefgh":
        text += letter
        saved = opened.save(text)
        opened.taken(saved)
        text = saved.editor_text(text)
        news.append(saved.news)
    assert files_in(diary) == ["2025-07-09.md"]
    assert sum(item is not None for item in news) == 1  # said once
    assert on_disk(diary).endswith("- 10:00 from the shell\nabcdefgh\n")


def test_outside_full_rewrite_then_typing_at_the_end_keeps_the_rewrite_and_the_words(diary, opened) -> None:  # type: ignore[no-untyped-def]
    diary.files.path_for(DAY).write_text("Rewritten in vim.\nAll of it.\n")
    saved = opened.save("# Wednesday\nderived the softmax Jacobian\nmy new line")
    assert on_disk(diary) == "Rewritten in vim.\nAll of it.\nmy new line\n"
    assert saved.conflicts == 0


def test_outside_rewrite_of_the_line_being_edited_keeps_both_between_notes(diary, opened) -> None:  # type: ignore[no-untyped-def]
    diary.files.path_for(DAY).write_text("# Wednesday\nderived the softmax Jacobian (checked)\n")
    saved = opened.save("# Wednesday\nderived the softmax Jacobian, diag(s) - s s^T")
    text = on_disk(diary)
    assert text.index("(checked)") < text.index("diag(s) - s s^T")
    assert "<!-- studybuddy:" in text and saved.conflicts == 1
    assert saved.news and "both versions are kept" in saved.news
    assert files_in(diary) == ["2025-07-09.md"]


def test_outside_delete_then_typing_saves_the_learners_text_again(diary, opened) -> None:  # type: ignore[no-untyped-def]
    diary.files.path_for(DAY).unlink()
    saved = opened.save("# Wednesday\nderived the softmax Jacobian\nmore")
    assert on_disk(diary) == "# Wednesday\nderived the softmax Jacobian\nmore\n"
    assert saved.news and "deleted by another program" in saved.news


def test_outside_delete_with_nothing_unsaved_is_taken_in(diary, opened) -> None:  # type: ignore[no-untyped-def]
    diary.files.path_for(DAY).unlink()
    saved = opened.save("# Wednesday\nderived the softmax Jacobian")  # a look at the disk, nothing typed
    assert (saved.written, saved.shown) == (False, "")
    assert saved.news and "deleted" in saved.news
    assert files_in(diary) == []
    opened.taken(saved)
    assert opened.save("written anew").written  # from then on, a new entry
    assert on_disk(diary) == "written anew\n"


def test_an_outside_change_with_nothing_unsaved_is_taken_in_without_a_write(diary, clock, opened) -> None:  # type: ignore[no-untyped-def]
    other_process(diary, clock).add_line("from the shell")
    before = diary.files.read(DAY)
    saved = opened.save("# Wednesday\nderived the softmax Jacobian")
    assert not saved.written and saved.shown == on_disk(diary)
    assert diary.files.read(DAY) == before


def test_two_outside_edits_in_a_row_are_one_merge(diary, clock, opened) -> None:  # type: ignore[no-untyped-def]
    shell = other_process(diary, clock)
    shell.add_line("first from the shell")
    shell.add_line("second from the shell")
    saved = opened.save("# Wednesday\nderived the softmax Jacobian\nmine")
    assert on_disk(diary).endswith("- 10:00 first from the shell\n- 10:00 second from the shell\nmine\n")
    assert saved.news is not None and files_in(diary) == ["2025-07-09.md"]


def test_two_outside_edits_with_a_save_between_are_two_merges_each_said_once(diary, clock, opened) -> None:  # type: ignore[no-untyped-def]
    shell = other_process(diary, clock)
    text = "# Wednesday\nderived the softmax Jacobian"
    said = []
    for number in (1, 2):
        shell.add_line(f"shell line {number}")
        text += f"\nmine {number}"
        saved = opened.save(text)
        opened.taken(saved)
        text = saved.editor_text(text)
        said.append(saved.news)
        said.append(opened.save(text).news)  # the next autosave: nothing to say
    assert [news is not None for news in said] == [True, False, True, False]
    assert on_disk(diary).endswith("- 10:00 shell line 1\nmine 1\n- 10:00 shell line 2\nmine 2\n")


class OutsideWriter(DiaryFiles):
    """A diary folder where another program writes the entry right after studybuddy reads it, the
    first ``times`` reads: the race between the version check and the write, without any sleep."""

    def __init__(self, folder: Path, times: int) -> None:
        super().__init__(folder)
        self.times = times
        self.writes = 0

    def read(self, day: date) -> StoredEntry | None:
        stored = super().read(day)
        if self.writes < self.times:
            self.writes += 1
            self.path_for(day).write_text(f"outside edit {self.writes}\n")
        return stored


def test_an_edit_landing_between_the_check_and_the_write_is_merged_not_overwritten(
    tmp_path: Path, clock: FrozenClock
) -> None:
    files = OutsideWriter(tmp_path / "diary", times=0)
    diary = DiaryService(files, clock)
    session = diary.edit(DAY)
    session.save("mine\n")
    files.times = 1  # the next save's read is followed at once by another program's write
    saved = session.save("mine\nmore\n")
    assert files.path_for(DAY).read_text() == "outside edit 1\nmore\n"
    assert saved.news is not None
    assert not list(files.folder.glob("*.conflict-*"))


def test_a_file_that_never_holds_still_gets_one_conflict_copy_and_nothing_is_lost(
    tmp_path: Path, clock: FrozenClock
) -> None:
    files = OutsideWriter(tmp_path / "diary", times=0)
    diary = DiaryService(files, clock)
    session = diary.edit(DAY)
    session.save("mine\n")
    files.times = files.writes + 1000  # another program writing in a loop
    with pytest.raises(DiaryConflict) as caught:
        session.save("mine\nmore words\n")
    assert files.writes >= SAVE_ATTEMPTS  # it tried that often, then gave up
    assert [path.name for path in files.folder.glob("*.conflict-*")] == ["2025-07-09.conflict-1.md"]
    assert caught.value.saved_aside.read_text() == "mine\nmore words\n"
    assert files.path_for(DAY).read_text() == f"outside edit {files.writes}\n"  # its text untouched


def test_a_save_before_the_editor_took_the_last_result_in_does_not_save_it_away(diary, clock, opened) -> None:  # type: ignore[no-untyped-def]
    """The app closes (or opens $EDITOR) while a save that took in an outside line is still on its
    way to the screen: the closing save starts from that result, so the line is not deleted again."""
    other_process(diary, clock).add_line("from the shell")
    typed = "# Wednesday\nderived the softmax Jacobian\nmine"
    first = opened.save(typed)  # the editor has not applied this result yet
    closing = opened.save(typed + " and more")
    assert on_disk(diary).endswith("- 10:00 from the shell\nmine and more\n")
    assert closing.editor_text(typed + " and more") == on_disk(diary).removesuffix("\n")
    assert first.news is not None and closing.news is None


def test_what_an_editor_shows_after_typing_on_while_a_save_was_away() -> None:
    base = Draft(DAY, "a\nshell line\nb\n", ABSENT)
    saved = Saved(base, sent="a\nb", shown="a\nshell line\nb", written=True)
    assert saved.editor_text("a\nb") == "a\nshell line\nb"
    assert saved.editor_text("a\nb and more") == "a\nshell line\nb and more"


def fake_editor(tmp_path: Path, script: str) -> str:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n" + script)
    return f"{sys.executable} {editor}"


def test_editor_works_on_a_copy_and_merges_a_change_made_while_it_was_open(
    diary: DiaryService, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary.files.folder.mkdir(parents=True)
    diary.files.path_for(DAY).write_text("morning notes\n")
    live = diary.files.path_for(DAY)
    script = (
        f"assert path != pathlib.Path({str(live)!r}), 'the editor must get a copy'\n"
        f"pathlib.Path({str(live)!r}).write_text('morning notes\\n- 10:00 from the shell\\n')\n"
        "path.write_text('morning notes, reread\\n')\n"
    )
    monkeypatch.setenv("VISUAL", fake_editor(tmp_path, script))
    handed_over = []

    class Terminal:
        def __enter__(self) -> None:
            handed_over.append("in")

        def __exit__(self, *exc: object) -> None:
            handed_over.append("out")

    saved = diary.edit_externally(DAY, hand_over_terminal=Terminal)
    assert handed_over == ["in", "out"]
    assert on_disk(diary) == "morning notes, reread\n- 10:00 from the shell\n"
    assert saved.news is not None
    assert not list((tmp_path / "drafts").glob("*.md"))  # the copy is gone once saved
