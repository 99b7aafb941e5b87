"""Every on-screen hint that names a key names the key actually bound: the defaults, and the keys a
config file's [keys] table remaps (the timer bar, the dashboard's cards, help)."""

from __future__ import annotations

import re

import pytest
from pilot_support import screen_lines, settle, shown, synchronously
from textual.widgets import Markdown

from studybuddy.services.context import StudyContext
from studybuddy.ui.app import StudyBuddyApp
from studybuddy.ui.screens.help import HelpScreen
from studybuddy.ui.screens.quiz import QuizScreen
from studybuddy.ui.widgets.timer_bar import TimerBar

REMAPPED = '[keys]\n"timer.toggle" = "ctrl+t"\n"mode.lessons" = "ctrl+l"\n"help.close" = "ctrl+w"\n'


@pytest.fixture
def app_with_config(tmp_path, monkeypatch, clock, grader):
    def build(toml: str) -> StudyBuddyApp:
        config = tmp_path / "config.toml"
        config.write_text(toml, encoding="utf-8")
        monkeypatch.setenv("STUDYBUDDY_CONFIG", str(config))
        monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
        context = StudyContext.open(str(tmp_path / "home"))
        context.clock = clock
        context.grading = grader
        return StudyBuddyApp(context, background=False)

    return build


@pytest.mark.parametrize(
    "toml, toggle, lessons, close",
    [("", "F6", "F3", "Esc"), (REMAPPED, "ctrl+t", "ctrl+l", "ctrl+w")],
    ids=["default-keys", "remapped-keys"],
)
@synchronously
async def test_every_hint_names_the_key_bound(app_with_config, toml, toggle, lessons, close) -> None:
    app = app_with_config(toml)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert (
            app.screen.query_one(TimerBar)
            .render()
            .plain.startswith(f"No session running. Start the hour with {toggle}.")
        )
        session, recent = shown(app, "#card-session"), shown(app, "#card-recent")
        assert f"Press {toggle} to start your first hour" in session
        assert f"Pick one in Lessons ({lessons})" in recent
        dashboard = "\n".join(screen_lines(app))
        await pilot.press("f1")
        await settle(app, pilot)
        help_text = app.screen.query_one(Markdown).source
        assert f"Press **{close}** to close" in help_text
        await pilot.press(close.lower() if close != "Esc" else "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, HelpScreen), f"{close} closes the help, as it says"
        if toml:
            every_word = dashboard + help_text
            assert not re.search(r"\b[Ff](6|3)\b", every_word), "a hint still names a key no longer bound"


@pytest.mark.parametrize(
    "toml, solution",
    [("", "F9"), ('[keys]\n"quiz.solution" = "f11"\n', "F11")],  # F12 is the scratchpad's
    ids=["default-keys", "remapped-keys"],
)
@synchronously
async def test_the_last_hint_names_the_solution_key_bound(app_with_config, toml, solution) -> None:
    app = app_with_config(toml)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        lesson = app.context.lessons.get("sigmoid-derivative")
        await app.push_screen(QuizScreen(lesson, 0))
        await settle(app, pilot)
        for _ in range(10):  # every hint the exercise has
            await pilot.press("f8")
            await settle(app, pilot)
        assert f"(no more hints; {solution} shows the worked solution)" in shown(app, "#hints")
        await pilot.press(solution.lower())
        await settle(app, pilot)
        assert app.screen.query_one("#solution").display, f"{solution} shows the solution, as the hint says"
