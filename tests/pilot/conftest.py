"""Pilot fixtures: a temporary study home, no user config, and a clock the test moves by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studybuddy.services.context import StudyContext
from studybuddy.ui.app import StudyBuddyApp


class FrozenClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2025, 7, 6, 9, 30, tzinfo=UTC))


@pytest.fixture
def context(tmp_path, monkeypatch, clock) -> StudyContext:
    monkeypatch.setenv("STUDYBUDDY_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("STUDYBUDDY_HOME", raising=False)
    ctx = StudyContext.open(str(tmp_path / "home"))
    ctx.clock = clock  # before any service is built, so every service shares the frozen clock
    return ctx


@pytest.fixture
def make_app(context, clock):
    def build(**kwargs) -> StudyBuddyApp:
        return StudyBuddyApp(context, clock=clock, **kwargs)

    return build
