"""Pilot fixtures: a temporary study home, no user config, and a clock the test moves by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pilot_support import record_notifications

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


@pytest.fixture(scope="session")
def grader():
    """One real grading worker process for the whole run (it imports SymPy once, ~1 s)."""
    from studybuddy.services.grading import GradingService

    service = GradingService(timeout=120.0)  # patient: busy shared cores never make a grade "unknown"
    service.start()
    yield service
    service.close()


@pytest.fixture
def make_app(context, clock, grader):
    def build(grading=None, **kwargs) -> StudyBuddyApp:
        """``grading``: a stand-in for the shared grader (a stalling or held one)."""
        context.grading = grading or grader
        app = StudyBuddyApp(context, **kwargs)
        record_notifications(app)  # from the start: a toast vanishes, the list keeps it
        return app

    return build
