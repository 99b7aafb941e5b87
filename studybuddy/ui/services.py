"""The area services the app uses, built on first use from the study context with the app's clock.

Each service module offers an ``open_<area>(context, clock)`` factory. A service that is missing or fails
to open becomes a ``ServiceMissing`` error (a StudybuddyError): the screen shows the message, the rest
of the app keeps working.
"""

from __future__ import annotations

import importlib
from typing import Any

from studybuddy.core.clock import Clock
from studybuddy.core.errors import StudybuddyError
from studybuddy.services.context import StudyContext

CONTEXT_SERVICES = frozenset({"timer", "stats", "progress", "lessons"})
FACTORIES = {
    "diary": ("studybuddy.services.diary", "open_diary"),
    "grading": ("studybuddy.services.grading", "open_grading"),
}


class ServiceMissing(StudybuddyError):
    """An area service (diary, timer, lessons, grading, stats) is not available in this build."""


class AppServices:
    def __init__(self, context: StudyContext, clock: Clock, **overrides: Any) -> None:
        self.context = context
        self.clock = clock
        self._built: dict[str, Any] = dict(overrides)  # tests may hand in a service (a slow grader, ...)
        self._handed_in = frozenset(overrides)

    def get(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._open(name)
        return self._built[name]

    def opened(self, name: str) -> Any | None:
        """The service if this object built it, without building it (for shutdown: what was handed in
        belongs to the caller, who closes it)."""
        return None if name in self._handed_in else self._built.get(name)

    def _open(self, name: str) -> Any:
        if name in CONTEXT_SERVICES:  # built (and cached) by the study context itself
            return getattr(self.context, name)
        module_name, factory_name = FACTORIES[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            raise ServiceMissing(f"the {name} service is not available in this build") from None
        factory = getattr(module, factory_name, None)
        if factory is None:
            raise ServiceMissing(f"the {name} service has no {factory_name}() in this build")
        return factory(self.context)  # services take their clock from the context


def service(app: Any, name: str) -> Any:
    """The named service of a running StudyBuddyApp (raises ServiceMissing when unavailable)."""
    return app.services.get(name)
