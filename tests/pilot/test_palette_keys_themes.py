"""The palette, remapped keys, themes, the mouse, quitting, and every section at 80x24, as a learner meets
them. Only keys, clicks on visible text and what the screen shows: no section's widget ids."""

from __future__ import annotations

import pytest
from pilot_support import (
    click_text,
    record_notifications,
    screen_lines,
    settle,
    shown,
    synchronously,
    warnings,
)
from textual.geometry import Region
from textual.widgets import Markdown, TextArea

from studybuddy.services.context import StudyContext
from studybuddy.ui.app import StudyBuddyApp
from studybuddy.ui.screens.dashboard import DashboardScreen
from studybuddy.ui.screens.dialogs import StartTimerDialog
from studybuddy.ui.screens.diary import DiaryScreen
from studybuddy.ui.screens.help import HelpScreen
from studybuddy.ui.screens.lesson import LessonScreen
from studybuddy.ui.screens.lessons import LessonsScreen
from studybuddy.ui.screens.progress import ProgressScreen
from studybuddy.ui.screens.quiz import QuizScreen
from studybuddy.ui.widgets.keys_bar import KeysBar

SIGMOID_TITLE = "The sigmoid and its derivative"


@pytest.fixture
def app_with_config(tmp_path, monkeypatch, clock, grader):
    """An app started from a config file with the given TOML text, through the real config loader."""

    def build(toml: str, **kwargs) -> StudyBuddyApp:
        config = tmp_path / "config.toml"
        config.write_text(toml, encoding="utf-8")
        monkeypatch.setenv("STUDYBUDDY_CONFIG", str(config))
        monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
        context = StudyContext.open(str(tmp_path / "home"))
        context.clock = clock
        kwargs.setdefault("background", False)
        context.grading = grader
        app = StudyBuddyApp(context, **kwargs)
        record_notifications(app)  # from the start: what on_mount says about the file
        return app

    return build


async def run_palette_command(app, pilot, query: str) -> None:
    """ctrl+p, type the query, let the providers answer, Enter on the best hit."""
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    await pilot.press(*query)
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)


# ---- the command palette -------------------------------------------------------------------------


