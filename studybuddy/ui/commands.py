"""Command palette providers: open any lesson, open any diary day."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from studybuddy.ui.study_app import study_app

if TYPE_CHECKING:
    from studybuddy.services.diary import DaySummary
    from studybuddy.storage.lesson_library import LibraryEntry

LIBRARY_WAIT_SECONDS = 10.0  # a cold library loads in well under a second; never hold the palette for good


class LessonCommands(Provider):
    """Every loaded lesson by title, subject and topic."""

    async def _library_loaded(self) -> None:
        """A search made before the library has loaded (the first seconds after launch) waits for it,
        the palette showing it is busy meanwhile, so a lesson typed then is found. (Not in
        ``startup``: the palette cancels a search at each key, and that cancelled the startup too.)"""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(study_app(self).library_settled.wait(), timeout=LIBRARY_WAIT_SECONDS)

    def _entries(self) -> list[tuple[str, str, LibraryEntry]]:
        """(title, help, lesson). The palette reads a str prompt and the help as markup: a title or a
        topic is a stranger's text ("[/]" broke the palette, "[@click=...]" made a link), so the
        prompt is handed over as Content and the help escaped."""
        return [
            (f"Lesson: {lesson.title}", f"{lesson.subject} / {lesson.topic}", lesson)
            for lesson in study_app(self).library.lessons
        ]

    async def search(self, query: str) -> Hits:
        await self._library_loaded()
        matcher = self.matcher(query)
        for title, help_text, lesson in self._entries():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    _highlight(matcher, title),
                    partial(self._open, lesson.id),
                    text=title,
                    help=escape(help_text),
                )

    async def discover(self) -> Hits:
        await self._library_loaded()
        for title, help_text, lesson in self._entries()[:20]:
            yield DiscoveryHit(
                Content(title), partial(self._open, lesson.id), text=title, help=escape(help_text)
            )

    def _open(self, lesson_id: str) -> None:
        from studybuddy.ui.screens.lesson import open_lesson

        open_lesson(study_app(self), lesson_id)


def _highlight(matcher: Matcher, text: str) -> Content:
    """``matcher.highlight`` for plain text (that one reads its text as markup)."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class DiaryDayCommands(Provider):
    """Every diary day, newest first, by its date and first line."""

    async def startup(self) -> None:
        self._days: list[DaySummary] = []
        context = study_app(self).context
        worker = self.app.run_worker(lambda: context.diary.list(), thread=True, exit_on_error=False)
        await worker.wait()  # an unreadable diary folder: no days (a search finds none), nothing fatal
        self._days = list(reversed(worker.result or []))

    def _entries(self) -> list[tuple[str, date]]:
        return [(f"Diary: {item.day:%Y-%m-%d %A}", item.day) for item in self._days]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, day in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._open, day), help="Open this day")

    def _open(self, day: date) -> None:
        from studybuddy.ui.screens.diary import open_diary_day

        open_diary_day(self.app, day)
