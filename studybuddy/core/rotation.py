"""The subject rotation: after an hour of one subject, suggest the next one in the user's list.

The rotation is the config file's ``timer.rotation``; without one, it is the subjects of the user's
recent sessions, the one studied longest ago coming round first. So a learner who never wrote a
rotation still gets "the last subject" and "the next one" offered when a session starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectChoice:
    """What a new session is offered: the subject of the last session, and the rotation's next."""

    last: str | None
    next: str | None
    from_history: bool  # the rotation is the recent sessions' subjects (the config has none)

    @property
    def default(self) -> str | None:
        """The subject a session starts with when none is named: the rotation's next, else the last."""
        return self.next or self.last

    def offered(self) -> tuple[str, ...]:
        """The distinct subjects to offer, the default first."""
        subjects = [subject for subject in (self.next, self.last) if subject]
        if len(subjects) == 2 and same_subject(*subjects):
            subjects.pop()
        return tuple(subjects)


def next_subject(rotation: Sequence[str], just_studied: str | None) -> str | None:
    """The subject after ``just_studied`` in ``rotation``, wrapping round; matched case-insensitively.

    A subject outside the rotation (or none yet) starts the rotation from its first entry; a rotation
    of one suggests that subject again; no rotation suggests nothing.
    """
    if not rotation:
        return None
    for index, subject in enumerate(rotation):
        if same_subject(subject, just_studied or ""):
            return rotation[(index + 1) % len(rotation)]
    return rotation[0]


def rotation_from_history(recent: Sequence[str]) -> tuple[str, ...]:
    """``recent``: the subjects of recent sessions, each once, the most recently studied first. As a
    rotation they come round in the order they were last studied: the longest waiting first."""
    return tuple(reversed(recent))


def subject_choice(rotation: Sequence[str], recent: Sequence[str], last: str | None) -> SubjectChoice:
    """``rotation``: the config's (may be empty); ``recent``: as for ``rotation_from_history``;
    ``last``: the subject to follow (the last session's, or the one just finished)."""
    effective = tuple(rotation) or rotation_from_history(recent)
    return SubjectChoice(last, next_subject(effective, last), from_history=not rotation)


def same_subject(first: str, second: str) -> bool:
    """The same subject, whatever its case and spacing."""
    return first.strip().casefold() == second.strip().casefold()
