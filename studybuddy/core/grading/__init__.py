"""Grading answers: equivalence by sampling then proof, a verdict with its strength, and a diagnosis.

The names are loaded on first use, so a process that only rebuilds verdicts (the UI, which grades in a
worker process) never imports SymPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studybuddy.core.grading.equivalence import equivalent_exprs as equivalent_exprs
    from studybuddy.core.grading.grader import grade as grade
    from studybuddy.core.grading.proof import ProofGuard as ProofGuard
    from studybuddy.core.grading.proof import ProofInterrupted as ProofInterrupted
    from studybuddy.core.grading.verdict import Diagnosis as Diagnosis
    from studybuddy.core.grading.verdict import ListedMistake as ListedMistake
    from studybuddy.core.grading.verdict import Verdict as Verdict
    from studybuddy.core.grading.verdict import VerdictKind as VerdictKind

_HOMES = {
    "ProofGuard": "proof",
    "ProofInterrupted": "proof",
    "equivalent_exprs": "equivalence",
    "grade": "grader",
    "Diagnosis": "verdict",
    "ListedMistake": "verdict",
    "Verdict": "verdict",
    "VerdictKind": "verdict",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
