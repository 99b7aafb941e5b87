"""The lesson library as the UI holds it after the background load: summaries, and the broken files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from studybuddy.core.errors import StudybuddyError
from studybuddy.ui.services import AppServices


@dataclass(frozen=True)
class LibraryState:
    """``ready`` is False until the worker has loaded the library; ``error``: the whole load failed."""

    ready: bool = False
    lessons: Sequence[Any] = ()
    broken: Sequence[Any] = ()
    error: str | None = None
    by_id: dict[str, Any] = field(default_factory=dict)

    loading: ClassVar[LibraryState]

    @classmethod
    def load(cls, services: AppServices, pace: Callable[[], object] | None = None) -> LibraryState:
        """``pace``: called between steps, where the load gives way to the learner's keys."""
        try:
            if pace is not None:
                pace()
            listing = services.get("lessons").list(pace=pace)
        except StudybuddyError as error:
            return cls(ready=True, error=str(error))
        lessons = [item for item in listing if item.loads]
        broken = [item for item in listing if not item.loads]
        return cls(ready=True, lessons=lessons, broken=broken, by_id={item.id: item for item in lessons})


LibraryState.loading = LibraryState()
