"""A diary entry: one day's Markdown, with optional YAML front matter and ``#tags`` in the text.

The entry keeps the file's text exactly as written (``text``); front matter, body and tags are read
from it, never written back from a parsed form, so comments and formatting in the user's file survive
every operation studybuddy does (appending a line, merging an import).

Front matter follows Obsidian daily notes: a ``---`` block at the very top, ``tags`` a list
(``tags: [ml, calculus]``) or a single string. Tags in the body are Obsidian's too: ``#name`` with at
least one non-digit, letters, digits, ``_``, ``-`` and ``/`` (nested tags); not inside code, not a
heading's ``#``, not a URL fragment or an HTML entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from typing import Any

from studybuddy.core.markdown_fences import FenceTracker

ENTRY_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.md")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
# Preceded by start, space or opening punctuation: excludes URL fragments (/#x), entities (&#38;), C#.
_TAG = re.compile(r"(?:(?<=^)|(?<=[\s(\[{,;]))#([\w/-]*[^\W\d][\w/-]*)", re.M)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def entry_file_name(day: date) -> str:
    return f"{day.isoformat()}.md"


# Conflict copies: an entry's text kept beside it when it could not be merged or saved in place
# (core.diary_edits). Named here, with the entries' own names: listing the diary needs only these.
_CONFLICT_COPY_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.conflict-([1-9]\d{0,8})\.md")


def conflict_copy_name(day: date, number: int) -> str:
    return f"{day.isoformat()}.conflict-{number}.md"


def parse_conflict_copy_name(name: str) -> tuple[date, int] | None:
    """The day and number of a conflict copy's file name (``2025-07-06.conflict-2.md``), else None."""
    match = _CONFLICT_COPY_NAME.fullmatch(name)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()[:3])), int(match.group(4))
    except ValueError:  # 2025-02-30.conflict-1.md: no such day
        return None


# Diaries are imported from elsewhere: front matter that could hang the loader (an alias bomb) or
# crash it (libyaml's composer recurses, and segfaults near 30,000 nested brackets) is not parsed.
_FRONT_MATTER_MAX_CHARS = 64 * 1024
_FRONT_MATTER_MAX_DEPTH = 32


@cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and its safe loader (libyaml's when installed: ten times faster over a diary of years),
    imported on the first entry with front matter: most have none, and the import costs ~20 ms of
    the app's first dashboard."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _unsafe_front_matter(text: str) -> str | None:
    """Why this YAML must not be loaded, or None. Scanning tokens does not recurse, so it is safe.

    Our limits speak whatever PyYAML's release does: libyaml has a nesting limit of its own (PyYAML
    6.0.4 stops 1,000 nested ``[`` before handing out a token), so text libyaml's scanner refuses is
    scanned again by the pure-Python scanner, which reports our limit first when it is what is broken
    (and raises the syntax error otherwise)."""
    if len(text) > _FRONT_MATTER_MAX_CHARS:
        return f"is over {_FRONT_MATTER_MAX_CHARS // 1024} KiB"
    yaml, loader = _yaml()
    try:
        return _refusal_while_scanning(text, yaml, loader)
    except yaml.YAMLError:
        if loader is yaml.SafeLoader:
            raise
    return _refusal_while_scanning(text, yaml, yaml.SafeLoader)


def _refusal_while_scanning(text: str, yaml: Any, loader: Any) -> str | None:
    openers = (
        yaml.BlockMappingStartToken,
        yaml.BlockSequenceStartToken,
        yaml.FlowMappingStartToken,
        yaml.FlowSequenceStartToken,
    )
    closers = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    depth = 0
    for token in yaml.scan(text, Loader=loader):
        if isinstance(token, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)):
            return "uses YAML anchors, aliases or tags, which a diary never needs"
        if isinstance(token, openers):
            depth += 1
            if depth > _FRONT_MATTER_MAX_DEPTH:
                return f"is nested more than {_FRONT_MATTER_MAX_DEPTH} levels deep"
        elif isinstance(token, closers):
            depth -= 1
    return None


