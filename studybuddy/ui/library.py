"""The lesson library as the UI holds it after the background load: summaries, and the broken files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from studybuddy.core.errors import StudybuddyError

if TYPE_CHECKING:
    from studybuddy.services.lessons import LessonService
    from studybuddy.storage.lesson_library import LibraryEntry


@dataclass(frozen=True)
class LibraryState:
    """``ready`` is False until the worker has loaded the library; ``error``: the whole load failed."""

    ready: bool = False
    lessons: Sequence[LibraryEntry] = ()
    broken: Sequence[LibraryEntry] = ()
    error: str | None = None
    by_id: dict[str, LibraryEntry] = field(default_factory=dict)

    loading: ClassVar[LibraryState]

    @classmethod
    def load(cls, service: LessonService, pace: Callable[[], object] | None = None) -> LibraryState:
        """``pace``: called between steps, where the load gives way to the learner's keys."""
        try:
            if pace is not None:
                pace()
            listing = service.list(pace=pace)
        except StudybuddyError as error:
            return cls(ready=True, error=str(error))
        lessons = [item for item in listing if item.loads]
        broken = [item for item in listing if not item.loads]
        return cls(ready=True, lessons=lessons, broken=broken, by_id={item.id: item for item in lessons})


LibraryState.loading = LibraryState()
