"""A derivation being written on screen: which lines to mark next, and which marks still hold.

The screen tells the sheet the text and the cursor's line at every edit and move (cheap: nothing is
read or parsed then); the sheet says which line to mark next, one request at a time, and a worker
thread marks it through ``DerivationService`` (the grading worker, never this process). A line is
marked once the learner has finished it: it is not the line being written (the line of the cursor,
since the last edit: Enter, or moving to another line, finishes it), or ``check_all`` asked for every
line. A line below the line being written waits, since its mark depends on it.

Every request and result carries its line's key: the line's index and a digest of every line up to
and including it (a line's mark depends on the lines above it as written). A result whose key is no
longer the line's key answers a text the learner has changed since: it is dropped, and the line is
asked for again.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from itertools import count
from typing import Literal

from studybuddy.core.derivation.lines import Line, read_line
from studybuddy.core.derivation.marks import LineMark
from studybuddy.core.derivation.model import MAX_LINES, Derivation, DerivationContext
from studybuddy.services.derivation import DerivationService

_READ_KEPT = 4096  # lines read, by text: a 300-line page is read once, not at every key

LineKey = tuple[int, int]  # (index, digest of the lines up to it)
RowState = Literal["blank", "writing", "waiting", "marked"]

_sheet_numbers = count(1)


@dataclass(frozen=True)
class MarkRequest:
    """Mark line ``index`` of ``derivation`` (the lines up to it, as they were when asked)."""

    sheet: str
    key: LineKey
    derivation: Derivation

    @property
    def index(self) -> int:
        return self.key[0]


@dataclass(frozen=True)
class MarkResult:
    sheet: str
    key: LineKey
    mark: LineMark | None  # None: the line turned out blank (a comment)


@dataclass(frozen=True)
class Row:
    """What one line shows: ``blank`` (nothing to mark), ``writing`` (the cursor's line, not finished),
    ``waiting`` (finished, its mark on its way) or ``marked`` (``mark`` holds)."""

    state: RowState
    mark: LineMark | None = None
    first_wrong: bool = False


class DerivationSheet:
    """One derivation on screen (see the module docstring). UI thread only, but ``mark``, which a
    worker thread runs and which reads nothing the UI thread changes."""

    def __init__(self, derivations: DerivationService | None, context: DerivationContext, name: str) -> None:
        """``derivations``: where lines are marked (None: marking is unavailable, every row waits).
        ``name``: what the sheet's marks answer (unique per sheet, so two sheets never mix results)."""
        self.derivations = derivations
        self.context = context
        self.id = f"{name}#{next(_sheet_numbers)}"
        self.texts: list[str] = []
        self.keys: list[LineKey] = []
        self.writing: int | None = None  # the line edited last, while the cursor stays on it
        self.every_line = False  # check_all: the cursor's line is finished too, until the next edit
        self._marks: dict[int, tuple[LineKey, LineMark | None]] = {}  # by index, with the key it answers
        self._in_flight: LineKey | None = None
        self._read: OrderedDict[str, Line] = OrderedDict()

    # ---- what the learner does (UI thread) --------------------------------------------------------

    def edit(self, text: str, cursor: int) -> None:
        """The text changed (and the cursor is on line ``cursor``, 0-based)."""
        texts = text.split("\n")[:MAX_LINES]
        keys, digest = [], 0
        for index, line in enumerate(texts):
            digest = hash((digest, line))
            keys.append((index, digest))
        self.texts, self.keys = texts, keys
        self.writing = cursor
        self.every_line = False
        self._marks = {index: kept for index, kept in self._marks.items() if index < len(keys)}

    def move(self, cursor: int) -> None:
        """The cursor is on line ``cursor``: when that is another line, the line it left is finished."""
        if cursor != self.writing:
            self.writing = None

    def check_all(self) -> None:
        """Mark every line, the cursor's too (a Check or Finish)."""
        self.every_line = True

    # ---- marking: one request at a time -----------------------------------------------------------

    def next_request(self) -> MarkRequest | None:
        """The next line to mark, or None (every finished line is marked, or a request is on its way:
        ask again when its result is applied)."""
        if self._in_flight is not None or self.derivations is None:
            return None
        for index, key in enumerate(self.keys):
            if self._current(index) or self._line(index).blank:
                continue
            if index == self.writing and not self.every_line:
                return None  # being written: it, and the lines after it, wait until it is finished
            lines = tuple(self._line(position) for position in range(index + 1))
            self._in_flight = key
            return MarkRequest(self.id, key, Derivation(self.id, self.context, lines))
        return None

    def mark(self, request: MarkRequest) -> MarkResult:
        """Worker thread: the line's mark, from the grading worker."""
        assert self.derivations is not None
        return MarkResult(
            request.sheet, request.key, self.derivations.mark_line(request.derivation, request.index)
        )

    def apply(self, result: MarkResult) -> bool:
        """A mark came back: kept when it still answers its line as written now (True), dropped
        otherwise. Either way the next request may go."""
        if result.sheet != self.id:
            return False
        if self._in_flight == result.key:
            self._in_flight = None
        index = result.key[0]
        if index >= len(self.keys) or self.keys[index] != result.key:
            return False  # the line, or one above it, changed since it was asked for
        mark = result.mark
        if mark is not None and (mark.derivation != self.id or mark.text != self.texts[index]):
            return False
        self._marks[index] = (result.key, mark)
        return True

    def abandon(self) -> None:
        """The request on its way will never come back (the worker failed): ask again."""
        self._in_flight = None

    # ---- what is shown ----------------------------------------------------------------------------

    def row(self, index: int) -> Row:
        if index >= len(self.keys) or self._line(index).blank:
            return Row("blank")
        if self._current(index):
            mark = self._marks[index][1]
            if mark is None:
                return Row("blank")
            return Row("marked", mark, first_wrong=mark.wrong and self.first_wrong() is mark)
        if index == self.writing and not self.every_line:
            return Row("writing")
        return Row("waiting")

    def marks(self) -> list[LineMark]:
        """The marks that hold for the lines as written now, in line order."""
        found = []
        for index in range(len(self.keys)):
            if self._current(index):
                mark = self._marks[index][1]
                if mark is not None:
                    found.append(mark)
        return found

    def first_wrong(self) -> LineMark | None:
        return next((mark for mark in self.marks() if mark.wrong), None)

    def waiting(self) -> int:
        """Finished lines whose mark is not in yet."""
        return sum(self.row(index).state == "waiting" for index in range(len(self.keys)))

    def settled(self) -> bool:
        """Every line that has something on it is marked as written now."""
        return all(self.row(index).state in ("blank", "marked") for index in range(len(self.keys)))

    def text(self) -> str:
        return "\n".join(self.texts)

    def derivation(self) -> Derivation:
        """Every line as written now."""
        return Derivation(self.id, self.context, tuple(self._line(index) for index in range(len(self.texts))))

    # ---- plumbing ---------------------------------------------------------------------------------

    def _current(self, index: int) -> bool:
        kept = self._marks.get(index)
        return kept is not None and kept[0] == self.keys[index]

    def _line(self, index: int) -> Line:
        text = self.texts[index]
        line = self._read.get(text)
        if line is None:
            line = read_line(text)
            self._read[text] = line
            while len(self._read) > _READ_KEPT:
                self._read.popitem(last=False)
        else:
            self._read.move_to_end(text)
        return line