@dataclass(frozen=True)
class DiaryEntry:
    day: date
    text: str

    @classmethod
    def with_tags(cls, day: date, text: str, tags: tuple[str, ...]) -> DiaryEntry:
        """An entry whose tags were read from this same text before (a search index kept on disk)."""
        entry = cls(day, text)
        entry.__dict__["tags"] = tags  # what the ``tags`` cached_property would compute and store
        return entry

    @cached_property
    def _front_matter_match(self) -> re.Match[str] | None:
        return _FRONT_MATTER.match(self.text)

    @cached_property
    def _front_matter(self) -> tuple[Mapping[str, Any], str | None]:
        match = self._front_matter_match
        if not match:
            return {}, None
        yaml, loader = _yaml()
        try:
            refusal = _unsafe_front_matter(match.group(1))
            if refusal:
                return {}, f"front matter {refusal}; it is kept as written"
            loaded = yaml.load(match.group(1), Loader=loader)  # safe: a safe loader, vetted above
        except yaml.YAMLError as error:
            problem = str(getattr(error, "problem", None) or error)
            return {}, f"front matter is not valid YAML ({problem}); it is kept as written"
        except (ValueError, ArithmeticError) as error:  # 2025-13-45, a 5,000-digit integer
            return {}, f"front matter holds a value that cannot be read ({error}); it is kept as written"
        if loaded is None:
            return {}, None
        if not isinstance(loaded, dict):
            return {}, "front matter is not a key: value mapping; it is kept as written"
        return loaded, None

    @property
    def front_matter(self) -> Mapping[str, Any]:
        return self._front_matter[0]

    @property
    def body(self) -> str:
        """The text after the front matter block (found without parsing its YAML)."""
        match = self._front_matter_match
        return self.text[match.end() :] if match else self.text

    @property
    def front_matter_problem(self) -> str | None:
        return self._front_matter[1]

    @cached_property
    def tags(self) -> tuple[str, ...]:
        """Front-matter tags, then body tags, lower-cased, in first-seen order without repeats."""
        found = [*front_matter_tags(self.front_matter), *body_tags(self.body)]
        return tuple(dict.fromkeys(tag.lower() for tag in found))

    def is_blank(self) -> bool:
        return not self.text.strip()


def front_matter_tags(front_matter: Mapping[str, Any]) -> list[str]:
    raw = front_matter.get("tags", front_matter.get("tag"))
    if isinstance(raw, str):
        items: list[Any] = re.split(r"[,\s]+", raw)
    elif isinstance(raw, list):
        items = raw
    else:
        return []
    return [str(item).strip().lstrip("#") for item in items if str(item).strip().lstrip("#")]


def prose_lines(body: str) -> Iterator[str]:
    """The body's lines outside fenced code blocks, with inline code removed."""
    fences = FenceTracker()
    for line in body.splitlines():
        if not fences.is_code(line):
            yield _INLINE_CODE.sub(" ", line)


def body_tags(body: str) -> list[str]:
    if "#" not in body:
        return []
    # Without backticks or tildes there is no code to skip: one pass over the whole body finds the
    # same tags as a pass per line (``^`` and the whitespace look-behind see every line start).
    prose = "\n".join(prose_lines(body)) if "`" in body or "~" in body else body
    return [match.rstrip("/-") for match in _TAG.findall(prose)]


def words(text: str) -> set[str]:
    """Lower-cased words for search (letters and digits; ``don't`` is one word)."""
    found = set(_WORD.findall(text.lower()))
    if "’" in text:  # a typographic apostrophe: the same word as a typed one
        return {word.replace("’", "'") for word in found}
    return found


def append_line(text: str, line: str) -> str:
    """``text`` with ``line`` added at the end, separated by exactly one line break."""
    if not text.strip():
        return line + "\n"
    return text.rstrip("\n") + "\n" + line + "\n"


def merge_below(existing: str, addition: str, separator_note: str) -> str:
    """Keep ``existing`` as it is and add ``addition`` under a horizontal rule and a short note."""
    if not existing.strip():
        return addition.rstrip("\n") + "\n"
    return f"{existing.rstrip()}\n\n---\n\n{separator_note}\n\n{addition.strip(chr(10))}\n"
