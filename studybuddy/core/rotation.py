"""The subject rotation: after an hour of one subject, suggest the next one in the user's list."""

from __future__ import annotations

from collections.abc import Sequence


def next_subject(rotation: Sequence[str], just_studied: str | None) -> str | None:
    """The subject after ``just_studied`` in ``rotation``, wrapping round; matched case-insensitively.

    A subject outside the rotation (or none yet) starts the rotation from its first entry; a rotation
    of one suggests that subject again; no rotation suggests nothing.
    """
    if not rotation:
        return None
    wanted = (just_studied or "").strip().casefold()
    for index, subject in enumerate(rotation):
        if subject.strip().casefold() == wanted:
            return rotation[(index + 1) % len(rotation)]
    return rotation[0]
