"""Split one long Markdown diary into dated entries, whatever the common style it was written in.

A line starts a new day when it is, outside fenced code:

- a heading whose text starts with a date: ``## 2025-07-06``, ``### July 6, 2025``, ``# 07/12/24 notes``;
- a bold date, alone or leading a bullet: ``**2025-07-06**\\``, ``- **6 July 2025**``;
- in a heading or a bold line, after any decoration (emoji, symbols, brackets): ``## 📘 Day 01 — Vectors``,
  ``### 🗓️ 2025-07-06``, ``**[2025-07-06]**``;
- a date starting a line or a top-level bullet: ``07/12/24:``, ``- 07/19/24``, ``2025-07-06 - ...``;
- a numbered day heading (``## Day 01``, ``### Day 3:``, ``**Day 12**``) when the file has no dates:
  the lowest number is ``start_date`` and the others follow one day apart.

Each entry is the exact text from its date line to the next one (the date line included, so headings,
bullets and their indented children render as before). Text before the first date is reported as not
placed, unless ``default_date`` is given; a file with no dates at all becomes one entry on
``default_date``. Slash dates are month first (US) unless the file has a first number above 12 and
none in the second place, which shows it writes day first.

A file ``diary export`` wrote is recognised by its format note and read back exactly instead
(``diary_export``): every entry and conflict copy as it was, headings inside entries included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from studybuddy.core.dates import (
    DateError,
    date_from_month_match,
    expand_two_digit_year,
    make_date,
    month_name_date_pattern,
)
from studybuddy.core.diary_export import ExportFormatError, is_export, read_export
from studybuddy.core.errors import StudybuddyError
from studybuddy.core.markdown_fences import FenceTracker
from studybuddy.core.mojibake import Repair, repair_mojibake


class DiaryImportError(StudybuddyError):
    """A diary file that cannot be split as asked (no dates and no --date, days without --start-date)."""


@dataclass(frozen=True)
class ImportedEntry:
    day: date
    text: str
    lines: tuple[int, ...]  # 1-based first line of each part (a day written twice has two)
    exact: bool = False  # the file's whole text as exported; else tidied, without its final newline

    @property
    def file_text(self) -> str:
        """The text to write as the day's file."""
        return self.text if self.exact else self.text + "\n"


@dataclass(frozen=True)
class ImportedCopy:
    """A conflict copy from a studybuddy export, given back beside its entry."""

    day: date
    name: str  # its file name in the exported diary (YYYY-MM-DD.conflict-N.md)
    text: str
    line: int


@dataclass(frozen=True)
class Unplaced:
    first_line: int
    last_line: int
    preview: str
    reason: str


@dataclass(frozen=True)
class ImportPlan:
    entries: tuple[ImportedEntry, ...]
    unplaced: tuple[Unplaced, ...] = ()
    repairs: tuple[Repair, ...] = ()
    notes: tuple[str, ...] = ()
    copies: tuple[ImportedCopy, ...] = ()  # conflict copies (only a studybuddy export has them)

    @property
    def date_range(self) -> tuple[date, date] | None:
        if not self.entries:
            return None
        return self.entries[0].day, self.entries[-1].day


