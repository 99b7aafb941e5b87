"""Examples of how to write an answer, shown beside the answer box: never the exercise's own answer."""

from __future__ import annotations

from collections.abc import Sequence

from studybuddy.core.grading.grader import grade_terms
from studybuddy.core.grading.terms import GradingTerms


def first_clear(candidates: Sequence[Sequence[str]], terms: GradingTerms) -> int | None:
    """The index of the first set of example texts none of which the grader calls the answer of
    ``terms`` (a number's examples, '0.25, 1/4, 2^10', beside an answer that may be 2^10); None when
    every set holds the answer."""
    for index, texts in enumerate(candidates):
        if all(grade_terms(text, terms).kind != "equivalent" for text in texts):
            return index
    return None
