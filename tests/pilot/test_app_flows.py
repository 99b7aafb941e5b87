"""User flows driven with key presses, asserting on what the screen shows and what lands on disk."""

from __future__ import annotations

from pilot_support import settle, synchronously, told
from textual.widgets import Input, TextArea

from studybuddy.ui.screens.dashboard import DashboardScreen
from studybuddy.ui.screens.diary import DiaryScreen
from studybuddy.ui.screens.help import HelpScreen
from studybuddy.ui.screens.lessons import LessonsScreen


@synchronously
async def test_dashboard_shows_an_empty_home_invitingly(make_app) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        session = str(app.screen.query_one("#card-session").render())
        assert "No session yet" in session
        assert "0 days in a row" in str(app.screen.query_one("#card-streak").render())


@synchronously
async def test_diary_entry_typed_in_the_app_is_saved_to_todays_file(make_app, context) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)
        await pilot.click("#diary-editor")
        await pilot.press(*"Chain rule: multiply the local derivatives.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    saved = context.home.diary_dir / "2025-07-06.md"
    # Saved with a final newline: a line another program appends starts a line of its own.
    assert saved.read_text(encoding="utf-8") == "Chain rule: multiply the local derivatives.\n"


@synchronously
async def test_unreadable_diary_file_shows_a_message_and_the_app_stays_usable(make_app, context) -> None:
    entry = context.home.diary_dir / "2025-07-06.md"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"\xff\xfe not utf-8 \xc3")
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        assert app.screen.query_one("#diary-editor", TextArea).read_only
        assert told(app, "2025-07-06")
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)


@synchronously
async def test_a_database_that_cannot_open_is_a_message_and_the_rest_of_the_app_works(
    make_app, context
) -> None:
    """It was an unhandled error at start: a page of traceback, and the app gone."""
    context.home.database_path.mkdir(parents=True)  # a folder where the database file belongs
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert told(app, "is a folder, not a database file")
        await pilot.press("f6")
        await settle(app, pilot)
        assert told(app, "The study timer is unavailable:")
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
        await pilot.press("ctrl+q")
    assert app.return_code == 0


@synchronously
async def test_help_lists_remappable_keys_and_closes_with_escape(make_app) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


@synchronously
async def test_timer_keys_and_search_key_work_while_typing_in_the_diary(make_app) -> None:
    """The editor's own f6/f7 (select line / all) and an Input's keys never shadow the app's keys."""
    from studybuddy.ui.screens.dialogs import StartTimerDialog

    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.click("#diary-editor")
        await pilot.press(*"Chain rule", "f6")
        await settle(app, pilot)
        assert isinstance(app.screen, StartTimerDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        editor = app.screen.query_one("#diary-editor", TextArea)
        assert editor.text == "Chain rule" and editor.selected_text == ""
        await pilot.press("ctrl+f", *"rule", "home", "ctrl+f")
        await settle(app, pilot)
        search = app.screen.query_one("#diary-search", Input)
        assert app.focused is search and search.value == "rule"
