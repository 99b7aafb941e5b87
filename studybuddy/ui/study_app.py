"""The running StudyBuddyApp, typed, for the screens, widgets and palette providers that use it.

Textual types ``self.app`` as any App; through ``study_app(self)`` a screen reaches the study context's
typed services (``study_app(self).context.diary``), the clock and the app's background helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from studybuddy.ui.app import StudyBuddyApp


class InApp(Protocol):
    """A widget, screen or command provider: whatever Textual gives an ``app``."""

    @property
    def app(self) -> App[Any]: ...


def study_app(node: InApp) -> StudyBuddyApp:
    return cast("StudyBuddyApp", node.app)
