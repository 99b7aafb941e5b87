"""What the dashboard shows, read by services/dashboard.py: every part, and each part that cannot be read
named while the others still show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from studybuddy.services.context import StudyContext
from studybuddy.services.dashboard import gather_dashboard

TODAY = date(2025, 7, 6)


class FrozenClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StudyContext:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    context = StudyContext.open(str(tmp_path / "home"))
    context.clock = FrozenClock(datetime(2025, 7, 6, 9, 0, tzinfo=UTC))
    return context


def test_every_part_of_the_dashboard_comes_from_the_study_home(context: StudyContext) -> None:
    context.timer.start(subject="calculus", minutes=60)
    context.clock.moment += timedelta(minutes=25)  # type: ignore[attr-defined]
    context.timer.stop()
    context.diary.add_line("derived the #softmax Jacobian")
    context.progress.lesson_opened("sigmoid-derivative", steps_revealed=3)
    paced: list[None] = []

    data = gather_dashboard(context, TODAY, pace=lambda: paced.append(None))

    assert data.last_session == "Last: calculus, 25 min, Sun 06 Jul 09:00"
    assert data.diary_excerpt is not None and "derived the #softmax Jacobian" in data.diary_excerpt
    assert data.recent == [("sigmoid-derivative", 3)]
    assert (data.streak_days, data.week_minutes) == (1, 25)
    assert data.problems == []
    assert len(paced) == 4, "the app's loads give way before each read"


@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused"])
def test_a_session_still_open_is_shown_as_going_on_not_as_the_last_one(
    context: StudyContext, paused: bool
) -> None:
    context.timer.start(subject="calculus", minutes=60)
    context.clock.moment += timedelta(minutes=25)  # type: ignore[attr-defined]
    if paused:
        context.timer.pause()

    line = gather_dashboard(context, TODAY).last_session

    assert not line.startswith("Last:"), "a session still counting is not the last one, with a frozen 25 min"
    assert line == f"{'Paused' if paused else 'Studying now'}: calculus, started Sun 06 Jul 09:00"


def test_a_part_that_cannot_be_read_is_named_and_the_others_still_show(context: StudyContext) -> None:
    context.diary.add_line("written while the database is broken")
    context.home.database_path.mkdir(parents=True)  # a folder where the database file belongs

    data = gather_dashboard(context, TODAY)

    assert [problem.split(":")[0] for problem in data.problems] == ["sessions", "stats", "lessons"]
    assert all("is a folder, not a database file" in problem for problem in data.problems)
    assert data.diary_excerpt is not None and "written while the database is broken" in data.diary_excerpt
    assert (data.last_session, data.recent, data.streak_days, data.week_minutes) == ("", [], 0, 0)


def test_an_empty_home_is_an_empty_dashboard_without_problems(context: StudyContext) -> None:
    data = gather_dashboard(context, TODAY)
    assert (data.last_session, data.diary_excerpt, data.recent, data.problems) == ("", None, [], [])
