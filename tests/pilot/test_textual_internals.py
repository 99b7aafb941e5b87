"""Each hook of studybuddy/ui/textual_internals.py against the installed Textual: one test per hook.

A failure names the hook and the Textual version: the private method it overrides or calls is gone or
has a new signature, an attribute it reads is gone or holds something else, or Textual no longer does
what the hook works around (then the hook can go). Re-measure with ``benchmarks/tui_startup.py --hooks``
before changing a hook.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

import textual
from pilot_support import settle, synchronously
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from studybuddy.ui.textual_internals import HOOKS, FastModesApp, Hook, screen_lines

HOOK = {hook.name: hook for hook in HOOKS}
MISSING = object()


def where(hook: Hook) -> str:
    return f"textual_internals.{hook.name} (Textual {textual.__version__})"


def assert_textual_still_has(hook: Hook) -> None:
    """What the hook relies on is there, as the Textual it was written for had it."""
    for reliance in hook.relies_on:
        name = f"{reliance.owner.__qualname__}.{reliance.name}"
        if reliance.signature is not None:
            member = inspect.getattr_static(reliance.owner, reliance.name, None)
            assert callable(member), f"{where(hook)}: {name} is gone"
            found = str(inspect.signature(member))
            assert found == reliance.signature, (
                f"{where(hook)}: {name} was {reliance.signature}, is now {found}"
            )
        else:
            value = getattr(reliance.owner(), reliance.name, MISSING)
            assert value is not MISSING, f"{where(hook)}: a new {reliance.owner.__qualname__} has no {name}"
            if reliance.attribute_type is not None:
                assert isinstance(value, reliance.attribute_type), (
                    f"{where(hook)}: {name} holds a {type(value).__name__}, "
                    f"not a {reliance.attribute_type.__name__}"
                )


def test_every_hook_has_its_test() -> None:
    tested = {name.removeprefix("test_hook_") for name in globals() if name.startswith("test_hook_")}
    assert tested == set(HOOK), "each hook in textual_internals.HOOKS gets a test_hook_<name> here"


class Section(Screen[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(self.text)


class CountingReparses:
    """Counts the stylesheet's re-parses (Stylesheet.reparse is public)."""

    def __init__(self, app: App[Any]) -> None:
        self.count = 0
        reparse = app.stylesheet.reparse

        def counted() -> None:
            self.count += 1
            reparse()

        app.stylesheet.reparse = counted  # type: ignore[method-assign]


def two_sections(base: type[App[None]]) -> type[App[None]]:
    class TwoSections(base):  # type: ignore[valid-type,misc]
        CSS = "Static { color: $accent; }"
        MODES: ClassVar[dict[str, Any]] = {"one": lambda: Section("first"), "two": lambda: Section("second")}
        DEFAULT_MODE = "one"

    return TwoSections


@synchronously
async def test_hook_styled_as_current() -> None:
    hook = HOOK["styled_as_current"]
    assert_textual_still_has(hook)
    for base, expected in ((App, "re-parses"), (FastModesApp, "no re-parse")):
        app = two_sections(base)()
        async with app.run_test(size=(40, 10)) as pilot:
            await settle(app, pilot)
            reparses = CountingReparses(app)
            await app.switch_mode("two")
            await settle(app, pilot)
            assert "second" in "\n".join(screen_lines(app.screen))
            if expected == "re-parses":
                assert reparses.count >= 1, (
                    f"{where(hook)}: Textual no longer re-parses the CSS when a mode is first shown: "
                    "the hook has nothing left to save and can go"
                )
            else:
                assert reparses.count == 0, f"{where(hook)}: a mode's first showing re-parsed the CSS"


@synchronously
async def test_hook_no_switch_delay() -> None:
    hook = HOOK["no_switch_delay"]
    assert_textual_still_has(hook)
    delays: list[float] = []

    class Watched(App[None]):
        def delay_update(self, delay: float = 0.05) -> None:
            delays.append(delay)
            super().delay_update(delay)

    app = two_sections(Watched)()
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(app, pilot)
        await app.switch_mode("two")
        await settle(app, pilot)
    assert delays, (
        f"{where(hook)}: switch_mode no longer holds the screen back with delay_update: "
        "the hook has nothing left to save and can go"
    )


@synchronously
async def test_hook_screen_lines() -> None:
    hook = HOOK["screen_lines"]
    assert_textual_still_has(hook)
    app = two_sections(App)()
    async with app.run_test(size=(40, 10)) as pilot:
        await settle(app, pilot)
        lines = screen_lines(app.screen)
    assert len(lines) == 10 and lines[0].startswith("first"), f"{where(hook)}: the screen read as {lines!r}"
