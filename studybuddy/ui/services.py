"""Reach an area service through the study context, or say clearly that it is not there."""

from __future__ import annotations

from typing import Any

from studybuddy.core.errors import StudybuddyError


class ServiceMissing(StudybuddyError):
    """An area service (diary, timer, lessons, grading, stats) is not available in this build."""


def service(context: Any, name: str) -> Any:
    found = getattr(context, name, None)
    if found is None:
        raise ServiceMissing(f"the {name} service is not available in this build")
    return found
