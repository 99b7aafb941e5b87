"""Search over diary entries: a query language people can type, and an in-memory index.

A query is words (all must appear; a word matches by prefix, so ``backprop`` finds
``backpropagation``), ``"exact phrases"``, ``#tags`` (a parent tag finds nested ones: ``#ml`` finds
``#ml/backprop``) and dates: ``from:DATE``, ``to:DATE``, ``on:DATE``, ``DATE..DATE``, a month
``2025-07`` or a year ``2025``. DATE is anything ``parse_date`` reads (``from:"last monday"``).

A date written as a calendar date (``2025-07-06``, ``July 6, 2025``) means that day. A date written
relative to today, without quotes or a ``from:`` (``#backprop last monday``, ``today``, ``3 days
ago``), means since that day: a search looks back from today, and "last monday" then finds what was
written since. ``on:"last monday"`` is that one day.
"""

from __future__ import annotations

import bisect
import calendar
import re
import shlex
from collections.abc import Iterable, KeysView
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from studybuddy.core.dates import WEEKDAYS, DateError, parse_date, parse_month_name_date
from studybuddy.core.diary import DiaryEntry, words

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"\d{4}")
# Bare words that are a date on their own ("now" is left a word: "now I see why").
_DAY_WORDS = frozenset(("today", "yesterday", "tomorrow", *WEEKDAYS))
_LONGEST_DATE_PHRASE = 4  # "sunday, july 6th 2025"


