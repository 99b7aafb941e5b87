"""The diary as the CLI and the app use it: add a line, show, list, search, edit, export, import (the
last in services.diary_import).

Editing, wherever it happens (the app's editor and its autosave, ``$EDITOR`` from the app or from
``diary edit``), goes through ``save_draft``: the editor's text is saved against the version it was
last loaded or saved at (its base). When the file changed on disk since, nothing is overwritten: the
newer text is taken in, merged with the learner's unsaved words (``core.diary_edits``), saved, and
said once; the saved version is the base from then on, so the next keystrokes save normally.
"""

from __future__ import annotations

import builtins
import contextlib
import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from studybuddy.core.clock import Clock
from studybuddy.core.diary import append_line
from studybuddy.core.diary_edits import merge_texts, saved_form
from studybuddy.core.errors import StudybuddyError
from studybuddy.storage.diary_cache import CACHE_NAME as DIARY_INDEX_NAME
from studybuddy.storage.diary_files import ABSENT, DiaryConflict, DiaryFiles, StoredEntry, Version

if TYPE_CHECKING:
    from studybuddy.services.context import StudyContext
    from studybuddy.services.diary_import import ImportReport

MinutesByDay = Callable[[date, date], Mapping[date, int]]

MAX_EDITOR_CHARS = 128 * 1024  # a long day's entry is a few KiB; past this the app's editor slows
# A save whose file keeps changing between the check and the write (another program writing in a
# loop) is tried this often, then kept in one conflict copy.
SAVE_ATTEMPTS = 5


