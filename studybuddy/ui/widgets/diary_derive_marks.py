"""The marks of a diary entry's ```derive blocks, for the diary's preview (core.diary_derivations).

The preview shows the entry with each block's lines followed by their marks; a block not yet marked
says "checking…" and is marked in a worker thread (services.diary_derivations, through the grading
worker). A result is kept by the block's exact content, so it is shown only while the entry still holds
that block as written: one for a block edited since is not shown. The entry itself is never changed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial

from textual.widget import Widget

from studybuddy.core.derivation.marks import LineMark
from studybuddy.core.derivation.model import Derivation
from studybuddy.core.diary_derivations import DeriveBlock, annotated, derive_blocks
from studybuddy.core.errors import StudybuddyError
from studybuddy.services.derivation import DerivationService
from studybuddy.services.diary_derivations import check_block
from studybuddy.ui.study_app import study_app

_KEPT = 64  # blocks' marks kept: an entry rarely holds more than a few


class DiaryDerivationMarks:
    def __init__(self, host: Widget, marked: Callable[[], None]) -> None:
        """``host``: the screen whose workers mark the blocks; ``marked``: called on the UI thread when a
        block of the text last shown has its marks (to show the preview again)."""
        self.host = host
        self.marked = marked
        self._marks: OrderedDict[Derivation, tuple[LineMark, ...]] = OrderedDict()
        self._asked: set[Derivation] = set()
        self._shown: set[Derivation] = set()

    def annotate(self, text: str) -> str:
        """``text`` with its derive blocks' marks (what is known now; the rest is asked for)."""
        blocks = derive_blocks(text)
        if not blocks:
            return text
        self._shown = {block.derivation for block in blocks}
        known: dict[int, Sequence[LineMark] | None] = {}
        for block in blocks:
            known[block.number] = self._marks.get(block.derivation)
            if known[block.number] is None and block.derivation not in self._asked and block.derivation.lines:
                self._ask(block)
        return annotated(text, known)

    def _ask(self, block: DeriveBlock) -> None:
        try:
            derivations = DerivationService(study_app(self.host).context.grading)
        except StudybuddyError:  # no grader: the blocks stay "checking…"; the app said why at start
            return
        self._asked.add(block.derivation)
        self.host.run_worker(
            partial(self._mark, derivations, block), thread=True, group="diary-derive", exit_on_error=False
        )

    def _mark(self, derivations: DerivationService, block: DeriveBlock) -> None:
        """Worker thread."""
        try:
            marks = check_block(derivations, block).marks
        except StudybuddyError:
            marks = ()
        self.host.app.call_from_thread(self._arrived, block.derivation, marks)

    def _arrived(self, derivation: Derivation, marks: tuple[LineMark, ...]) -> None:
        self._asked.discard(derivation)
        self._marks[derivation] = marks
        while len(self._marks) > _KEPT:
            self._marks.popitem(last=False)
        if derivation in self._shown:  # a block edited since is not shown again for it
            self.marked()
