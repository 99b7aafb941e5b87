"""studybuddy's own diary export: every entry and conflict copy in one Markdown file to read, print or
keep, which ``diary import`` reads back exactly.

For the reader, each day is a ``## 2025-07-06 (Sunday) · 1 h studied`` heading with its tags, then
the entry; each conflict copy follows under a ``### 2025-07-06 conflict copy ...`` heading. For the
importer, each entry (and copy) sits between two HTML comment notes, invisible when rendered::

    <!-- entry 2025-07-06: 5 lines; front matter, 3 lines:
    ---
    tags: [ml]
    ---
    -->
    ## 2025-07-01 a heading inside the entry, never taken for a day
    derived the softmax Jacobian
    <!-- end of entry 2025-07-06 -->

The first note says how many lines follow (so nothing an entry contains, not even a line that looks
like a note, can end it early) and whether the text lacks a final newline; the front matter is kept
inside the note, so it neither shows as stray lines nor is lost. Lines are counted by ``\\n`` alone,
and the export is never "repaired" on import, so every character comes back as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from studybuddy.core.diary import DiaryEntry, parse_conflict_copy_name
from studybuddy.core.errors import StudybuddyError
from studybuddy.core.stats import study_time

FORMAT_NOTE = (
    "<!-- studybuddy diary export, format 1: each entry and conflict copy is kept exactly between its "
    "two notes; `studybuddy diary import` of this file gives them back as they were. -->"
)
_FORMAT_PREFIX = "<!-- studybuddy diary export, format "
_BEGIN = re.compile(
    r"<!-- (?P<kind>entry|conflict copy) (?P<name>\S+): (?P<count>\d+) lines?"
    r"(?P<unended>, no final newline)?(?:(?P<close> -->)|; front matter, (?P<front>\d+) lines:)"
)
_OWN_LINE = re.compile(r"# Study diary|Exported \d{4}-\d{2}-\d{2}\b.*|#{2,3} \d{4}-\d{2}-\d{2}\b.*|Tags: .*")


class ExportFormatError(StudybuddyError):
    """A studybuddy export whose notes no longer match its text (edited by hand, cut short)."""


@dataclass(frozen=True)
class ExportedDay:
    day: date
    entry: DiaryEntry | None  # None: the day has only conflict copies
    copies: tuple[tuple[str, str], ...] = ()  # (file name, text) of each conflict copy
    minutes: int | None = None  # study minutes that day, when known


@dataclass(frozen=True)
class ReadBack:
    """What an export holds: each text with its day and the line its note is on."""

    entries: list[tuple[date, str, int]] = field(default_factory=list)
    copies: list[tuple[date, str, str, int]] = field(default_factory=list)  # day, file name, text, line
    stray: list[tuple[int, str]] = field(default_factory=list)  # lines outside every entry (hand-added)


def export_document(days: list[ExportedDay], today: date, total_minutes: int | None) -> str:
    """The Markdown document for ``days`` (oldest first)."""
    entries = sum(1 for day in days if day.entry is not None)
    copies = sum(len(day.copies) for day in days)
    summary = [f"Exported {today.isoformat()}", f"{entries} {'entry' if entries == 1 else 'entries'}"]
    if copies:
        summary.append(f"{copies} conflict {'copy' if copies == 1 else 'copies'}")
    if days:
        summary.append(f"{days[0].day.isoformat()} to {days[-1].day.isoformat()}")
    if total_minutes is not None:
        summary.append(f"{study_time(total_minutes)} of study")
    lines = ["# Study diary", "", " · ".join(summary), "", FORMAT_NOTE, ""]
    for exported in days:
        heading = f"## {exported.day.isoformat()} ({exported.day:%A})"
        if exported.minutes is not None:
            heading += f" · {study_time(exported.minutes)} studied"
        lines += [heading, ""]
        if exported.entry is not None:
            if exported.entry.front_matter.get("tags"):  # shown: the front matter is in a hidden note
                lines += ["Tags: " + " ".join(f"#{tag}" for tag in exported.entry.tags), ""]
            lines += [*_block("entry", exported.day.isoformat(), exported.entry), ""]
        for name, text in exported.copies:
            lines += [f"### {exported.day.isoformat()} conflict copy {name}", ""]
            lines += [*_block("conflict copy", name, DiaryEntry(exported.day, text)), ""]
    return "\n".join(lines)


def _text_lines(text: str) -> list[str]:
    """Lines split at ``\\n`` alone (a form feed or a ``\\r`` stays inside its line)."""
    if not text:
        return []
    return (text[:-1] if text.endswith("\n") else text).split("\n")


def _block(kind: str, name: str, entry: DiaryEntry) -> list[str]:
    lines = _text_lines(entry.text)
    front = len(_text_lines(entry.text[: len(entry.text) - len(entry.body)]))
    count = f"{len(lines)} {'line' if len(lines) == 1 else 'lines'}"
    if entry.text and not entry.text.endswith("\n"):
        count += ", no final newline"
    if not front:
        return [f"<!-- {kind} {name}: {count} -->", *lines, f"<!-- end of {kind} {name} -->"]
    return [
        f"<!-- {kind} {name}: {count}; front matter, {front} lines:",
        *lines[:front],
        "-->",
        *lines[front:],
        f"<!-- end of {kind} {name} -->",
    ]


def is_export(text: str) -> bool:
    """Whether ``text`` is a studybuddy export (its format note near the top)."""
    return any(line.startswith(_FORMAT_PREFIX) for line in text.split("\n", 12)[:12])


def read_export(text: str) -> ReadBack:
    """Every entry and conflict copy of an export, exactly as exported; ExportFormatError (naming the
    line) when the notes do not match the text."""
    lines = text.split("\n")
    if any(line.startswith(_FORMAT_PREFIX) and line.endswith("\r") for line in lines[:12]):
        # Line endings turned into CRLF on the way (a git checkout on Windows): undo that.
        lines = [line.removesuffix("\r") for line in lines]
    found = ReadBack()
    seen: dict[str, int] = {}
    number = 0
    while number < len(lines):
        line = lines[number]
        begin = _BEGIN.fullmatch(line)
        if begin is None:
            if line.strip() and not line.startswith(_FORMAT_PREFIX) and not _OWN_LINE.fullmatch(line):
                found.stray.append((number + 1, line))
            number += 1
            continue
        kind, name = begin["kind"], begin["name"]
        where = f"line {number + 1}"
        day = _day_of(kind, name, where)
        if name in seen:
            raise ExportFormatError(
                f"{where}: the {kind} {name} is in the export twice (also line {seen[name]})"
            )
        seen[name] = number + 1
        count, front = int(begin["count"]), int(begin["front"] or 0)
        if front > count:
            raise ExportFormatError(
                f"{where}: the {kind} {name} has {count} lines, not {front} of front matter"
            )
        body_start = number + 1
        if front:
            closer = number + 1 + front
            if closer >= len(lines) or lines[closer] != "-->":
                raise _edited(closer, kind, name, number, "the end of its front matter note (-->)")
            body_start = closer + 1
        end = body_start + count - front
        if end >= len(lines) or lines[end] != f"<!-- end of {kind} {name} -->":
            raise _edited(end, kind, name, number, f"its end note (<!-- end of {kind} {name} -->)")
        text_lines = lines[number + 1 : number + 1 + front] + lines[body_start:end]
        entry_text = "\n".join(text_lines)
        if text_lines and not begin["unended"]:
            entry_text += "\n"
        if kind == "entry":
            found.entries.append((day, entry_text, number + 1))
        else:
            found.copies.append((day, name, entry_text, number + 1))
        number = end + 1
    return found


def _day_of(kind: str, name: str, where: str) -> date:
    if kind == "conflict copy":
        parsed = parse_conflict_copy_name(name)
        if parsed is None:
            raise ExportFormatError(
                f"{where}: {name!r} is not a conflict copy's name (YYYY-MM-DD.conflict-N.md)"
            )
        return parsed[0]
    try:
        return date.fromisoformat(name)
    except ValueError:
        raise ExportFormatError(f"{where}: {name!r} is not a day (YYYY-MM-DD)") from None


def _edited(line: int, kind: str, name: str, begin: int, expected: str) -> ExportFormatError:
    return ExportFormatError(
        f"line {line + 1}: expected {expected}, as the note on line {begin + 1} counts the lines of the "
        f"{kind} {name}; was the export edited by hand? Correct the count in that note (or delete the "
        "export's format note near the top to import the file as an ordinary diary)"
    )