@synchronously
async def test_the_palette_opens_a_lesson_by_part_of_its_title(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await run_palette_command(app, pilot, "sigmoid and its")
        assert isinstance(app.screen, LessonScreen)
        assert SIGMOID_TITLE in shown(app, "#lesson-title")


@synchronously
async def test_the_palette_goes_to_a_section_and_to_a_diary_day(make_app, context) -> None:
    context.home.diary_dir.mkdir(parents=True)
    (context.home.diary_dir / "2025-07-01.md").write_text("Softmax Jacobian by hand.\n", encoding="utf-8")
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await run_palette_command(app, pilot, "Go to Progress")
        assert isinstance(app.screen, ProgressScreen)
        await run_palette_command(app, pilot, "2025-07-01")
        assert isinstance(app.screen, DiaryScreen)
        # The diary was never shown before: the day asked for is opened, not today's entry.
        assert shown(app, "#diary-day") == "Tuesday 01 July 2025"
        assert app.screen.query_one("#diary-editor", TextArea).text == "Softmax Jacobian by hand.\n"


# ---- keys from the config file -------------------------------------------------------------------


@synchronously
async def test_a_remapped_key_replaces_the_old_one_and_help_shows_it(app_with_config) -> None:
    app = app_with_config('[keys]\n"mode.lessons" = "ctrl+l"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen), "the old key no longer opens the lessons"
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = [row for row in app.screen.query_one(Markdown).source.splitlines() if "mode.lessons" in row]
        assert rows == ["| ^l | Lessons | mode.lessons |"]


@pytest.mark.parametrize(
    "entry",
    ['"mode.lesson" = "ctrl+l"', '"mode.lessons" = "Ctrl+L"'],
    ids=["misspelled-binding-id", "key-textual-never-sends"],
)
@synchronously
async def test_a_bad_keys_entry_leaves_the_app_running_and_other_keys_working(
    app_with_config, entry: str
) -> None:
    app = app_with_config(f"[keys]\n{entry}\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)


@pytest.mark.parametrize(
    "entry, named",
    [
        ('"mode.lesson" = "ctrl+l"', "mode.lesson"),
        ('"mode.lessons" = "Ctrl+L"', "Ctrl+L"),
        ('"mode.lessons" = "f2"', "f2"),  # F2 silently stops going home: Home leaves footer and help
    ],
    ids=["misspelled-binding-id", "key-textual-never-sends", "key-already-taken"],
)
@synchronously
async def test_a_bad_keys_entry_is_named_in_a_warning(app_with_config, entry: str, named: str) -> None:
    app = app_with_config(f"[keys]\n{entry}\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert any(named in message for message in warnings(app)), warnings(app)


# ---- themes --------------------------------------------------------------------------------------


@synchronously
async def test_the_configured_theme_is_applied_at_start(app_with_config) -> None:
    app = app_with_config('theme = "textual-light"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-light"
        assert app.screen.styles.background.brightness > 0.5, "a light background behind the dashboard"
        assert warnings(app) == []


@synchronously
async def test_an_unknown_theme_is_a_warning_and_the_app_runs_on_the_default(app_with_config) -> None:
    app = app_with_config('theme = "solarised-dark"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert [m for m in warnings(app) if "Unknown theme 'solarised-dark'" in m and "solarized-dark" in m]
        assert app.theme == "textual-dark"
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)


# ---- the mouse -----------------------------------------------------------------------------------


@synchronously
async def test_clicking_a_lesson_in_the_list_opens_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press(*"sigmoid")  # the filter box has the focus: the list shrinks to fit the screen
        await settle(app, pilot)
        await click_text(app, pilot, SIGMOID_TITLE)
        assert isinstance(app.screen, LessonScreen)
        assert SIGMOID_TITLE in shown(app, "#lesson-title")


@synchronously
async def test_clicking_help_in_the_footer_opens_the_help(make_app) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await click_text(app, pilot, "Help", row=23)
        assert isinstance(app.screen, HelpScreen)


@synchronously
async def test_an_answer_is_checked_and_a_hint_shown_with_the_mouse(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await run_palette_command(app, pilot, "sigmoid and its")
        await pilot.press("x", *"s(1+s)")
        await settle(app, pilot)
        buttons = next(
            y for y, line in enumerate(screen_lines(app)) if "Check" in line and "Solution" in line
        )
        await click_text(app, pilot, "Check", row=buttons)
        assert shown(app, "#verdict").startswith("✗ Not quite: Check the sign of the second factor")
        buttons = next(
            y for y, line in enumerate(screen_lines(app)) if "Check" in line and "Solution" in line
        )
        await click_text(app, pilot, "Hint", row=buttons)
        assert shown(app, "#hints").startswith("Hint 1:")


# ---- ctrl+q --------------------------------------------------------------------------------------


@synchronously
async def test_ctrl_q_quits_with_a_lesson_and_a_half_typed_answer_open(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await run_palette_command(app, pilot, "sigmoid and its")
        await pilot.press("x", *"s(1-")
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0


@synchronously
async def test_ctrl_q_quits_from_a_dialog(make_app) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6", *"calc")
        await settle(app, pilot)
        assert isinstance(app.screen, StartTimerDialog)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0


@synchronously
async def test_ctrl_q_in_the_diary_editor_quits_and_keeps_the_unsaved_text(make_app, context) -> None:
    app = make_app(background=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.click("#diary-editor")
        await pilot.press(*"Not saved by hand")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running and app.return_code == 0
    saved = context.home.diary_dir / "2025-07-06.md"
    assert saved.read_text(encoding="utf-8") == "Not saved by hand\n"  # a saved file ends with a newline


# ---- 80x24 ---------------------------------------------------------------------------------------


@synchronously
async def test_every_section_fits_80x24_with_the_footer_on_the_last_row(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for key, section in [
            ("f2", DashboardScreen),
            ("f3", LessonsScreen),
            ("f4", DiaryScreen),
            ("f5", ProgressScreen),
            ("f1", HelpScreen),
        ]:
            await pilot.press(key)
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, section)
            terminal = Region(0, 0, 80, 24)
            for widget in screen.query("*"):
                if widget.display:
                    region = widget.region
                    assert region.width > 0 and region.height > 0, f"{key}: {widget} is {region}"
                    in_footer = any(isinstance(node, KeysBar) for node in widget.ancestors_with_self)
                    if not in_footer:  # the footer's keys: test_the_footer_shows_every_key_of_a_screen
                        assert region.right <= 80, f"{key}: {widget} is cut off on the right: {region}"
            for part in screen.children:
                assert terminal.contains_region(part.region), f"{key}: {part} is off the screen"
            frame = screen.below if isinstance(screen, HelpScreen) else screen
            assert frame.query_one(KeysBar).region == Region(0, 23, 80, 1), key
            last_row = screen_lines(app)[23]
            assert "f1 Help" in last_row, f"{key}: the footer shows {last_row!r}"
            if isinstance(screen, HelpScreen):
                assert all(part.region.bottom <= 23 for part in screen.children), "help hides the footer"
                await pilot.press("escape")


async def open_screen(app, pilot, keys: tuple[str, ...]) -> None:
    await settle(app, pilot)
    await pilot.press(*keys)
    await settle(app, pilot)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param(("f2",), id="dashboard"),
        pytest.param(("f5",), id="progress"),
        pytest.param(("f3",), id="lessons"),
        pytest.param(("f4",), id="diary"),
        pytest.param(("f3", *"sigmoid", "enter", "enter"), id="lesson"),
        pytest.param(("f3", *"sigmoid", "enter", "enter", "x"), id="quiz"),
    ],
)
@synchronously
async def test_the_footer_fits_80_columns_keeping_the_screens_own_keys(make_app, keys) -> None:
    """Every key shown is whole and the palette key ends the row; when not every key fits, the
    section keys (F2-F5, on every screen and listed in help) give way, never the screen's own."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(app, pilot, keys)
        last_row = screen_lines(app)[23]
        assert last_row.rstrip().endswith("^p palette"), last_row
        own: dict[str, list[str]] = {}  # the screen's own keys: one per action, any of its keys
        for active in app.screen.active_bindings.values():
            binding = active.binding
            if binding.show and binding.description and active.node is not app:
                label = f"{app.get_key_display(binding)} {binding.description}"
                own.setdefault(binding.action, []).append(label)
        assert "f1 Help" in last_row, last_row
        missing = [labels[0] for labels in own.values() if not any(label in last_row for label in labels)]
        assert missing == [], f"the screen's own keys {missing} are missing from {last_row!r}"
        if "f2 Home" not in last_row:
            assert all(f"f{n} " not in last_row for n in (3, 4, 5)), "sections give way together"


@synchronously
async def test_a_lesson_typed_in_the_palette_before_the_library_loads_is_found_once_it_does(make_app) -> None:
    app = make_app()
    load_library = app.load_library
    app.load_library = lambda: None  # the library is held back until the palette is open
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not app.library.ready
        await pilot.press("ctrl+p")
        await pilot.press(*"sigmoid and its")
        await pilot.pause()
        load_library()  # arrives while the palette's lesson search waits for it
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LessonScreen)
        assert "The sigmoid and its derivative" in str(app.screen.sub_title)