@dataclass(frozen=True)
class DaySummary:
    day: date
    minutes: int | None  # None when study minutes are not available
    has_entry: bool = True  # False: the day has only conflict copies
    conflict_copies: tuple[Path, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    day: date
    snippet: str
    tags: tuple[str, ...]
    conflict_copy: Path | None = None  # the hit is this conflict copy, not the day's entry
    lines: tuple[str, ...] = ()  # the first lines holding what was searched for (core.diary_search)


@dataclass(frozen=True)
class Draft:
    """An entry as an editor last loaded or saved it: its text and the version on disk (the base)."""

    day: date
    text: str
    version: Version

    @property
    def on_disk(self) -> bool:
        """Whether the entry has a file (a new day's template is not saved until it is changed)."""
        return self.version != ABSENT

    def holds(self, text: str) -> bool:
        """Whether an editor's ``text`` is what is saved (a save adds only a final newline)."""
        return text == self.text or saved_form(text) == self.text


@dataclass(frozen=True)
class Saved:
    """What saving an editor's text did. ``draft`` is the entry on disk now: the next save's base."""

    draft: Draft
    sent: str  # the editor's text this save was given
    shown: str  # what that editor shows now: ``sent``, or with the newer text on disk taken in
    written: bool  # the entry's file was written
    news: str | None = None  # the file had changed on disk: what was done, to say once
    conflicts: int = 0  # places both changed: both versions kept in the entry between notes

    def editor_text(self, typed: str) -> str:
        """What an editor that sent ``sent`` and holds ``typed`` now (typed on meanwhile) should show."""
        if self.shown == self.sent:
            return typed
        if typed == self.sent:
            return self.shown
        return merge_texts(self.sent, typed, self.shown).text


class EditSession:
    """An editor's hold on one entry: the base each save goes from, made current by every save.

    Its saves run one at a time (the app's writer thread). The editor applies each result with
    ``taken``; a save made before it did (the app closing, or handing the entry to $EDITOR, while a
    save was on its way) first brings the editor's text up to that result, so a text the result took
    in from disk is never saved away again.
    """

    def __init__(self, service: DiaryService, draft: Draft) -> None:
        self._service = service
        self.draft = draft
        self.last: Saved | None = None  # the latest save's result
        self._unseen: Saved | None = None  # ... until the editor has applied it

    @property
    def day(self) -> date:
        return self.draft.day

    @property
    def too_long(self) -> str | None:
        """Why the app's editor must show this entry read-only (None: it can be edited there).

        Textual's TextArea re-wraps and redraws the whole text at every key: past MAX_EDITOR_CHARS a
        key takes tenths of a second, and a 5 MB entry took 8 s a key (50 MB: minutes, 3 GB).
        """
        size = len(self.draft.text)
        if size <= MAX_EDITOR_CHARS:
            return None
        return (
            f"{self.day} is too long to edit here ({_kib(size)}; the editor takes up to "
            f"{_kib(MAX_EDITOR_CHARS)}): its beginning is shown read-only. Edit it with $EDITOR "
            f"(ctrl+o) or `studybuddy diary edit {self.day}`."
        )

    @property
    def shown_text(self) -> str:
        """What the app's editor shows: the entry, or for one too long, its first lines up to
        MAX_EDITOR_CHARS and a line saying how much more there is."""
        text = self.draft.text
        if len(text) <= MAX_EDITOR_CHARS:
            return text
        head = text[:MAX_EDITOR_CHARS]
        head = head[: head.rfind("\n") + 1] or head
        return f"{head}\n[... {_kib(len(text) - len(head))} more, not shown here ...]\n"

    def save(self, text: str) -> Saved:
        """Save the editor's ``text``: ``save_draft`` from the current base."""
        if self.too_long:  # the editor holds only its beginning: saving that would cut the entry
            raise StudybuddyError(self.too_long)
        unseen = self._unseen
        current = text if unseen is None else unseen.editor_text(text)
        saved = self._service.save_draft(self.draft, current)
        if current != text:  # the editor still shows ``text``: say what it should show, from there
            saved = Saved(saved.draft, text, saved.shown, saved.written, saved.news, saved.conflicts)
        self.draft, self.last, self._unseen = saved.draft, saved, saved
        return saved

    def taken(self, saved: Saved) -> None:
        """The editor now shows ``saved.editor_text(...)``."""
        if self._unseen is saved:
            self._unseen = None


def text_after_early_typing(entry_text: str, typed: str) -> str:
    """An entry that arrived after the learner started typing in an empty editor: their words after it."""
    return merge_texts("", typed, entry_text).text if typed else entry_text


class DiaryService:
    def __init__(
        self,
        files: DiaryFiles,
        clock: Clock,
        minutes_by_day: MinutesByDay | None = None,
        *,
        drafts_dir: Path | None = None,
        template: Callable[[date], str] | None = None,
    ) -> None:
        """``drafts_dir``: where ``$EDITOR`` gets its copy of an entry (the study home's; a service
        made without one, in tests, uses the system's temporary folder). ``template``: the text an
        editor starts a day without an entry from (services.diary_template; none: an empty page)."""
        self.files = files
        self.clock = clock
        self.minutes_by_day = minutes_by_day
        self.drafts_dir = drafts_dir
        self.template = template

    def today(self) -> date:
        return self.clock.now().date()

    def parse_day(self, text: str | None) -> date:
        """A date as typed (``yesterday``, ``2025-07-06``); none means today."""
        if text is None:
            return self.today()
        from studybuddy.core.dates import parse_date  # the app never parses typed dates: not at start-up

        return parse_date(text, self.today())

    # Writing -------------------------------------------------------------------------------------

    def add_line(self, text: str, day: date | None = None) -> StoredEntry:
        """Append ``- HH:MM text`` to today's entry (made if missing), or ``- text`` to another
        ``day``'s (the time now would be no time of that day). Safe beside other writers."""
        text = " ".join(text.split())
        if not text:
            raise StudybuddyError("nothing to add: give the text of the line")
        now = self.clock.now()
        if day is None or day == now.date():
            return self.append(f"- {now:%H:%M} {text}")
        return self.append(f"- {text}", day=day)

    def append(self, markdown: str, *, block: bool = False, day: date | None = None) -> StoredEntry:
        """Add ``markdown`` at the end of ``day``'s entry (default today; made if missing): the one way
        text is added to an entry from outside an editor, safe beside other writers. ``block``: a
        Markdown block of its own (a report), set off from the text above by a blank line."""
        day = day or self.clock.now().date()
        with self.files.locked():
            stored = self.files.read(day)
            old, version = (stored.entry.text, stored.version) if stored else ("", ABSENT)
            addition = markdown.strip("\n")
            if block and old.strip():
                addition = "\n" + addition
            self.files.save(day, append_line(old, addition), expected=version)
        saved = self.files.read(day)
        assert saved is not None
        return saved

    def open_draft(self, day: date) -> Draft:
        """``day``'s entry as an editor starts from it; a day without one starts from the template,
        which is saved only once the learner changes it (a draft holding it unchanged writes nothing)."""
        stored = self.files.read(day)
        if stored is None:
            return Draft(day, self.template(day) if self.template else "", ABSENT)
        return Draft(day, stored.entry.text, stored.version)

    def edit(self, day: date) -> EditSession:
        """``day``'s entry opened in an editor that saves as the learner types (the app's)."""
        return EditSession(self, self.open_draft(day))

    def conflict_copies(self, day: date) -> list[Path]:
        """The conflict copies beside ``day``'s entry, in the order they were made."""
        return self.files.conflict_copies().get(day, [])

    def save_draft(self, draft: Draft, text: str) -> Saved:
        """Save an editor's ``text`` of ``draft``, the entry as that editor last loaded or saved it.

        - The file is as ``draft`` says: ``text`` is saved (ending with a newline), if it changed.
        - The file changed on disk since (another program): when ``text`` holds nothing unsaved, the
          newer text is simply taken in; else the two are merged (``merge_texts``: an outside append
          and the learner's typing elsewhere merge cleanly; lines both changed keep both versions,
          between notes) and saved. Deleted meanwhile: ``text`` is saved as a new file.
        - A file that keeps changing between check and write (``SAVE_ATTEMPTS`` times) is left as it
          is, ``text`` kept in one conflict copy, and DiaryConflict says where.
        """
        day, name = draft.day, self.files.path_for(draft.day).name
        with self.files.locked():
            for _ in range(SAVE_ATTEMPTS):
                stored = self.files.read(day)
                disk = Draft(day, stored.entry.text, stored.version) if stored else Draft(day, "", ABSENT)
                if disk.version == draft.version:
                    if draft.holds(text):
                        return Saved(draft, text, text, written=False)
                    written = self._write(day, saved_form(text), disk.version)
                    if written is not None:
                        return Saved(written, text, text, written=True)
                elif draft.holds(text):  # nothing unsaved: the editor takes the newer text in
                    news = (
                        f"{name} was deleted by another program; the editor is empty now"
                        if stored is None
                        else f"{name} was changed by another program; the editor shows its text now"
                    )
                    return Saved(disk, text, disk.text, written=False, news=news)
                elif stored is None:  # deleted while the learner was writing: their text is kept
                    written = self._write(day, saved_form(text), ABSENT)
                    if written is not None:
                        news = f"{name} was deleted by another program as you wrote; your text is saved again"
                        return Saved(written, text, text, written=True, news=news)
                else:
                    saved = self._merge(draft, text, disk)
                    if saved is not None:
                        return saved
            raise DiaryConflict(day, self.files.path_for(day), self.files.save_conflict_copy(day, text))

    def _write(self, day: date, text: str, expected: Version) -> Draft | None:
        version = self.files.try_save(day, text, expected=expected)
        return None if version is None else Draft(day, text, version)

    def _merge(self, draft: Draft, text: str, disk: Draft) -> Saved | None:
        """The learner's ``text`` (an edit of ``draft``) merged with ``disk`` and saved; None if the file
        changed again before the write."""
        name = self.files.path_for(draft.day).name
        merged = merge_texts(draft.text, text, disk.text)
        new = saved_form(merged.text)
        written = disk
        if new != disk.text:
            saved = self._write(draft.day, new, disk.version)
            if saved is None:
                return None
            written = saved
        if merged.conflicts:
            places = "one place" if merged.conflicts == 1 else f"{merged.conflicts} places"
            news = (
                f"{name} was changed by another program in the lines you were writing ({places}): both "
                "versions are kept in the entry, between <!-- studybuddy: ... --> notes; keep what you "
                "want and delete the notes"
            )
        else:
            news = f"{name} was changed by another program while you were writing: both changes are kept"
        return Saved(written, text, merged.text, written is not disk, news, merged.conflicts)

    def edit_externally(
        self,
        day: date,
        *,
        hand_over_terminal: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
    ) -> Saved:
        """Edit ``day``'s entry in $VISUAL or $EDITOR: on a copy, then saved through ``save_draft`` (the
        version check, a merge if the file changed meanwhile). The app hands its terminal over with
        ``hand_over_terminal`` (App.suspend); ``diary edit`` needs nothing. When the editor fails or
        the save does, the copy is kept and the error names it."""
        draft = self.open_draft(day)
        command = editor_command()
        copy = self._copy_for_editor(draft)
        import subprocess  # here: only the editor needs it, and every diary command imports this module

        try:
            with hand_over_terminal():
                status = subprocess.run([*command, str(copy)], check=False).returncode
        except OSError as error:
            copy.unlink(missing_ok=True)
            raise StudybuddyError(
                f"cannot start the editor {command[0]!r}: {error.strerror}; set $EDITOR"
            ) from error
        if status != 0:
            raise StudybuddyError(
                f"the editor exited with status {status}; nothing was saved. Your text is in {copy}"
            )
        new_text, note = _read_editor_copy(copy)
        try:
            saved = self.save_draft(draft, new_text)
        except DiaryConflict:
            copy.unlink(missing_ok=True)  # the text is in the conflict copy, which the error names
            raise
        except StudybuddyError as error:
            raise StudybuddyError(f"{error}. Your edited text is kept in {copy}") from error
        if note is None:
            copy.unlink(missing_ok=True)
            return saved
        # Not all UTF-8: saved as read, and the editor's own file kept to compare with.
        news = f"{note}; the editor's file is kept in {copy}"
        return replace(saved, news=f"{saved.news}. {news}" if saved.news else news)

    def _copy_for_editor(self, draft: Draft) -> Path:
        # In the study home, not the system's temp folder: if the save fails it is kept for the
        # learner, and a reboot must not wipe it.
        import tempfile  # here: it costs `diary list` and the other quick commands ~3 ms to import

        from studybuddy.storage.paths import make_cache_dir

        folder = self.drafts_dir or Path(tempfile.gettempdir())
        try:
            make_cache_dir(folder)
            handle, name = tempfile.mkstemp(prefix=f"{draft.day.isoformat()}-", suffix=".md", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(draft.text)
        except OSError as error:
            raise StudybuddyError(
                f"cannot make a copy of the entry for the editor in {folder}: {error.strerror}"
            ) from error
        return Path(name)

    # Reading -------------------------------------------------------------------------------------

    def show(self, day: date) -> StoredEntry | None:
        return self.files.read(day)

    def list(self, start: date | None = None, end: date | None = None) -> list[DaySummary]:
        """Days with an entry or a conflict copy, oldest first, with that day's study minutes when known."""
        copies = self.files.conflict_copies()
        entries = set(self.files.days())
        days = sorted(
            day
            for day in entries | copies.keys()
            if (start is None or day >= start) and (end is None or day <= end)
        )
        minutes = self._minutes(days)
        return [
            DaySummary(
                day,
                minutes.get(day, 0) if minutes is not None else None,
                has_entry=day in entries,
                conflict_copies=tuple(copies.get(day, ())),
            )
            for day in days
        ]

    def search(self, text: str) -> builtins.list[SearchHit]:
        """Entries and conflict copies found by ``text``, newest first (a day's entry before its copies)."""
        from studybuddy.core.diary_search import matching_lines, parse_query, snippet

        query = parse_query(text, self.today())
        hits = [
            SearchHit(e.day, snippet(e, query), e.tags, lines=tuple(matching_lines(e, query)))
            for e in self.files.search(query)
        ]
        hits += [
            SearchHit(e.day, snippet(e, query), e.tags, path, tuple(matching_lines(e, query)))
            for path, e in self.files.search_copies(query)
        ]
        return sorted(hits, key=lambda hit: (-hit.day.toordinal(), hit.conflict_copy is not None))

    def unreadable(self) -> dict[str, str]:
        """What the last search skipped because it could not be read (a day, or a conflict copy's
        file name), with the reason."""
        skipped = {day.isoformat(): reason for day, reason in self.files.unreadable.items()}
        return skipped | self.files.unreadable_copies

    def export(self) -> str:
        """Every entry and conflict copy as one Markdown document, oldest first, each day with its study
        minutes; ``diary import`` of it gives every one back exactly (``core.diary_export``)."""
        from studybuddy.core.diary_export import ExportedDay, export_document

        summaries = self.list()
        minutes = self._minutes([summary.day for summary in summaries])
        days = []
        for summary in summaries:
            stored = self.files.read(summary.day) if summary.has_entry else None
            copies = []
            for path in summary.conflict_copies:
                copy = self.files.read_copy(path)
                if copy is not None:
                    copies.append((path.name, copy.text))
            if stored is None and not copies:
                continue  # deleted since the listing
            day_minutes = None if minutes is None else minutes.get(summary.day, 0)
            days.append(
                ExportedDay(summary.day, stored.entry if stored else None, tuple(copies), day_minutes)
            )
        total = sum(minutes.values()) if minutes is not None else None
        return export_document(days, self.today(), total)

    def export_attachments(self, destination: Path) -> tuple[int, builtins.list[str]]:
        """Copy the pictures and files the entries link to in diary/attachments/ into
        ``destination``/attachments/, where an export written in ``destination`` links them: how many
        were copied, and what could not be (a different file of the same name is never overwritten)."""
        from studybuddy.core.diary_links import local_links
        from studybuddy.storage.diary_attachments import FOLDER_NAME, AttachmentError, AttachmentFolder

        ours = self.files.folder / FOLDER_NAME
        if not ours.is_dir() or destination.resolve() == self.files.folder.resolve():
            return 0, []
        folder = AttachmentFolder(destination / FOLDER_NAME)
        copied, problems, done = 0, [], set()
        for day in self.files.days():
            entry = self.files.read_entry(day)
            for link in local_links(entry.text) if entry is not None else ():
                folder_name, _, name = link.path.removeprefix("./").partition("/")
                if folder_name != FOLDER_NAME or not name or "/" in name or name in done:
                    continue
                done.add(name)
                if not (ours / name).is_file():
                    problems.append(f"{day.isoformat()}: {link.path} is not in {ours}")
                    continue
                try:
                    copied += folder.put(ours / name, name)
                except AttachmentError as error:
                    problems.append(f"{day.isoformat()}: {link.path}: {error}")
        return copied, problems

    def _minutes(self, days: builtins.list[date]) -> Mapping[date, int] | None:
        if self.minutes_by_day is None or not days:
            return None
        first, last = days[0], days[-1]
        return {day: m for day, m in self.minutes_by_day(first, last).items() if first <= day <= last}

    def import_file(
        self,
        source: Path,
        *,
        start_date: date | None = None,
        default_date: date | None = None,
        dry_run: bool = False,
    ) -> ImportReport:
        """Write the entries of ``source``; an existing entry is kept and the import merged below it
        (services.diary_import)."""
        from studybuddy.services.diary_import import import_diary

        return import_diary(
            self.files,
            source,
            self.today(),
            start_date=start_date,
            default_date=default_date,
            dry_run=dry_run,
        )


def open_diary(context: StudyContext) -> DiaryService:
    """The diary of the context's study home, with study minutes from the sessions database."""
    database_path = context.home.database_path

    def minutes_by_day(first: date, last: date) -> Mapping[date, int]:
        # Opened only when minutes are asked for (list, export), and never created just for them.
        if not database_path.exists():
            return {}
        from studybuddy.services.day_minutes import minutes_by_day as read_minutes  # stats' own reading

        return read_minutes(context.database, first, last)

    files = DiaryFiles(
        context.home.diary_dir,
        index_cache=context.home.cache_dir / DIARY_INDEX_NAME,
        wall_clock=lambda: context.clock.now().timestamp(),
    )
    files.remove_stale_temporaries()  # left by saves killed mid-write, once clearly abandoned

    def template(day: date) -> str:
        # Imported when an editor opens a day without an entry, not by `diary list` and the like.
        from studybuddy.services.diary_template import entry_template

        return entry_template(context)(day)

    return DiaryService(
        files, context.clock, minutes_by_day, drafts_dir=context.home.drafts_dir, template=template
    )


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else nano or vi: the command to edit a file with."""
    import shlex
    import shutil

    for variable in ("VISUAL", "EDITOR"):
        if os.environ.get(variable, "").strip():
            return shlex.split(os.environ[variable])
    for fallback in ("nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise StudybuddyError("no editor found: set $EDITOR (for example: export EDITOR=nano)")


def _kib(characters: int) -> str:
    return f"{characters / 1024 / 1024:.1f} MB" if characters >= 1024 * 1024 else f"{characters // 1024} KiB"


def _read_editor_copy(copy: Path) -> tuple[str, str | None]:
    """The text $EDITOR saved in ``copy``, and a note when it was not all UTF-8 (an editor set to
    Latin-1): then it is read as ``diary import`` reads such a file, never refused with the learner's
    words in it. StudybuddyError when there is nothing to read."""
    from studybuddy.core.diary_import import DiaryImportError, decode_diary

    try:
        data = copy.read_bytes()
    except FileNotFoundError:
        raise StudybuddyError(
            f"the editor deleted its file {copy} instead of saving it; nothing was saved, "
            "the entry is as it was"
        ) from None
    except OSError as error:
        raise StudybuddyError(
            f"cannot read what the editor saved in {copy}: {error.strerror}; nothing was saved"
        ) from error
    try:
        return data.decode("utf-8"), None  # \r\n kept as written
    except UnicodeDecodeError:
        pass
    try:
        text, notes = decode_diary(data)
    except DiaryImportError as error:
        raise StudybuddyError(
            f"the editor saved {copy} as {error}; nothing was saved, your text is in that file"
        ) from None
    return text, notes[0].replace("the file is", "what the editor saved is", 1)
