"""The diary editor as a learner uses it: every way in puts the cursor in the editor, and an entry
changed by another program while open (a shell's `diary add`, vim, a delete) is taken in, the
learner's words kept, said once, with no pile of conflict copies."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from pathlib import Path

import pytest
from pilot_support import settle, shown, synchronously, told
from textual.widgets import Input, Label, ListView, TextArea
from timer_support import let_time_pass, start_session

from studybuddy.cli import main
from studybuddy.services.diary import DiaryService
from studybuddy.storage.diary_files import DiaryFiles
from studybuddy.ui.screens.dialogs import TimerFinishedDialog
from studybuddy.ui.screens.diary import DiaryScreen

TODAY = "2025-07-06"  # the frozen clock's day (conftest)


@pytest.fixture(autouse=True)
def no_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The screen's look at the disk every few seconds runs on real time: here each test says when."""
    monkeypatch.setattr(DiaryScreen, "WATCH_SECONDS", None)


def editor(app) -> TextArea:  # type: ignore[no-untyped-def]
    return app.screen.query_one("#diary-editor", TextArea)


def diary_folder(context) -> Path:  # type: ignore[no-untyped-def]
    return context.home.diary_dir


def write_entry(context, text: str, day: str = TODAY) -> Path:  # type: ignore[no-untyped-def]
    path = diary_folder(context) / f"{day}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def shell(context, clock) -> DiaryService:  # type: ignore[no-untyped-def]
    """`studybuddy diary add` in another shell: its own service on the same folder, the test's clock."""
    return DiaryService(DiaryFiles(diary_folder(context)), clock)


# ---- every way into the diary puts the cursor in the editor ---------------------------------------


async def into_the_diary(way: str, app, pilot, clock) -> None:  # type: ignore[no-untyped-def]
    if way == "f4":
        await pilot.press("f4")
    elif way == "dashboard enter":
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("enter")
    elif way == "palette day":
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*TODAY)
        await settle(app, pilot)
        await pilot.press("enter")
    elif way == "time's up":
        await start_session(app, pilot, "calculus", 1)
        await let_time_pass(app, pilot, clock, 60)
        assert isinstance(app.screen, TimerFinishedDialog)
        await pilot.click("#diary")
    await settle(app, pilot)


@pytest.mark.parametrize("way", ["f4", "dashboard enter", "palette day", "time's up"])
@pytest.mark.parametrize("before", ["first visit", "after searching"])
@synchronously
async def test_each_way_into_the_diary_puts_typed_letters_in_the_editor(
    way: str, before: str, make_app, context, clock
) -> None:
    write_entry(context, "morning notes\n")
    write_entry(context, "another day\n", day="2025-07-01")
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        if before == "after searching":  # the cursor was left in the search box
            await pilot.press("f4")
            await settle(app, pilot)
            await pilot.press("ctrl+f")
            await settle(app, pilot)
            assert isinstance(app.focused, Input)
            if way in ("f4", "palette day"):
                await pilot.press("f2")
                await settle(app, pilot)
        await into_the_diary(way, app, pilot, clock)
        assert isinstance(app.screen, DiaryScreen)
        await pilot.press(*"chain rule")
        await settle(app, pilot)
        assert editor(app).text == "morning notes\nchain rule"
        assert app.screen.query_one("#diary-search", Input).value == ""
        assert len(app.screen.query_one("#day-list", ListView).children) == 2  # the days stay listed


@synchronously
async def test_letters_typed_before_the_entry_has_loaded_are_kept_after_it(make_app, context) -> None:
    write_entry(context, "morning notes\n")
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4", *"typed at once")  # no pause: the entry is still being read
        await settle(app, pilot)
        assert editor(app).text == "morning notes\ntyped at once"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert (diary_folder(context) / f"{TODAY}.md").read_text() == "morning notes\ntyped at once\n"


@synchronously
async def test_write_todays_entry_opens_today_even_when_another_day_was_shown(make_app, context) -> None:
    write_entry(context, "another day\n", day="2025-07-01")
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"2025-07-01")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert editor(app).text == "another day\n"
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("enter")  # "Write today's entry"
        await settle(app, pilot)
        assert shown(app, "#diary-day") == "Sunday 06 July 2025"
        await pilot.press(*"today")
        assert editor(app).text == "today"


# ---- an entry changed by another program while it is open ----------------------------------------


