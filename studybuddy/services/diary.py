"""The diary as the CLI and the app use it: add a line, show, list, search, edit, export, import."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from studybuddy.core.clock import Clock
from studybuddy.core.diary import append_line, merge_below
from studybuddy.core.diary_search import parse_query, snippet
from studybuddy.core.errors import StudybuddyError
from studybuddy.storage.diary_cache import CACHE_NAME as DIARY_INDEX_NAME
from studybuddy.storage.diary_files import ABSENT, DiaryFiles, StoredEntry, Version

if TYPE_CHECKING:
    from studybuddy.core.diary_import import ImportPlan
    from studybuddy.services.context import StudyContext

MinutesByDay = Callable[[date, date], Mapping[date, int]]

MAX_IMPORT_BYTES = 64 * 1024 * 1024  # a diary, not a database dump: refuse something that is clearly not one


@dataclass(frozen=True)
class DaySummary:
    day: date
    minutes: int | None  # None when study minutes are not available


@dataclass(frozen=True)
class SearchHit:
    day: date
    snippet: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    """An entry opened for editing: its text and the version it was read at."""

    day: date
    text: str
    version: Version


@dataclass
class ImportReport:
    source: Path
    plan: ImportPlan
    dry_run: bool
    notes: tuple[str, ...] = ()  # how the file was read and split (encoding, date order, repeats)
    written: dict[date, str] = field(default_factory=dict)  # day -> "new", "merged" or "already there"


class DiaryService:
    def __init__(self, files: DiaryFiles, clock: Clock, minutes_by_day: MinutesByDay | None = None) -> None:
        self.files = files
        self.clock = clock
        self.minutes_by_day = minutes_by_day

    def today(self) -> date:
        return self.clock.now().date()

    def parse_day(self, text: str | None) -> date:
        """A date as typed (``yesterday``, ``2025-07-06``); none means today."""
        if text is None:
            return self.today()
        from studybuddy.core.dates import parse_date  # the app never parses typed dates: not at start-up

        return parse_date(text, self.today())

    # Writing -------------------------------------------------------------------------------------

    def add_line(self, text: str) -> StoredEntry:
        """Append ``- HH:MM text`` to today's entry (made if missing). Safe beside other writers."""
        text = " ".join(text.split())
        if not text:
            raise StudybuddyError("nothing to add: give the text of the line")
        now = self.clock.now()
        day = now.date()
        with self.files.locked():
            stored = self.files.read(day)
            old, version = (stored.entry.text, stored.version) if stored else ("", ABSENT)
            self.files.save(day, append_line(old, f"- {now:%H:%M} {text}"), expected=version)
        saved = self.files.read(day)
        assert saved is not None
        return saved

    def open_draft(self, day: date) -> Draft:
        stored = self.files.read(day)
        if stored is None:
            return Draft(day, "", ABSENT)
        return Draft(day, stored.entry.text, stored.version)

    def save_draft(self, draft: Draft, new_text: str) -> bool:
        """Save an edited draft; False if nothing changed. A change on disk since raises DiaryConflict."""
        if new_text == draft.text:
            return False
        with self.files.locked():
            self.files.save(draft.day, new_text, expected=draft.version)
        return True

    # Reading -------------------------------------------------------------------------------------

    def show(self, day: date) -> StoredEntry | None:
        return self.files.read(day)

    def list(self, start: date | None = None, end: date | None = None) -> list[DaySummary]:
        """Days with an entry, oldest first, with that day's study minutes when they are known."""
        days = [d for d in self.files.days() if (start is None or d >= start) and (end is None or d <= end)]
        minutes = self._minutes(days)
        return [DaySummary(day, minutes.get(day, 0) if minutes is not None else None) for day in days]

    def search(self, text: str) -> list[SearchHit]:
        query = parse_query(text, self.today())
        return [SearchHit(e.day, snippet(e, query), e.tags) for e in self.files.search(query)]

    def unreadable(self) -> Mapping[date, str]:
        """Entries the last search skipped because they could not be read, with the reason."""
        return self.files.unreadable

    def export(self) -> str:
        """All entries as one Markdown document, oldest first, each with that day's study minutes."""
        from studybuddy.core.stats import study_time

        days = self.files.days()
        minutes = self._minutes(days)
        entries = [stored.entry for day in days if (stored := self.files.read(day)) is not None]
        total = sum(minutes.values()) if minutes is not None else None
        lines = ["# Study diary", ""]
        summary = [
            f"Exported {self.today().isoformat()}",
            f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}",
        ]
        if entries:
            summary.append(f"{entries[0].day.isoformat()} to {entries[-1].day.isoformat()}")
        if total is not None:
            summary.append(f"{study_time(total)} of study")
        lines += [" · ".join(summary), ""]
        for entry in entries:
            heading = f"## {entry.day.isoformat()} ({entry.day:%A})"
            if minutes is not None:
                heading += f" · {study_time(minutes.get(entry.day, 0))} studied"
            lines += [heading, ""]
            if entry.front_matter.get("tags"):
                lines += ["Tags: " + " ".join(f"#{tag}" for tag in entry.tags), ""]
            lines += [entry.body.strip("\n"), ""]
        return "\n".join(lines).rstrip("\n") + "\n"

    def _minutes(self, days: list[date]) -> Mapping[date, int] | None:
        if self.minutes_by_day is None or not days:
            return None
        first, last = days[0], days[-1]
        return {day: m for day, m in self.minutes_by_day(first, last).items() if first <= day <= last}

    # Import --------------------------------------------------------------------------------------

    def import_file(
        self,
        source: Path,
        *,
        start_date: date | None = None,
        default_date: date | None = None,
        dry_run: bool = False,
    ) -> ImportReport:
        """Write the entries of ``source``; an existing entry is kept and the import merged below it."""
        from studybuddy.core.diary_import import plan_import  # the importer loads only to import

        text, read_notes = _read_source(source)
        plan = plan_import(text, start_date=start_date, default_date=default_date)
        report = ImportReport(source, plan, dry_run, notes=(*read_notes, *plan.notes))
        note = f"*Imported from {source.name} on {self.today().isoformat()}*"
        # A dry run takes no lock: it must not even create the diary folder.
        with contextlib.nullcontext() if dry_run else self.files.locked():
            for imported in plan.entries:
                stored = self.files.read(imported.day)
                if stored is None or stored.entry.is_blank():
                    report.written[imported.day] = "new"
                    new_text = imported.text + "\n"
                elif imported.text.strip() in stored.entry.text:
                    report.written[imported.day] = "already there"
                    continue
                else:
                    report.written[imported.day] = "merged"
                    new_text = merge_below(stored.entry.text, imported.text, note)
                if not dry_run:
                    self.files.save(imported.day, new_text, expected=stored.version if stored else ABSENT)
        return report


