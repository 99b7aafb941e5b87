"""Snapshot fixtures: a study home with a few days of history, a frozen clock, UTC, no user config."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, date, datetime

import pytest

from studybuddy.services.context import StudyContext
from studybuddy.services.lessons import LessonService
from studybuddy.storage.lesson_library import bundled_lessons_dir

MOMENT = datetime(2025, 7, 6, 9, 30, tzinfo=UTC)


class FrozenClock:
    def now(self) -> datetime:
        return MOMENT


@pytest.fixture
def context(tmp_path, monkeypatch) -> StudyContext:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    monkeypatch.setenv("TZ", "UTC")  # session times are shown in local time
    time.tzset()
    ctx = StudyContext.open(str(tmp_path / "home"))
    ctx.clock = FrozenClock()
    # The sigmoid lesson and what it requires, not the whole library: the dashboard's path ("0 of N
    # lessons done") must not change with every lesson added to the library.
    library = tmp_path / "library"
    library.mkdir()
    needed = ("activations/sigmoid-derivative", "calculus/computational-graph", "losses/log-cross-entropy")
    for name in needed:
        shutil.copy(bundled_lessons_dir() / f"{name}.yaml", library)
    ctx.lessons = LessonService(ctx.home, bundled_dir=library)
    yield ctx
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def history(context) -> StudyContext:
    """Three days of study, a diary entry for today, one lesson half done."""
    for day, subject, minutes in [
        (date(2025, 7, 3), "calculus", 60),
        (date(2025, 7, 4), "linear algebra", 45),
        (date(2025, 7, 5), "calculus", 90),
    ]:
        context.timer.log(subject=subject, minutes=minutes, day=day)
    context.timer.log(subject="machine learning", minutes=30)
    context.progress.lesson_opened("sigmoid-derivative", steps_revealed=3)
    for correct in (False, True):
        context.progress.record_attempt(
            lesson_id="sigmoid-derivative",
            exercise_id="sigmoid-prime",
            answer="s(1-s)",
            correct=correct,
            verdict="equivalent" if correct else "different",
        )
    context.home.diary_dir.mkdir(parents=True, exist_ok=True)
    (context.home.diary_dir / "2025-07-06.md").write_text(
        "# Sigmoid\n\nThe derivative is **s(1 - s)**: the backward pass reuses the forward value.\n",
        encoding="utf-8",
    )
    return context