def decode_diary(data: bytes) -> tuple[str, list[str]]:
    """Text from a file's bytes, UTF-8 (with or without a BOM) line by line; notes say what was not.

    A UTF-8 file with a few stray bytes from another editor (``caf\\xe9``) keeps all its UTF-8 and
    only those bytes are read as Windows-1252; a file mostly in Windows-1252 (fewer UTF-8 characters
    than bytes that are not UTF-8) has each failing line read whole as Windows-1252 (there, two bytes
    that happen to form UTF-8 are its own letters, ``É’``). Valid UTF-8 lines are never touched, so
    nothing is decoded wrongly to be "repaired" afterwards. A byte neither reading knows becomes
    U+FFFD and the note says so. Bytes with a NUL are refused: read as Windows-1252 they would be
    imported as pages of gibberish.
    """
    if b"\x00" in data:
        raise DiaryImportError(
            "this is not a text file (it holds NUL bytes: an image, a PDF, or text saved as UTF-16?); "
            "import a Markdown file saved as UTF-8"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    failing = [number for number, line in enumerate(lines, start=1) if not _is_utf8(line)]
    pieces = _utf8_pieces(data)
    non_ascii = sum(
        sum(1 for char in piece.decode("utf-8") if ord(char) > 0x7F) for ok, piece in pieces if ok
    )
    mostly_utf8 = non_ascii >= sum(len(piece) for ok, piece in pieces if not ok)
    stray: list[int] = []  # byte values read as Windows-1252
    unknown = 0
    texts = []
    for line in lines:
        if _is_utf8(line):
            texts.append(line.decode("utf-8"))
            continue
        pieces = _utf8_pieces(line) if mostly_utf8 else [(False, line)]
        for is_utf8, piece in pieces:
            if is_utf8:
                texts.append(piece.decode("utf-8"))
                continue
            text = piece.decode("cp1252", errors="replace")
            unknown += text.count("\ufffd")
            stray.extend(piece)
            texts.append(text)
    return "".join(texts), [_decoding_note(failing, mostly_utf8, stray, unknown)]


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf8_pieces(line: bytes) -> list[tuple[bool, bytes]]:
    """``line`` cut into runs that are valid UTF-8 (True) and the bytes between them that are not."""
    pieces: list[tuple[bool, bytes]] = []
    while line:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.start:
                pieces.append((True, line[: error.start]))
            pieces.append((False, line[error.start : error.end]))
            line = line[error.end :]
        else:
            pieces.append((True, line))
            break
    return pieces


def _decoding_note(failing: list[int], mostly_utf8: bool, stray: list[int], unknown: int) -> str:
    shown = ", ".join(str(number) for number in failing[:5]) + (", ..." if len(failing) > 5 else "")
    lines = f"line{'s' if len(failing) > 1 else ''} {shown}"
    if mostly_utf8:
        count = len(stray)
        known = [byte for byte in stray if bytes([byte]).decode("cp1252", errors="replace") != "\ufffd"]
        example = f" (0x{known[0]:02X} as {bytes(known[:1]).decode('cp1252')!r})" if known else ""
        note = (
            f"the file is UTF-8 but for {count} byte{'s' if count > 1 else ''} on {lines}; "
            f"read {'them' if count > 1 else 'it'} as Windows-1252{example}"
        )
    else:
        note = f"the file is not UTF-8; read {lines} as Windows-1252"
    if unknown:
        note += (
            f"; {unknown} byte{'s' if unknown > 1 else ''} that neither encoding defines "
            "became the replacement character \ufffd (check those lines)"
        )
    return note


@dataclass
class _Marker:
    line: int  # 0-based
    kind: str  # "date" or "day"
    day: date | None = None
    number: int = 0


@dataclass
class _Scan:
    markers: list[_Marker] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_HEADING = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.*?)$")
