"""Derivations written in a diary entry, marked line by line: the one path for ``studybuddy diary check``
and the app's diary preview. Each line is marked in the grading worker (services.derivation); the entry
is only read, never changed."""

from __future__ import annotations

from dataclasses import dataclass

from studybuddy.core.derivation.marks import LineMark
from studybuddy.core.diary_derivations import DeriveBlock, derive_blocks
from studybuddy.services.derivation import DerivationService


@dataclass(frozen=True)
class CheckedBlock:
    block: DeriveBlock
    marks: tuple[LineMark, ...]

    @property
    def holds(self) -> bool:
        """Every line is a start or follows, and the block has nothing wrong with it."""
        return self.block.problem is None and all(mark.verdict in ("start", "follows") for mark in self.marks)


def check_block(derivations: DerivationService, block: DeriveBlock) -> CheckedBlock:
    return CheckedBlock(block, tuple(derivations.marks(block.derivation)))


def check_entry(derivations: DerivationService, text: str) -> list[CheckedBlock]:
    """Every derive block of the entry ``text``, each line marked."""
    return [check_block(derivations, block) for block in derive_blocks(text)]
