"""After the first paint the UI thread stays free for the learner's keys: what start-up reads from disk
(the database, opened or created, the timer's state, the dashboard's figures) is read on other threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from pilot_support import settle, synchronously

from studybuddy.storage.database import Database


@pytest.mark.parametrize("first_start", [True, False], ids=["new home", "existing database"])
@synchronously
async def test_the_database_is_opened_off_the_ui_thread_at_start_up(
    make_app: Any, context: Any, monkeypatch: pytest.MonkeyPatch, first_start: bool
) -> None:
    if not first_start:  # a database that exists: opened and checked, not created
        context.home.database_path.parent.mkdir(parents=True, exist_ok=True)
        Database.open(context.home.database_path, now=context.clock.now()).close()
    opened_on: list[str] = []
    open_database = Database.open

    def recording_open(*args: Any, **kwargs: Any) -> Database:
        opened_on.append(threading.current_thread().name)
        return open_database(*args, **kwargs)

    monkeypatch.setattr(Database, "open", staticmethod(recording_open))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.timer.service is not None  # the timer did open it (the dashboard's cards may too)
    assert opened_on, "the start-up opened the database"
    assert threading.main_thread().name not in opened_on, opened_on


def test_the_lessons_section_imports_no_lesson_model_or_path_reads_with_the_app() -> None:
    """The app imports the lessons section on the UI thread right after its first paint (ui/app.py
    on_ready): what that import brings is time a key pressed then waits for. The lesson model comes with
    the library's load and the path's reads with their thread."""
    script = (
        "import json, sys\n"
        "import studybuddy.ui.app, studybuddy.ui.screens.lessons\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    later = {
        "studybuddy.core.lessons.model",
        "studybuddy.services.learning_path",
        "studybuddy.storage.progress",
    }
    assert sorted(later & loaded) == []


LESSON_SCREEN_READY = """
import asyncio, json, sys
from studybuddy.services.context import StudyContext
from studybuddy.ui.app import StudyBuddyApp

async def main():
    context = StudyContext.open(sys.argv[1])
    app = StudyBuddyApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.library_settled.wait()
        await app.workers.wait_for_complete()
        await pilot.pause()
        print(json.dumps(sorted(sys.modules)))

asyncio.run(main())
"""


def test_the_library_load_imports_the_lesson_screen_before_a_lesson_opens(
    tmp_path: Path,
) -> None:
    """Opening a lesson imported its screen and Textual's Markdown on the UI thread (50-100 ms a key
    pressed as the lesson opened waited for): the library's load imports them once it is done."""
    result = subprocess.run(
        [sys.executable, "-c", LESSON_SCREEN_READY, str(tmp_path / "home")],
        env={**os.environ, "STUDYBUDDY_CONFIG": str(tmp_path / "none.toml")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert {"studybuddy.ui.screens.lesson", "textual.widgets._markdown"} <= loaded