_BOLD = re.compile(r"^[ ]{0,3}(?:[-*+][ \t]+)?(\*\*|__)(.+?)\1")
_LINE_START = re.compile(r"^[ ]{0,3}(?:[-*+][ \t]+)?(.*)$")
_DAY_NUMBER = re.compile(r"day[ \t]*#?0*(\d{1,4})\b", re.I)
_ISO_PREFIX = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d/])")
_SLASH_PREFIX = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
_ISO_ANYWHERE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b")
_SLASH_ANYWHERE = re.compile(r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b")
# Anything but a letter or a digit (\w without the underscore) before a heading's date or day number.
_DECORATION = re.compile(r"^(?:[^\w]|_)+")
_AFTER_DATE = re.compile(r"$|[\s:.,;)\]*_\-–—]")


def plan_import(text: str, *, start_date: date | None = None, default_date: date | None = None) -> ImportPlan:
    """Split ``text`` into entries; see the module docstring for the rules."""
    if is_export(text):
        return _plan_from_export(text)
    text, repairs = repair_mojibake(text)
    lines = text.splitlines()
    scan = _scan(lines)
    dated = [marker for marker in scan.markers if marker.kind == "date"]
    numbered = [marker for marker in scan.markers if marker.kind == "day"]
    if dated:
        markers = dated
    elif numbered:
        if start_date is None:
            raise DiaryImportError(
                "this diary numbers its days (Day 1, Day 2, ...) instead of dating them: "
                "give --start-date DATE for its first day"
            )
        first = min(marker.number for marker in numbered)
        for marker in numbered:
            marker.day = start_date + timedelta(days=marker.number - first)
        markers = numbered
        scan.notes.append(f"Day {first} is {start_date.isoformat()}; the other days follow one day apart")
    else:
        if default_date is None:
            raise DiaryImportError("no dates found: give --date DATE to import the whole file as one entry")
        body = _tidy(lines)
        whole = (ImportedEntry(default_date, body, (1,)),) if body else ()
        return ImportPlan(whole, (), tuple(repairs), tuple(scan.notes))

    parts: dict[date, list[tuple[int, str]]] = {}
    unplaced: list[Unplaced] = []
    preamble = _tidy(lines[: markers[0].line])
    if preamble:
        if default_date is not None:
            parts.setdefault(default_date, []).append((1, preamble))
        else:
            unplaced.append(Unplaced(1, markers[0].line, _preview(preamble), _preamble_advice(preamble)))
    for marker, following in zip(markers, [*markers[1:], None], strict=True):
        end = following.line if following else len(lines)
        assert marker.day is not None
        parts.setdefault(marker.day, []).append((marker.line + 1, _tidy(lines[marker.line : end])))
    entries = []
    for day in sorted(parts):
        day_parts = parts[day]
        if len(day_parts) > 1:
            where = ", ".join(str(line) for line, _ in day_parts)
            scan.notes.append(f"{day.isoformat()} is written {len(day_parts)} times (lines {where}): joined")
        entries.append(
            ImportedEntry(day, "\n\n".join(part for _, part in day_parts), tuple(ln for ln, _ in day_parts))
        )
    return ImportPlan(tuple(entries), tuple(unplaced), tuple(repairs), tuple(scan.notes))


def _plan_from_export(text: str) -> ImportPlan:
    try:
        found = read_export(text)
    except ExportFormatError as error:
        raise DiaryImportError(f"a studybuddy export, but {error}") from None
    entries = sorted(
        (ImportedEntry(day, entry_text, (line,), exact=True) for day, entry_text, line in found.entries),
        key=lambda entry: entry.day,
    )
    copies = tuple(ImportedCopy(day, name, copy_text, line) for day, name, copy_text, line in found.copies)
    unplaced = tuple(
        Unplaced(line, line, _preview(stray), "outside every entry of this studybuddy export")
        for line, stray in found.stray
    )
    notes = ("a studybuddy export: every entry and conflict copy read back exactly as exported",)
    return ImportPlan(tuple(entries), unplaced, (), notes, copies)


def _preamble_advice(preamble: str) -> str:
    """Why text before the first date was not placed, naming a date it mentions as a likely --date."""
    for pattern in (_ISO_ANYWHERE, _SLASH_ANYWHERE):
        if match := pattern.search(preamble):
            return f"before the first date; it mentions {match.group(0)}: give --date DATE to place it"
    return "before the first date: give --date DATE to place it"


def _scan(lines: list[str]) -> _Scan:
    scan = _Scan()
    candidates: list[tuple[int, str, re.Match[str] | None, str]] = []
    fences = FenceTracker()
    for number, line in enumerate(lines):
        if fences.is_code(line):
            continue
        heading = _HEADING.match(line)
        bold = _BOLD.match(line)
        if heading:
            candidate = _undecorated(heading.group(1))
        elif bold:
            candidate = _undecorated(bold.group(2))
        else:
            plain = _LINE_START.match(line)
            candidate = plain.group(1) if plain and not line.startswith("\t") else ""
        if not candidate or not candidate[0].isalnum():
            continue
        if (heading or bold) and (day_number := _DAY_NUMBER.match(candidate)):
            scan.markers.append(_Marker(number, "day", number=int(day_number.group(1))))
            continue
        for kind, pattern in (("iso", _ISO_PREFIX), ("slash", _SLASH_PREFIX), *_month_patterns()):
            match = pattern.match(candidate)
            if match and _AFTER_DATE.match(candidate, match.end()):
                candidates.append((number, kind, match, candidate))
                break

    day_first = _slash_dates_are_day_first([m for _, kind, m, _ in candidates if kind == "slash" and m])
    if day_first:
        scan.notes.append("slash dates read as day/month/year (a first number is above 12)")
    for number, kind, match, _ in candidates:
        assert match is not None
        try:
            day = _date_of(kind, match, day_first=day_first)
        except DateError as error:
            scan.notes.append(f"line {number + 1}: {error}; not a new day, its text stays with the day above")
            continue
        scan.markers.append(_Marker(number, "date", day=day))
    scan.markers.sort(key=lambda marker: marker.line)
    return scan


def _undecorated(title: str) -> str:
    """A heading's or bold line's text without what people put before the day: emoji, symbols,
    brackets, emphasis (``📘 Day 01``, ``🗓️ 2025-07-06``, ``[2025-07-06]``, ``*Day 3*``)."""
    return _DECORATION.sub("", title.strip())


def _month_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    month_first, day_first = month_name_date_pattern()
    return (("month", month_first), ("month", day_first))


def _slash_dates_are_day_first(matches: list[re.Match[str]]) -> bool:
    first_over_12 = any(int(match.group(1)) > 12 for match in matches)
    second_over_12 = any(int(match.group(2)) > 12 for match in matches)
    return first_over_12 and not second_over_12


def _date_of(kind: str, match: re.Match[str], *, day_first: bool) -> date:
    written = match.group(0)
    if kind == "iso":
        return make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), written=written)
    if kind == "slash":
        first, second = int(match.group(1)), int(match.group(2))
        month, day = (second, first) if day_first else (first, second)
        return make_date(expand_two_digit_year(int(match.group(3))), month, day, written=written)
    return date_from_month_match(match)


def _tidy(lines: list[str]) -> str:
    """The lines as written, without blank lines at either end and without trailing spaces on the last."""
    text = "\n".join(lines).strip("\n")
    return text.rstrip(" \t\n") if text.strip() else ""


def _preview(text: str, width: int = 60) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= width else first[: width - 1] + "…"
