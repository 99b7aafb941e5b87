"""The one door to Textual's internals: every private Textual name studybuddy uses is used here.

Nothing else in studybuddy/ or tests/ may touch one (tests/test_textual_private_names.py scans for
them). Each hook lists what it relies on in ``HOOKS``; tests/pilot/test_textual_internals.py checks
each against the installed Textual, and fails naming the hook and the Textual version when a release
changes it (pyproject pins Textual to the minor version so tested). What each hook earns was measured
with ``benchmarks/tui_startup.py --hooks``, which runs the app with each hook taken out; a hook that
stops earning its keep goes.

Measured and taken out (issue 9): the ``App._end_batch`` override (no measurable gain once the footer
stopped recomposing), the theme preset that copied ``App._watch_theme`` (about 14 ms of CPU at start,
only with a theme in the config file: the app sets ``App.theme`` now), ``launch`` reading
``App._exception`` (the one StudybuddyError that escaped, a database that cannot open, is now a
message in the app). The app with and without those three, in one run: the same CPU to the first
paint (309 ms against 308 ms) and the same key repaints. Moved to public API: the first showing's
restyle is skipped by a ScreenResume handler (``screens/base.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from textual._compositor import Compositor
from textual.app import App
from textual.screen import Screen
from textual.widget import AwaitMount

ReturnType = TypeVar("ReturnType")


@dataclass(frozen=True)
class Reliance:
    """A private Textual name a hook relies on, as the Textual it was written for has it."""

    owner: type[Any]
    name: str
    signature: str | None = None  # str(inspect.signature(...)) of a method; None: an instance attribute
    attribute_type: type[Any] | None = None  # what an instance attribute holds


@dataclass(frozen=True)
class Hook:
    name: str
    why: str
    relies_on: tuple[Reliance, ...]
    overrides: tuple[str, ...] = ()  # methods of FastModesApp that make up the hook (the benchmark
    # takes them out to measure the app without it)


class FastModesApp(App[ReturnType], Generic[ReturnType]):
    """An App whose sections (modes) show at the next frame after their key."""

    def _init_mode(self, mode: str) -> AwaitMount:
        """Textual re-parses every stylesheet (~20 ms, far more while the start-up loads run) when a
        section's screen is first shown, because a new screen has not "seen" the app's CSS yet; but
        nothing of it has been styled either, and its widgets are styled from the current sheet as they
        mount. So a new screen counts as current. At start-up (the first mode) the re-parse also
        restyled the app node itself, which the first screen's colours depend on: that restyle is
        kept, the re-parse is not."""
        factory = self._modes.get(mode)
        if self._screen_stacks.get(mode) or not callable(factory):
            return super()._init_mode(mode)

        def current_screen() -> Screen[Any]:
            screen = factory()
            screen._css_update_count = self._css_update_count
            return screen

        self._modes[mode] = current_screen
        try:
            return super()._init_mode(mode)
        finally:
            self._modes[mode] = factory
            if mode == self.DEFAULT_MODE:
                self.stylesheet.update(self, animate=False)

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual holds every mode switch back 50 ms (``switch_mode`` calls this) to hide a screen being
        composed. Ours compose in one pass before their first layout, so there is nothing to hide: a
        section key repaints at the next frame (the 50 ms alone was the whole budget of a key press).
        The screen switched to repaints itself on resume."""


def screen_lines(screen: Screen[Any]) -> list[str]:
    """The terminal's text, row by row, as the screen's compositor renders it (modal screens over the
    ones below): what a learner sees. For tests; Textual's public screenshot is SVG."""
    return [strip.text for strip in screen._compositor.render_strips()]


HOOKS = (
    Hook(
        "styled_as_current",
        "a section's first showing re-parses no CSS: 40 ms less CPU before the first paint (286 ms "
        "against 326 ms without it; a bare Textual app 268 ms), and the first F3 while the start-up loads "
        "run repaints in ~60 ms instead of ~165 ms",
        (
            Reliance(App, "_init_mode", signature="(self, mode: 'str') -> 'AwaitMount'"),
            Reliance(App, "_modes", attribute_type=dict),
            Reliance(App, "_screen_stacks", attribute_type=dict),
            Reliance(App, "_css_update_count", attribute_type=int),
            Reliance(Screen, "_css_update_count", attribute_type=int),
        ),
        overrides=("_init_mode",),
    ),
    Hook(
        "no_switch_delay",
        "every section key repaints ~35 ms sooner (idle app: median 32 ms against 65 ms without it)",
        (Reliance(App, "delay_update", signature="(self, delay: 'float' = 0.05) -> 'None'"),),
        overrides=("delay_update",),
    ),
    Hook(
        "screen_lines",
        "tests read the screen as the learner sees it, as text",
        (
            Reliance(Screen, "_compositor", attribute_type=Compositor),
            Reliance(
                Compositor, "render_strips", signature="(self, size: 'Size | None' = None) -> 'list[Strip]'"
            ),
        ),
    ),
)
