"""Search over diary entries: a query language people can type, and an in-memory index.

A query is words (all must appear; a word matches by prefix, so ``backprop`` finds
``backpropagation``), ``"exact phrases"``, ``#tags`` (a parent tag finds nested ones: ``#ml`` finds
``#ml/backprop``) and dates: ``from:DATE``, ``to:DATE``, ``on:DATE``, ``DATE..DATE``, a month
``2025-07`` or a year ``2025``. DATE is anything ``parse_date`` reads (``from:"last monday"``).
"""

from __future__ import annotations

import bisect
import calendar
import re
import shlex
from dataclasses import dataclass, field
from datetime import date

from studybuddy.core.dates import DateError, parse_date
from studybuddy.core.diary import DiaryEntry, words

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class DiaryQuery:
    """What ``diary search`` looks for: every word (by prefix), every tag, within the date range."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None

    def in_range(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass
class DiaryIndex:
    """An inverted index over entries: word -> days, tag -> days, kept in memory for one process.

    Words match by prefix (``backprop`` finds ``backpropagation``), through a sorted vocabulary.
    """

    _words_of: dict[date, frozenset[str]] = field(default_factory=dict)
    _tags_of: dict[date, frozenset[str]] = field(default_factory=dict)
    _entries: dict[date, DiaryEntry] = field(default_factory=dict)
    _lowered: dict[date, str] = field(default_factory=dict)
    _days_by_word: dict[str, set[date]] = field(default_factory=dict)
    _days_by_tag: dict[str, set[date]] = field(default_factory=dict)
    _vocabulary: list[str] | None = None

    def __len__(self) -> int:
        return len(self._words_of)

    def put(self, entry: DiaryEntry) -> None:
        self.remove(entry.day)
        entry_words = frozenset(words(entry.text))
        entry_tags = frozenset(entry.tags)
        self._words_of[entry.day] = entry_words
        self._tags_of[entry.day] = entry_tags
        self._entries[entry.day] = entry
        self._lowered[entry.day] = entry.text.lower()
        for word in entry_words:
            if word not in self._days_by_word:
                self._days_by_word[word] = set()
                self._vocabulary = None
            self._days_by_word[word].add(entry.day)
        for tag in entry_tags:
            self._days_by_tag.setdefault(tag, set()).add(entry.day)

    def remove(self, day: date) -> None:
        for word in self._words_of.pop(day, ()):
            self._days_by_word[word].discard(day)
        for tag in self._tags_of.pop(day, ()):
            self._days_by_tag[tag].discard(day)
        self._lowered.pop(day, None)
        self._entries.pop(day, None)

    def entry(self, day: date) -> DiaryEntry:
        """The entry as indexed (for showing a hit without reading its file again)."""
        return self._entries[day]

    def search(self, query: DiaryQuery) -> list[date]:
        """Matching days, newest first."""
        candidates: set[date] | None = None
        for tag in query.tags:
            found = self._days_with_tag(tag.lower())
            candidates = found if candidates is None else candidates & found
        for word in query.words:
            found = self._days_with_prefix(word.lower())
            candidates = found if candidates is None else candidates & found
        pool = set(self._words_of) if candidates is None else candidates
        days = [day for day in pool if query.in_range(day)]
        for phrase in query.phrases:
            days = [day for day in days if phrase.lower() in self._lowered[day]]
        return sorted(days, reverse=True)

    def _days_with_tag(self, tag: str) -> set[date]:
        # A parent tag finds its nested tags, as in Obsidian: #ml finds #ml/backprop.
        found = set(self._days_by_tag.get(tag, ()))
        for name, days in self._days_by_tag.items():
            if name.startswith(tag + "/"):
                found |= days
        return found

    def _days_with_prefix(self, prefix: str) -> set[date]:
        if self._vocabulary is None:
            self._vocabulary = sorted(self._days_by_word)
        vocabulary = self._vocabulary
        found: set[date] = set()
        for position in range(bisect.bisect_left(vocabulary, prefix), len(vocabulary)):
            word = vocabulary[position]
            if not word.startswith(prefix):
                break
            found |= self._days_by_word[word]
        return found


def snippet(entry: DiaryEntry, query: DiaryQuery, width: int = 100) -> str:
    """The first line of the body that contains a searched word, phrase or tag (else the first line)."""
    needles = [*query.phrases, *query.words, *(f"#{tag}" for tag in query.tags)]
    lines = [line.strip() for line in entry.body.splitlines() if line.strip()]
    if not lines:
        return ""
    lowered = [line.lower() for line in lines]
    chosen = next(
        (line for line, low in zip(lines, lowered, strict=True) if any(n.lower() in low for n in needles)),
        lines[0],
    )
    return chosen if len(chosen) <= width else chosen[: width - 1] + "…"


def parse_query(text: str, today: date) -> DiaryQuery:
    """Read a search as typed; a bad date or an unbalanced quote is a DateError with the reason."""
    try:
        tokens = shlex.split(text)
    except ValueError as error:
        raise DateError(f"cannot read the search {text!r}: {error}") from error
    query_words: list[str] = []
    phrases: list[str] = []
    tags: list[str] = []
    start: date | None = None
    end: date | None = None

    def narrow(first: date, last: date) -> None:
        nonlocal start, end
        start = first if start is None else max(start, first)
        end = last if end is None else min(end, last)

    for token in tokens:
        key, colon, value = token.partition(":")
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