@dataclass(frozen=True)
class DiaryQuery:
    """What ``diary search`` looks for: every word (by prefix), every tag, within the date range."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None


@dataclass
class DiaryIndex:
    """An inverted index over entries: word -> days, tag -> days.

    Words match by prefix (``backprop`` finds ``backpropagation``), through a sorted vocabulary. Days are
    kept as ordinals (plain ints) in the postings, so a saved index loads as sets of ints in one step.
    ``dump`` and ``load`` turn it into JSON-ready data and back, for a copy kept between processes.
    """

    _entries: dict[date, DiaryEntry] = field(default_factory=dict)
    _days_by_word: dict[str, set[int]] = field(default_factory=dict)
    _days_by_tag: dict[str, set[int]] = field(default_factory=dict)
    _lowered: dict[date, str] = field(default_factory=dict)  # filled on demand, for phrases
    _vocabulary: list[str] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, entry: DiaryEntry) -> None:
        self.remove(entry.day)
        self._add(entry, words(entry.text))

    def _add(self, entry: DiaryEntry, entry_words: Iterable[str]) -> None:
        ordinal = entry.day.toordinal()
        self._entries[entry.day] = entry
        for word in entry_words:
            days = self._days_by_word.get(word)
            if days is None:
                self._days_by_word[word] = days = set()
                self._vocabulary = None
            days.add(ordinal)
        for tag in entry.tags:
            self._days_by_tag.setdefault(tag, set()).add(ordinal)

    def remove(self, day: date) -> None:
        entry = self._entries.pop(day, None)
        if entry is None:
            return
        ordinal = day.toordinal()
        # The entry's words are read again from its text rather than kept per day: a loaded index then
        # needs no per-day word lists, and removals are rare (an entry changed or deleted).
        for word in words(entry.text):
            days = self._days_by_word.get(word)
            if days is not None:
                days.discard(ordinal)
                if not days:
                    del self._days_by_word[word]
                    self._vocabulary = None
        for tag in entry.tags:
            self._days_by_tag.get(tag, set()).discard(ordinal)
        self._lowered.pop(day, None)

    def days(self) -> KeysView[date]:
        return self._entries.keys()

    def entry(self, day: date) -> DiaryEntry:
        """The entry as indexed (for showing a hit without reading its file again)."""
        return self._entries[day]

    def search(self, query: DiaryQuery) -> list[date]:
        """Matching days, newest first."""
        candidates: set[int] | None = None
        for tag in query.tags:
            found = self._days_with_tag(tag.lower())
            candidates = found if candidates is None else candidates & found
        for word in query.words:
            found = self._days_with_prefix(word.lower())
            candidates = found if candidates is None else candidates & found
        pool = {day.toordinal() for day in self._entries} if candidates is None else candidates
        first = query.start.toordinal() if query.start else 1
        last = query.end.toordinal() if query.end else date.max.toordinal()
        days = [
            date.fromordinal(ordinal) for ordinal in sorted(pool, reverse=True) if first <= ordinal <= last
        ]
        for phrase in query.phrases:
            days = [day for day in days if phrase.lower() in self._lowered_text(day)]
        return days

    def _lowered_text(self, day: date) -> str:
        lowered = self._lowered.get(day)
        if lowered is None:
            lowered = self._lowered[day] = self._entries[day].text.lower()
        return lowered

    def _days_with_tag(self, tag: str) -> set[int]:
        # A parent tag finds its nested tags, as in Obsidian: #ml finds #ml/backprop.
        found = set(self._days_by_tag.get(tag, ()))
        for name, days in self._days_by_tag.items():
            if name.startswith(tag + "/"):
                found |= days
        return found

    def _days_with_prefix(self, prefix: str) -> set[int]:
        if self._vocabulary is None:
            self._vocabulary = sorted(self._days_by_word)
        vocabulary = self._vocabulary
        found: set[int] = set()
        for position in range(bisect.bisect_left(vocabulary, prefix), len(vocabulary)):
            word = vocabulary[position]
            if not word.startswith(prefix):
                break
            found |= self._days_by_word[word]
        return found

    # Kept between processes ------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """JSON-ready data that ``load`` turns back into this index."""
        return {
            "entries": [
                [day.toordinal(), entry.text, list(entry.tags)] for day, entry in self._entries.items()
            ],
            "words": {word: list(days) for word, days in self._days_by_word.items()},
        }

    @classmethod
    def load(cls, data: Any) -> DiaryIndex:
        """The index ``dump`` described; a ValueError if ``data`` is not such a description (damaged).

        Every day a word points at must be an entry of the index, so a search on a loaded index can
        never fail; that each entry's words are exactly those listed is trusted (the file is ours).
        """
        index = cls()
        try:
            for ordinal, text, tags in data["entries"]:
                if type(ordinal) is not int or type(text) is not str or type(tags) is not list:
                    raise ValueError("an entry is not [ordinal, text, tags]")
                day = date.fromordinal(ordinal)
                index._entries[day] = DiaryEntry.with_tags(day, text, tuple(tags))
                for tag in tags:
                    if type(tag) is not str:
                        raise ValueError("a tag is not a string")
                    index._days_by_tag.setdefault(tag, set()).add(ordinal)
            known = {day.toordinal() for day in index._entries}
            for word, ordinals in data["words"].items():
                days = set(ordinals)
                if type(ordinals) is not list or not days or not days <= known:
                    raise ValueError(f"the word {word!r} points at days that are not entries")
                index._days_by_word[word] = days
        except (KeyError, TypeError, OverflowError, AttributeError) as error:
            raise ValueError(f"not a saved diary index: {error}") from error
        return index


def matches(entry: DiaryEntry, query: DiaryQuery) -> bool:
    """Whether one entry (a conflict copy, say) is found by ``query``, exactly as the index finds it."""
    index = DiaryIndex()
    index.put(entry)
    return bool(index.search(query))


def snippet(entry: DiaryEntry, query: DiaryQuery, width: int = 100) -> str:
    """The first line of the body that contains a searched word, phrase or tag (else the first line)."""
    needles = [
        needle.lower() for needle in (*query.phrases, *query.words, *(f"#{tag}" for tag in query.tags))
    ]
    chosen = first = ""
    for line in entry.body.splitlines():  # stops at the first match: most hits match near the top
        stripped = line.strip()
        if not stripped:
            continue
        first = first or stripped
        lowered = stripped.lower()
        if any(needle in lowered for needle in needles):
            chosen = stripped
            break
    chosen = chosen or first
    return chosen if len(chosen) <= width else chosen[: width - 1] + "…"


def matching_lines(entry: DiaryEntry, query: DiaryQuery, *, limit: int = 3, lead: int = 10) -> list[str]:
    """The first ``limit`` lines of the body holding a searched word, phrase or tag, each from a
    little before its first match (``…the softmax Jacobian``), so a narrow list still shows it.
    A search of dates only matches no line: it finds days."""
    needles = [
        needle.lower() for needle in (*query.phrases, *query.words, *(f"#{tag}" for tag in query.tags))
    ]
    found: list[str] = []
    if not needles:
        return found
    for line in entry.body.splitlines():
        lowered = line.lower()
        at = [position for needle in needles if (position := lowered.find(needle)) >= 0]
        if not at:
            continue
        stripped = line.strip()
        start = max(0, min(at) - (len(line) - len(line.lstrip())))
        if start <= lead:
            found.append(stripped)
        else:
            space = stripped.find(" ", start - lead, start)  # begin at a word, not inside one
            found.append("…" + stripped[space + 1 if space >= 0 else start :])
        if len(found) == limit:
            break
    return found


def parse_query(text: str, today: date) -> DiaryQuery:
    """Read a search as typed; a bad date or an unbalanced quote is a DateError with the reason."""
    tokens = _split_query(text)
    query_words: list[str] = []
    phrases: list[str] = []
    tags: list[str] = []
    start: date | None = None
    end: date | None = None

    def narrow(first: date, last: date) -> None:
        nonlocal start, end
        start = first if start is None else max(start, first)
        end = last if end is None else min(end, last)

    position = 0
    while position < len(tokens):
        token = tokens[position]
        key, colon, value = token.partition(":")
        dated = _date_phrase(tokens, position, today)
        if dated is not None:
            length, day, relative = dated
            position += length
            narrow(day, date.max if relative else day)
            continue
        position += 1
        if token.startswith("#") and len(token) > 1:
            tags.append(token[1:].lower())
        elif colon and key.lower() in ("from", "since", "after") and value:
            narrow(parse_date(value, today), date.max)
        elif colon and key.lower() in ("to", "until", "before") and value:
            narrow(date.min, parse_date(value, today))
        elif colon and key.lower() in ("on", "date") and value:
            narrow(*_period(value, today))
        elif ".." in token:
            first, _, last = token.partition("..")
            narrow(
                parse_date(first, today) if first else date.min,
                parse_date(last, today) if last else date.max,
            )
        elif _MONTH.fullmatch(token) or _YEAR.fullmatch(token) or _looks_like_date(token):
            narrow(*_period(token, today))
        elif " " in token:
            phrases.append(token)
        else:
            found = sorted(words(token))
            if len(found) == 1 and found[0] == token.lower():
                query_words.append(found[0])
            elif found:
                phrases.append(token)  # punctuation inside (w.r.t, dz[label]): match as typed
    return DiaryQuery(tuple(query_words), tuple(phrases), tuple(tags), start, end)


def _date_phrase(tokens: list[str], position: int, today: date) -> tuple[int, date, bool] | None:
    """A date written in words from ``tokens[position]`` on (``last monday``, ``3 days ago``, ``July 6,
    2025``): how many tokens it takes, the day, and whether it is relative to today. None if none."""
    longest = 0
    for token in tokens[position : position + _LONGEST_DATE_PHRASE]:
        if not token or " " in token or ":" in token or token.startswith("#") or ".." in token:
            break
        longest += 1
    for length in range(longest, 0, -1):
        phrase = " ".join(tokens[position : position + length])
        if length == 1 and phrase.lower() not in _DAY_WORDS:
            continue  # one word is a date only when it is a day's name; "3" or "may" stay words
        try:
            calendar_day = parse_month_name_date(phrase)
            if calendar_day is not None:
                return length, calendar_day, False
            if length == 1 or phrase.split()[0].lower() in ("last", "this") or phrase.lower().endswith("ago"):
                return length, parse_date(phrase, today), True
        except DateError:
            if length == 1:
                raise
    return None


def _split_query(text: str) -> list[str]:
    """Words and quoted phrases; an apostrophe in a word (``don't``) is not an unclosed quote."""
    try:
        return shlex.split(text)
    except ValueError:
        pass
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split, lexer.quotes, lexer.commenters = True, '"', ""
    try:
        return list(lexer)
    except ValueError as error:
        raise DateError(f"cannot read the search {text!r}: {error}") from error


def _looks_like_date(token: str) -> bool:
    return token[:1].isdigit() and token.count("-") == 2


def _period(text: str, today: date) -> tuple[date, date]:
    """A day, a month (``2025-07``) or a year (``2025``) as a first and last day."""
    if match := _MONTH.fullmatch(text):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise DateError(f"{text!r} is not a month")
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if _YEAR.fullmatch(text):
        return date(int(text), 1, 1), date(int(text), 12, 31)
    day = parse_date(text, today)
    return day, day