def change_outside(kind: str, entry: Path, context, clock) -> None:  # type: ignore[no-untyped-def]
    if kind == "diary add":
        shell(context, clock).add_line("#backprop from the shell")
    elif kind == "two diary adds":
        shell(context, clock).add_line("first from the shell")
        shell(context, clock).add_line("second from the shell")
    elif kind == "rewritten in vim":
        entry.write_text("Rewritten in vim.\nEvery line.\n", encoding="utf-8")
    elif kind == "deleted":
        entry.unlink()


EXPECTED = {  # the entry after typing "my words" at its end and saving
    "diary add": "morning notes\n- 09:30 #backprop from the shell\nmy words\n",
    "two diary adds": (
        "morning notes\n- 09:30 first from the shell\n- 09:30 second from the shell\nmy words\n"
    ),
    "rewritten in vim": "Rewritten in vim.\nEvery line.\nmy words\n",
    "deleted": "morning notes\nmy words\n",
}


@pytest.mark.parametrize("kind", list(EXPECTED))
@synchronously
async def test_an_outside_change_then_typing_is_taken_in_once_and_saving_goes_on(
    kind: str, make_app, context, clock
) -> None:
    entry = write_entry(context, "morning notes\n")
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        change_outside(kind, entry, context, clock)
        await pilot.press(*"my words")  # the cursor starts at the entry's end
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert entry.read_text(encoding="utf-8") == EXPECTED[kind]
        assert editor(app).text == EXPECTED[kind].removesuffix("\n")  # the newer text, shown
        assert told(app, "another program") == 1
        await pilot.press(*", and more")  # from now on, saving is normal and says nothing
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert entry.read_text(encoding="utf-8") == EXPECTED[kind].replace("my words", "my words, and more")
        assert told(app, "another program") == 1
    assert sorted(p.name for p in diary_folder(context).iterdir() if not p.name.startswith(".")) == [
        f"{TODAY}.md"
    ]


@synchronously
async def test_the_same_line_changed_outside_and_in_the_app_keeps_both_between_notes(
    make_app, context, clock
) -> None:
    entry = write_entry(context, "morning notes\n")
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        entry.write_text("morning notes (edited in vim)\n", encoding="utf-8")
        await pilot.press("up", "end", *", mine")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        text = entry.read_text(encoding="utf-8")
        assert text.index("morning notes (edited in vim)") < text.index("morning notes, mine")
        assert editor(app).text == text
        assert told(app, "both versions are kept") == 1
    assert not list(diary_folder(context).glob("*.conflict-*"))


@synchronously
async def test_an_outside_change_appears_in_the_editor_without_a_keystroke(make_app, context, clock) -> None:
    entry = write_entry(context, "morning notes\n")
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("up", "end")  # the cursor at the end of "morning notes"
        shell(context, clock).add_line("from the shell")
        app.screen.check_disk()  # what the screen does every few seconds, and when shown again
        await settle(app, pilot)
        assert editor(app).text == "morning notes\n- 09:30 from the shell\n"
        assert told(app, "changed by another program") == 1
        await pilot.press(*" (reread)")  # the cursor stayed with the learner's words
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert entry.read_text() == "morning notes (reread)\n- 09:30 from the shell\n"


class HeldSave:
    """The app's next save of the entry waits, on the app's writer thread, until the test lets it go."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started, self.go = threading.Event(), threading.Event()
        real = DiaryFiles.read

        def held(files, day):  # type: ignore[no-untyped-def]
            if threading.current_thread().name.startswith("studybuddy-io") and not self.go.is_set():
                self.started.set()
                self.go.wait(timeout=60)  # a safety net against a hung test, never reached in a pass
            return real(files, day)

        monkeypatch.setattr(DiaryFiles, "read", held)

    async def until_started(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.started.wait, 60)


@synchronously
async def test_typing_on_while_a_save_that_takes_in_an_outside_change_is_away(
    make_app, context, clock, monkeypatch
) -> None:
    entry = write_entry(context, "morning notes\n")
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        shell(context, clock).add_line("from the shell")
        held = HeldSave(monkeypatch)
        await pilot.press(*"abc", "ctrl+s")
        await held.until_started()  # the save (a merge) is on the writer thread, not finished
        await pilot.press(*"def")
        await pilot.press("ctrl+s")  # asked for while the first is away: it follows it
        await pilot.pause()
        assert editor(app).text == "morning notes\nabcdef"
        held.go.set()
        await settle(app, pilot)
        assert editor(app).text == "morning notes\n- 09:30 from the shell\nabcdef"
        assert entry.read_text() == "morning notes\n- 09:30 from the shell\nabcdef\n"
        assert told(app, "another program") == 1


@synchronously
async def test_quitting_while_a_save_is_away_keeps_the_outside_change_and_the_words(
    make_app, context, clock, monkeypatch
) -> None:
    entry = write_entry(context, "morning notes\n")
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        shell(context, clock).add_line("from the shell")
        held = HeldSave(monkeypatch)
        await pilot.press(*"abc", "ctrl+s")
        await held.until_started()
        await pilot.press(*"def")
        held.go.set()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert entry.read_text() == "morning notes\n- 09:30 from the shell\nabcdef\n"


# ---- $EDITOR: the app and the shell go through one path ------------------------------------------


def fake_editor(tmp_path: Path, entry: Path) -> str:
    """An editor that records the file it was given, while another program appends to the live entry,
    then adds a line to its file."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        f"pathlib.Path({str(tmp_path / 'edited.txt')!r}).write_text(str(path))\n"
        f"live = pathlib.Path({str(entry)!r})\n"
        "live.write_text(live.read_text() + '- 10:00 from a sync tool\\n')\n"
        "path.write_text(path.read_text() + 'written in $EDITOR\\n')\n"
    )
    return f"{sys.executable} {script}"


