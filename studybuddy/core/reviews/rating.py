"""The rating a review proposes, from how the learner actually did (they may change it before saving).

An encounter is one sitting with an exercise: every answer graded from when it was shown until it was
answered right or left. Hints in studybuddy reveal a step each, so any hint counts as help:

- wrong (left without a right answer), or the worked solution was shown: Again;
- right after a wrong try, after a hint, or after opening the exercise's lesson (a review served
  weeks later: its setup is one key away, and its derivation shows the way): Hard; also right first
  time in a sitting that follows one
  left wrong within the same quiz (gone back to with the previous-exercise key): that is no recall;
- right first time, with no hint: Good; and Easy when that took at most ``QUICK_SECONDS``.

A derivation is rated the same way, one try per time it is finished: finished with a wrong line (or
short of the goal) is a wrong try, so Again when left so; right after hints: Hard; clean: Good. It is
never Easy for its speed (``quick_seconds`` None): written line by line, it is not a recall of seconds.

Answers that could not be read, or that the grader could not decide, are no tries (they are not
recorded as attempts either).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fsrs import Rating

QUICK_SECONDS = 60.0  # right first time, unaided, within a minute of seeing the exercise: Easy


@dataclass(frozen=True)
class Try:
    """One graded answer: right or not, and the help shown when it was given."""

    correct: bool
    at: datetime
    hints_used: int = 0
    solution_seen: bool = False


@dataclass(frozen=True)
class Encounter:
    """The tries of one sitting with an exercise, in order. ``shown_at``: when the exercise was put in
    front of the learner (None when unknown, as for an answer given from the shell: never "quick")."""

    tries: tuple[Try, ...]
    shown_at: datetime | None = None
    quick_seconds: float | None = QUICK_SECONDS  # None: never Easy for its speed (a derivation)
    left_wrong_before: bool = False  # an earlier sitting of the same quiz was saved as Again
    lesson_opened: bool = False  # the exercise's lesson was opened during the sitting

    @property
    def answered_right(self) -> bool:
        return bool(self.tries) and self.tries[-1].correct

    @property
    def seconds(self) -> float | None:
        """From showing the exercise to its last try (None when the showing time is unknown)."""
        if self.shown_at is None or not self.tries:
            return None
        return max(0.0, (self.tries[-1].at - self.shown_at).total_seconds())


@dataclass(frozen=True)
class Proposal:
    rating: Rating
    reason: str  # why, in a few words: "right after 2 hints"


def propose(encounter: Encounter) -> Proposal | None:
    """The rating the encounter earns (None before any try: there is nothing to rate)."""
    tries = encounter.tries
    if not tries:
        return None
    if any(attempt.solution_seen for attempt in tries):
        return Proposal(Rating.Again, "the worked solution was shown")
    if not encounter.answered_right:
        wrong = len(tries)
        return Proposal(Rating.Again, "not answered right" if wrong == 1 else f"{wrong} tries, none right")
    wrong = len(tries) - 1
    hints = max(attempt.hints_used for attempt in tries)
    if encounter.left_wrong_before and not (wrong or hints):
        return Proposal(Rating.Hard, "right after getting it wrong a moment ago")
    if wrong or hints or encounter.lesson_opened:
        help_had = []
        if wrong:
            help_had.append("a wrong try" if wrong == 1 else f"{wrong} wrong tries")
        if hints:
            help_had.append("a hint" if hints == 1 else f"{hints} hints")
        if encounter.lesson_opened:
            help_had.append("opening the lesson")
        return Proposal(Rating.Hard, "right after " + " and ".join(help_had))
    seconds = encounter.seconds
    quick = encounter.quick_seconds
    if seconds is not None and quick is not None and seconds <= quick:
        return Proposal(Rating.Easy, f"right first time, no hint, in {seconds:.0f} s")
    return Proposal(Rating.Good, "right first time, no hint")
