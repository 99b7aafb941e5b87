"""The config file as the app meets it: a theme chosen in the palette is kept for the next start (in
the user's own file, comments and all), and a broken file never stops the app: it starts on the
defaults and says what it left out, with the file and line."""

from __future__ import annotations

import pytest
from pilot_support import record_notifications, settle, shown, synchronously, warnings

from studybuddy.services.context import StudyContext
from studybuddy.ui.app import StudyBuddyApp
from studybuddy.ui.screens.dashboard import DashboardScreen
from studybuddy.ui.screens.dialogs import StartTimerDialog
from studybuddy.ui.screens.lesson import LessonScreen
from studybuddy.ui.screens.lessons import LessonsScreen

USERS_FILE = """\
# my studybuddy settings
theme = "textual-dark"   # the default, for now

[timer]
minutes = 50             # fifty, then a break
[keys]
"timer.toggle" = "ctrl+t"
"""


@pytest.fixture
def start_app(tmp_path, monkeypatch, clock, grader):
    """An app started as `studybuddy` starts it: the config file read from $STUDYBUDDY_CONFIG."""
    config = tmp_path / "config.toml"
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(config))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)

    def build() -> StudyBuddyApp:
        context = StudyContext.open(str(tmp_path / "home"))
        context.clock = clock
        context.grading = grader
        app = StudyBuddyApp(context, background=False)
        record_notifications(app)  # from the start: what on_mount says about the file
        return app

    return config, build


@synchronously
async def test_a_theme_chosen_in_the_palette_is_kept_after_a_restart(start_app) -> None:
    config, build = start_app
    config.write_text(USERS_FILE, encoding="utf-8")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p", *"theme")
        await settle(app, pilot)
        await pilot.press("enter")  # "Theme: change the current theme"
        await settle(app, pilot)
        await pilot.press(*"textual-light")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.theme == "textual-light"
        assert warnings(app) == []

    assert config.read_text(encoding="utf-8") == USERS_FILE.replace(
        'theme = "textual-dark"', 'theme = "textual-light"'
    ), "only the theme line changed: comments, other settings and keys as the user wrote them"
    again = build()
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(again, pilot)
        assert again.theme == "textual-light"
        assert again.context.config.timer_minutes == 50


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            'theme = "nord"\n[timer]\nminutes = sixty\n',
            [":3:11: not valid TOML", "the whole file is ignored"],
        ),
        (
            '[timer]\nminutes = "sixty"\nrotation = 3\n\nhome = 5\n',
            [':2: timer.minutes must be a whole number, not "sixty"; using 60', ":3: timer.rotation", ":5:"],
        ),
        (
            'home = 5\n[timer]\nminutes = "sixty"\nrotation = 3\n',
            [":1: home must be text in quotes", ":3: timer.minutes", ":4: timer.rotation must be a list"],
        ),
        (
            'them = "nord"\n[timer]\nminute = 50\n',
            ["them is not a setting (did you mean theme?)", "minutes?"],
        ),
    ],
    ids=["not-toml", "wrong-types-in-timer", "wrong-types", "unknown-keys"],
)
@synchronously
async def test_a_broken_config_file_starts_the_app_on_defaults_and_says_what_was_left_out(
    start_app, text: str, named: list[str]
) -> None:
    config, build = start_app
    config.write_text(text, encoding="utf-8")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.context.config.timer_minutes == 60
        told = "\n".join(warnings(app))
        for words in named:
            assert f"{config}{words}" in told or words in told, f"{words!r} not in {told!r}"
        assert str(config) in told
        await pilot.press("f3")  # and the app works
        await settle(app, pilot)
        assert isinstance(app.screen, LessonsScreen)


@synchronously
async def test_binding_ctrl_q_in_the_config_is_refused_with_a_warning_and_ctrl_q_still_quits(
    start_app,
) -> None:
    """The README promises a warning for a key another binding has; ctrl+q (Quit, which has no id)
    was silently taken away. A binding id written like markup ("[/]") is shown as written."""
    config, build = start_app
    config.write_text('[keys]\n"timer.toggle" = "ctrl+q"\n"[/]" = "f9"\n', encoding="utf-8")
    app = build()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        told = "\n".join(warnings(app))
        assert "[keys] timer.toggle = 'ctrl+q': ctrl+q is Quit's key, which cannot be remapped" in told
        assert "[keys] '[/]' is not a binding" in told
        toasts = "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))
        assert "[keys] timer.toggle" in toasts and "[keys] '[/]'" in toasts, toasts  # not read as markup
        await pilot.press("f6")  # the timer keeps its own key: it asks what to study
        await settle(app, pilot)
        assert isinstance(app.screen, StartTimerDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


@synchronously
async def test_a_lessons_step_hint_names_the_keys_the_config_binds(start_app) -> None:
    config, build = start_app
    config.write_text('[keys]\n"lesson.next_step" = "j"\n"lesson.checks" = "k"\n', encoding="utf-8")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(LessonScreen("sigmoid-derivative"))
        await settle(app, pilot)
        assert warnings(app) == []
        assert shown(app, "#steps-hint") == "Step 1 of 5. Press j for the next step."
        await pilot.press("j", "j", "j", "j")
        await settle(app, pilot)
        assert shown(app, "#steps-hint") == (
            "Derivation complete. Press k for the numeric check, x for the exercises."
        )