@pytest.mark.parametrize("where", ["ctrl+o in the app", "diary edit in a shell"])
@synchronously
async def test_editor_from_the_app_and_from_the_shell_edit_a_copy_then_merge(
    where: str, make_app, context, tmp_path, monkeypatch
) -> None:
    entry = write_entry(context, "morning notes")  # no final newline: written by another editor
    monkeypatch.setenv("VISUAL", fake_editor(tmp_path, entry))
    # Both added a line at the end: the other program's comes first, the learner's words after it.
    expected = "morning notes\nunsaved words\n- 10:00 from a sync tool\nwritten in $EDITOR\n"
    if where == "diary edit in a shell":
        entry.write_text("morning notes\nunsaved words\n")
        assert main(["--home", str(context.home.root), "diary", "edit", TODAY]) == 0
    else:
        app = make_app(background=False)
        handed: list[str] = []

        @contextlib.contextmanager
        def suspend():  # type: ignore[no-untyped-def]
            handed.append("terminal handed over")
            yield

        monkeypatch.setattr(app, "suspend", suspend)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("f4")
            await settle(app, pilot)
            await pilot.press("enter", *"unsaved words")  # saved before $EDITOR gets its copy
            await pilot.press("ctrl+o")
            await settle(app, pilot)
            assert handed == ["terminal handed over"]
            assert editor(app).text == expected
            assert told(app, "another program") == 1
    assert entry.read_text() == expected
    edited = Path((tmp_path / "edited.txt").read_text())
    assert edited != entry and edited.parent == context.home.drafts_dir and not edited.exists()
    assert not list(diary_folder(context).glob("*.conflict-*"))


# ---- conflict copies are shown --------------------------------------------------------------------


@synchronously
async def test_the_day_with_conflict_copies_says_so(make_app, context) -> None:
    write_entry(context, "morning notes\n")
    (diary_folder(context) / f"{TODAY}.conflict-1.md").write_text("kept aside by an older version\n")
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        assert shown(app, "#diary-day") == (
            f"Sunday 06 July 2025 · 1 conflict copy beside it: {TODAY}.conflict-1.md"
        )
        first_day = app.screen.query_one("#day-list", ListView).children[0].query_one(Label)
        assert str(first_day.render()) == "2025-07-06 Sun +1"


# ---- an entry too long for the editor ------------------------------------------------------------


@synchronously
async def test_an_entry_too_long_for_the_editor_is_shown_read_only_and_never_cut_by_a_save(
    make_app, context
) -> None:
    from studybuddy.services.diary import MAX_EDITOR_CHARS

    line = "derived the softmax Jacobian by hand; diag(s) - s s^T\n"
    text = line * (5 * 1024 * 1024 // len(line))  # 5 MB: 8 s a key in the editor, and minutes for 50 MB
    entry = write_entry(context, text)
    app = make_app(background=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        area = editor(app)
        assert area.read_only
        assert len(area.text) <= MAX_EDITOR_CHARS + 100
        assert area.text.startswith(line) and area.text.endswith(" more, not shown here ...]\n")
        assert told(app, f"{TODAY} is too long to edit here (5.0 MB; the editor takes up to 128 KiB)") == 1
        assert told(app, "ctrl+o") == 1
        await pilot.press("x", "y", "ctrl+s")
        app.screen.check_disk()  # what the watch does every few seconds: nothing to save or take in
        await settle(app, pilot)
        assert not told(app, "Not saved")
    assert entry.read_text(encoding="utf-8") == text  # the whole entry, never its shown beginning
