"""What a derivation line is told: its mark, as plain data (no SymPy: the app rebuilds marks).

A mark carries what it answers (the derivation's id, the line's index and its text), so a screen that
receives it after the learner changed the line can see that it is stale and drop it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

MarkVerdict = Literal["start", "follows", "does-not-follow", "invalid", "unknown"]
VERDICTS: tuple[MarkVerdict, ...] = ("start", "follows", "does-not-follow", "invalid", "unknown")

DiagnosisKind = Literal[
    "sign",
    "constant-factor",
    "missing-chain-factor",
    "dropped-term",
    "wrong-derivative-rule",
    "listed-mistake",
    "other",
]
DIAGNOSIS_KINDS: tuple[DiagnosisKind, ...] = (
    "sign",
    "constant-factor",
    "missing-chain-factor",
    "dropped-term",
    "wrong-derivative-rule",
    "listed-mistake",
    "other",
)


@dataclass(frozen=True)
class LineMark:
    """The one mark of one line.

    ``verdict``: ``start`` (nothing to follow from: a first line, ``given:``, a definition),
    ``follows`` (with ``strength``: "proved equal" or "equal at N random points"),
    ``does-not-follow`` (with a ``counterexample`` point, a ``diagnosis`` and its ``diagnosis_kind``),
    ``invalid`` (the line cannot be read: ``detail`` says why, ``column``..``end_column`` where, 1-based)
    or ``unknown`` (not decided within the time limit). ``understood`` says what the line was read as
    ("the derivative of L (line 1) with respect to z1"); ``follows_from`` is the index of the line it
    was judged against (None for a start or an unreadable line).
    """

    derivation: str | int | None
    index: int
    text: str
    verdict: MarkVerdict
    understood: str = ""
    strength: str = ""
    detail: str = ""
    follows_from: int | None = None
    counterexample: Mapping[str, Any] | None = None
    diagnosis: str | None = None
    diagnosis_kind: DiagnosisKind | None = None
    column: int | None = None
    end_column: int | None = None
    ms: float = 0.0

    @property
    def wrong(self) -> bool:
        """A mistake to show: a line that does not follow or cannot be read."""
        return self.verdict in ("does-not-follow", "invalid")

    def with_ms(self, ms: float) -> LineMark:
        return replace(self, ms=ms)

    def to_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (how a mark crosses from the worker process)."""
        data = asdict(self)
        data["counterexample"] = dict(self.counterexample) if self.counterexample is not None else None
        data["ms"] = round(self.ms, 3)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LineMark:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})

    def step_row(self) -> dict[str, Any]:
        """The step as ``studybuddy derive --jsonl`` writes it (the issue's field names)."""
        return {
            "verdict": self.verdict,
            "strength": self.strength or None,
            "detail": self.detail,
            "counterexample": dict(self.counterexample) if self.counterexample is not None else None,
            "diagnosis": self.diagnosis,
            "diagnosis_kind": self.diagnosis_kind,
            "column": self.column,
            "ms": round(self.ms, 3),
        }


def first_error(marks: list[LineMark]) -> int | None:
    """The index (into ``marks``) of the first line that does not follow or cannot be read."""
    return next((position for position, mark in enumerate(marks) if mark.wrong), None)
