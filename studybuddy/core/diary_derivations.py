"""Derivations in a diary entry: fenced ```` ```derive ```` blocks, their symbols, and their marks shown.

    ```derive
    symbols: x, s:probability
    f = x^2 sin(x)
    d/dx: 2x sin(x) + x^2 cos(x)
    ```

A block's first line may declare symbols (``symbols: NAME[:DOMAIN], ...``, as the scratchpad reads
them; ``vars:`` too); every other name is a real variable. The rest is a derivation in the line
syntax (core.derivation.lines). ``studybuddy diary check`` and the app's diary preview mark each line;
``annotated`` writes the marks into a copy of the text for the preview: the entry itself is never
changed. SymPy-free.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from studybuddy.core.derivation.declarations import read_declarations
from studybuddy.core.derivation.lines import read_line
from studybuddy.core.derivation.marks import LineMark
from studybuddy.core.derivation.model import MAX_LINES, Derivation

MAX_BLOCKS = 50  # derive blocks checked in one entry; the rest are named, not marked
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*(\S*)(.*)$")
_DECLARATION = re.compile(r"^\s*(?:symbols|vars|variables)\s*:(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class DeriveBlock:
    """One ```` ```derive ```` block: ``first_line`` is the entry's line number (1-based) of its first
    derivation line; ``problem`` says why it is not marked (never closed, too long, bad symbols)."""

    number: int  # 1-based, in the entry
    fence_line: int
    first_line: int
    derivation: Derivation
    problem: str | None = None
    closing_line: int | None = None  # the closing fence's line (None: never closed)

    def entry_line(self, mark: LineMark) -> int:
        return self.first_line + mark.index


def derive_blocks(text: str) -> list[DeriveBlock]:
    """Every derive block of ``text``, in order (a block never closed runs to the end, and says so)."""
    lines = text.split("\n")
    blocks: list[DeriveBlock] = []
    at = 0
    while at < len(lines):
        fence = _FENCE.match(lines[at])
        if fence is None:
            at += 1
            continue
        marker, info = fence[2], fence[3].lower()
        end = _closing(lines, at + 1, marker)
        if info == "derive":
            blocks.append(_block(len(blocks) + 1, lines, at, end, fence[4]))
        at = (end if end is not None else len(lines)) + 1
    return blocks


def _closing(lines: Sequence[str], start: int, marker: str) -> int | None:
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if line.startswith(marker[0] * len(marker)) and not line.strip(marker[0]):
            return index
    return None


def _block(number: int, lines: Sequence[str], fence: int, end: int | None, rest: str) -> DeriveBlock:
    body = list(lines[fence + 1 : end if end is not None else len(lines)])
    first = fence + 1
    declared = rest.strip()
    declaration = _DECLARATION.match(body[0]) if body else None
    if declaration is not None:
        declared = f"{declared} {declaration[1]}".strip()
        body, first = body[1:], first + 1
    context, problem = read_declarations(declared)
    problems = [] if problem is None else [f"symbols: {problem}"]
    if end is None:
        problems.append(f"the block opened on line {fence + 1} is never closed (end it with ```)")
    if len(body) > MAX_LINES:
        problems.append(f"a derivation has at most {MAX_LINES} lines, this one {len(body)}")
        body = []
    if number > MAX_BLOCKS:
        problems.append(f"only the first {MAX_BLOCKS} derive blocks of an entry are checked")
        body = []
    derivation = Derivation(f"block {number}", context, tuple(read_line(line) for line in body))
    closing = None if end is None else end + 1
    return DeriveBlock(number, fence + 1, first + 1, derivation, "; ".join(problems) or None, closing)


SYMBOLS = {"start": "•", "follows": "✓", "does-not-follow": "✗", "invalid": "!", "unknown": "?"}


def mark_note(mark: LineMark) -> str:
    """A mark in a few words, after its line in the preview."""
    if mark.verdict == "does-not-follow":
        return f"✗ {mark.diagnosis or mark.detail}"
    if mark.verdict == "invalid":
        return f"! {mark.detail}"
    if mark.verdict == "unknown":
        return "? not decided in time"
    return SYMBOLS[mark.verdict]


def annotated(text: str, marks: Mapping[int, Sequence[LineMark] | None]) -> str:
    """``text`` with each derive block's lines followed by their marks (``marks`` by block number;
    None or missing: still being checked), and a line under each block saying how it went."""
    blocks = {block.fence_line: block for block in derive_blocks(text)}
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        block = blocks.get(index + 1)
        if block is None:
            out.append(lines[index])
            index += 1
            continue
        by_line = {mark.index: mark for mark in marks.get(block.number) or ()}
        stop = len(lines) if block.closing_line is None else block.closing_line - 1
        width = max((len(line.text) for line in block.derivation.lines), default=0)
        out.append(lines[index])  # the fence
        for position in range(index + 1, stop):
            mark = by_line.get(position - (block.first_line - 1))
            line = lines[position]
            out.append(f"{line.ljust(width)}   {mark_note(mark)}" if mark is not None else line)
        out.append(lines[stop] if stop < len(lines) else "```")
        out.append("")
        out.append(f"*{block_summary(block, marks.get(block.number))}*")
        index = stop + 1
    return "\n".join(out)


def block_summary(block: DeriveBlock, marks: Sequence[LineMark] | None) -> str:
    """How a block went, in one line."""
    if block.problem is not None and not block.derivation.lines:
        return f"Derivation {block.number}: not checked: {block.problem}"
    if marks is None:
        return f"Derivation {block.number}: checking…"
    wrong = [block.entry_line(mark) for mark in marks if mark.wrong]
    unknown = [block.entry_line(mark) for mark in marks if mark.verdict == "unknown"]
    said = f"Derivation {block.number}: "
    if wrong:
        said += f"✗ the first wrong line is line {wrong[0]} of the entry"
    elif unknown:
        said += f"? line {unknown[0]} could not be decided in time"
    else:
        said += f"✓ every line holds ({len(marks)} marked)"
    return said + (f" ({block.problem})" if block.problem else "")
