"""The footer line: the current screen's keys, each clickable, and the command palette's at the right end."""

from __future__ import annotations

from typing import Any, NamedTuple

from rich.style import Style as RichStyle
from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget

from studybuddy.ui.widgets.spread import clickable, spread

# Dropped first when the keys do not fit the width: the section keys, then the app's other keys; a
# screen's own keys (Next step, Hint, Save...) are the last to go. Help (F1) lists every key anyway.
_DROPPED_FIRST = ("mode.",)
_APP_KEYS = ("app.", "timer.")


class ShownKey(NamedTuple):
    key: str  # the key Textual receives, which a click simulates
    display: str  # as the user reads it: "f1", "^p"
    description: str
    enabled: bool
    rank: int  # 0 is dropped last


class KeysBar(Widget):
    """What Textual's ``Footer`` shows (a key and what it does, for every binding a screen shows;
    a click presses the key), drawn by one widget instead of one per key: the footer is on the first
    paint of every screen, and a widget per key cost a section key more than half its 50 ms.

    When the keys do not fit (a lesson's own keys at 80 columns), the section keys go first.
    """

    DEFAULT_CSS = """
    KeysBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        link-style-hover: not underline;
        link-color-hover: $footer-key-foreground;
        link-background-hover: $block-hover-background;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.keys: tuple[ShownKey, ...] = ()
        self.palette: ShownKey | None = None

    @property
    def link_style(self) -> RichStyle:
        """No link look: a key keeps its footer colours; hovering shows it can be clicked."""
        return RichStyle()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        keys, palette = self._keys_of(screen)
        if (keys, palette) != (self.keys, self.palette):
            self.keys, self.palette = keys, palette
            self.refresh()

    def _keys_of(self, screen: Any) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        app = self.app
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        keys: list[ShownKey] = []
        palette = None
        actions_seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding: Binding = active.binding
            if key == palette_key:
                palette = ShownKey(key, app.get_key_display(binding), "palette", active.enabled, 0)
                continue
            # A binding with two keys (F6 and ctrl+t) is shown once, by its first key, as Footer does.
            if not binding.show or binding.action in actions_seen:
                continue
            actions_seen.add(binding.action)
            display = app.get_key_display(binding)
            keys.append(ShownKey(key, display, binding.description, active.enabled, _rank(binding)))
        return tuple(keys), palette

    def render(self) -> Content:
        width = self.content_size.width
        right = Content()
        if self.palette is not None:
            right = Content.assemble(("▏", "$foreground 20%"), _key_content(self.palette, compact=True))
        shown = list(self.keys)
        while shown and _width(shown) > width - right.cell_length - 2:
            shown.remove(max(reversed(shown), key=lambda key: key.rank))  # the last of the lowest rank
        left = Content.assemble(*(_key_content(key) for key in shown))
        return spread(left, right, width) if right else left


def _rank(binding: Binding) -> int:
    binding_id = binding.id or ""
    if binding_id.startswith(_DROPPED_FIRST):
        return 2
    return 1 if binding_id.startswith(_APP_KEYS) else 0


def _width(keys: list[ShownKey]) -> int:
    return sum(len(key.display) + len(key.description) + 3 for key in keys)


def _key_content(key: ShownKey, compact: bool = False) -> Content:
    """`` f1 Help ``: the key bold in the footer's key colour, then what it does; a click presses it.
    Compact (the palette key, as Textual's footer draws it): ``^p palette``."""
    pad = "" if compact else " "
    shown = Content.assemble(
        (f"{pad}{key.display} ", "bold $footer-key-foreground on $footer-key-background"),
        (f"{key.description}{pad}", "$footer-description-foreground"),
    )
    if not key.enabled:
        return shown.stylize("dim")
    return clickable(shown, f"app.simulate_key({key.key!r})")