def open_diary(context: StudyContext) -> DiaryService:
    """The diary of the context's study home, with study minutes from the sessions database."""
    database_path = context.home.database_path

    def minutes_by_day(first: date, last: date) -> Mapping[date, int]:
        # Opened only when minutes are asked for (list, export), and never created just for them.
        return context.stats.minutes_by_day(first, last) if database_path.exists() else {}

    files = DiaryFiles(
        context.home.diary_dir,
        index_cache=context.home.cache_dir / DIARY_INDEX_NAME,
        wall_clock=lambda: context.clock.now().timestamp(),
    )
    files.remove_stale_temporaries()  # left by saves killed mid-write, once clearly abandoned
    return DiaryService(files, context.clock, minutes_by_day)


def _read_source(source: Path) -> tuple[str, list[str]]:
    try:
        size = source.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise StudybuddyError(f"{source} is {size // 2**20} MiB; a diary to import must be under 64 MiB")
        data = source.read_bytes()
    except FileNotFoundError:
        raise StudybuddyError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise StudybuddyError(f"{source} is a folder; give the Markdown file to import") from None
    except OSError as error:
        raise StudybuddyError(f"cannot read {source}: {error.strerror}") from error
    from studybuddy.core.diary_import import DiaryImportError, decode_diary

    try:
        return decode_diary(data)
    except DiaryImportError as error:
        raise DiaryImportError(f"{source}: {error}") from None
