"""What the grader says about an answer: the verdict, how sure it is, and why an answer is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # the grading service rebuilds verdicts in the UI process, which must not load SymPy
    from studybuddy.core.mathexpr import ExprError

# "shape": the answer's shape is not the question's (grading/shapes.py); said, but never an attempt.
VerdictKind = Literal["equivalent", "different", "invalid", "unknown", "shape"]


@dataclass(frozen=True)
class Diagnosis:
    """Why a wrong answer is wrong.

    ``code``: sign, factor, missing-factor, extra-factor, additive, transpose (matrix answers), or
    listed:<i> for a lesson's mistake i.
    """

    code: str
    message: str


@dataclass(frozen=True)
class ListedMistake:
    """A wrong answer a lesson anticipates, with the feedback its author wrote for it."""

    answer: str
    feedback: str


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    strength: str  # "proved equal" | "equal at 24 random points" | "different, e.g. at x = 0.31" | ...
    detail: str  # one sentence for a person
    counterexample: Mapping[str, float] | None = None
    diagnosis: Diagnosis | None = None
    error: ExprError | None = None
    ms: float = 0.0

    def with_ms(self, ms: float) -> Verdict:
        return replace(self, ms=ms)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (also how the grading worker sends verdicts across the process boundary)."""
        return {
            "verdict": self.kind,
            "strength": self.strength,
            "detail": self.detail,
            "counterexample": dict(self.counterexample) if self.counterexample is not None else None,
            "diagnosis": (
                {"code": self.diagnosis.code, "message": self.diagnosis.message} if self.diagnosis else None
            ),
            "error": (
                {
                    "message": self.error.message,
                    "text": self.error.text,
                    "start": self.error.start,
                    "end": self.error.end,
                    "suggestion": self.error.suggestion,
                }
                if self.error is not None
                else None
            ),
            "ms": round(self.ms, 3),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        diagnosis = data.get("diagnosis")
        error = data.get("error")
        if error:
            from studybuddy.core.mathexpr.errors import ExprError
        return cls(
            kind=data["verdict"],
            strength=data["strength"],
            detail=data["detail"],
            counterexample=data.get("counterexample"),
            diagnosis=Diagnosis(**diagnosis) if diagnosis else None,
            error=ExprError(**error) if error else None,
            ms=float(data.get("ms", 0.0)),
        )


def invalid(error: ExprError, *, prefix: str = "") -> Verdict:
    return Verdict("invalid", "", f"{prefix}{error}", error=error)


def unknown(detail: str) -> Verdict:
    return Verdict("unknown", "could not decide", detail)
