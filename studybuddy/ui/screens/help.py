"""Every key the app answers to, read from the live bindings (so remapped keys show as remapped)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

INTRO = """\
# studybuddy

Study in one-hour sessions: pick a lesson, step through its derivation, answer its exercises,
then write down what you learned in the diary.

- **ctrl+p** opens the command palette: every action, every lesson, every diary day.
- **ctrl+q** quits. A running session keeps counting and is there when you come back.
- Keys can be changed in the config file's `[keys]` table, by the ids below
  (for example `"timer.toggle" = "ctrl+t"`).

"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close", id="help.close")]

    def __init__(self, below: Screen[object]) -> None:
        """``below``: the screen the help was asked from; its keys are the ones listed."""
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide", id="help"):
            yield Markdown(INTRO + key_table(self.below))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def key_table(screen: Screen[object]) -> str:
    """The keys active on ``screen`` (its own, the focused widget's and the app's), as the user's keymap
    binds them; one row per action, its keys joined."""
    rows: dict[tuple[str, str, str], list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.description:
            keys = rows.setdefault((binding.description, binding.action, binding.id or ""), [])
            display = screen.app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
    lines = ["| key | what | id |", "| --- | --- | --- |"]
    lines += [f"| {', '.join(keys)} | {what} | {key_id} |" for (what, _, key_id), keys in rows.items()]
    return "\n".join(lines) + "\n\nPress **Esc** to close."
