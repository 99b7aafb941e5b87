"""An entry edited in two places at once: the learner's editor and another program (a shell's
``diary add``, vim, a sync tool). Merging what each did since the version both started from.

``merge_texts(base, ours, theirs)`` is a line-based three-way merge. Each side's changes against
``base`` are found with ``difflib``; changes to different lines are both applied, so an outside
append and the learner's typing anywhere else merge cleanly. Lines added at the same place by both
sides are all kept, the other program's first: the learner's cursor stays with their own words,
after the text taken in. Only when both sides changed the same lines differently is that a
conflict: the other program's version stays and the learner's follows it, between three marker
lines (HTML comments: they keep the Markdown around them intact and say plainly what happened).
No line of either side is ever dropped.

A diary file studybuddy saves ends with a newline (``saved_form``), so a line another program
appends never runs on from the last word. When a text cannot be saved in place at all (another
program kept changing the file), it is kept beside the entry as ``YYYY-MM-DD.conflict-N.md``
(named by ``core.diary.conflict_copy_name``).
"""

from __future__ import annotations

from dataclasses import dataclass

CONFLICT_START = "<!-- studybuddy: another program changed these lines as you wrote; its version: -->"
CONFLICT_OURS = "<!-- studybuddy: your version of the same lines: -->"
CONFLICT_END = "<!-- studybuddy: end of the two versions; keep what you want, delete these three notes -->"


def saved_form(text: str) -> str:
    """``text`` as a diary file is written: ending with a newline (an empty entry stays empty)."""
    return text if not text or text.endswith("\n") else text + "\n"


@dataclass(frozen=True)
class Merged:
    text: str
    conflicts: int  # regions both sides changed differently: both versions kept between markers


@dataclass(frozen=True)
class _Change:
    start: int  # the base lines [start, end) are replaced by ``lines``
    end: int
    lines: tuple[str, ...]
    theirs: bool


def _lines(text: str) -> list[str]:
    """The text's lines; a final newline ends the last line rather than starting an empty one."""
    if not text:
        return []
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def _changes(base: list[str], other: list[str], *, theirs: bool) -> list[_Change]:
    import difflib  # here: only a merge needs it, and every diary command imports this module

    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Change(i1, i2, tuple(other[j1:j2]), theirs)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _apply(base: list[str], start: int, end: int, changes: list[_Change]) -> list[str]:
    """The base lines [start, end) with one side's ``changes`` (all inside that range) made."""
    result: list[str] = []
    position = start
    for change in changes:
        result += base[position : change.start]
        result += change.lines
        position = change.end
    return result + base[position:end]


def merge_texts(base: str, ours: str, theirs: str) -> Merged:
    """``ours`` and ``theirs``, two edits of ``base``, merged; the result ends with a newline when
    ``ours`` does (an editor's text keeps its own form; a save adds the newline)."""
    base_lines = _lines(base)
    changes = _changes(base_lines, _lines(ours), theirs=False)
    changes += _changes(base_lines, _lines(theirs), theirs=True)
    # By position; at one position an insertion comes before a replacement starting there, and
    # the other program's insertion before the learner's.
    changes.sort(key=lambda change: (change.start, change.end, not change.theirs))
    merged: list[str] = []
    conflicts = 0
    position = index = 0
    while index < len(changes):
        # A group: changes whose base lines overlap, or insertions at one place (a side's own
        # changes never overlap, so a group holds one change or changes of both sides).
        group = [changes[index]]
        start, end = group[0].start, group[0].end
        index += 1
        while index < len(changes) and (
            changes[index].start < end or changes[index].start == changes[index].end == start == end
        ):
            group.append(changes[index])
            end = max(end, changes[index].end)
            index += 1
        merged += base_lines[position:start]
        position = end
        their_version = _apply(base_lines, start, end, [change for change in group if change.theirs])
        our_version = _apply(base_lines, start, end, [change for change in group if not change.theirs])
        if len(group) == 1 or their_version == our_version:  # one side's change, or the same in both
            merged += their_version if group[0].theirs else our_version
        elif start == end:  # both added lines at one place: all are kept, the other program's first
            merged += their_version + our_version
        else:
            conflicts += 1
            merged += [CONFLICT_START, *their_version, CONFLICT_OURS, *our_version, CONFLICT_END]
    merged += base_lines[position:]
    final_newline = ours.endswith("\n") if ours else theirs.endswith("\n")
    return Merged("\n".join(merged) + ("\n" if merged and final_newline else ""), conflicts)
