"""Every key the app answers to, read from the live bindings (so remapped keys show as remapped)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
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

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide", id="help"):
            yield Markdown(INTRO + self._key_table())

    def _key_table(self) -> str:
        """The app's keys and those of the screen under this one, with the user's remapping applied."""
        remapped = dict(self.app.context.config.keys)
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        rows = ["| key | what | id |", "| --- | --- | --- |"]
        for binding in [*_bindings_of(self.app), *(_bindings_of(below) if below else [])]:
            if binding.description:
                key = remapped.get(binding.id, binding.key) if binding.id else binding.key
                rows.append(f"| {key} | {binding.description} | {binding.id or ''} |")
        return "\n".join(rows) + "\n\nPress **Esc** to close."

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def _bindings_of(node: DOMNode) -> list[Binding]:
    return [b for b in type(node).BINDINGS if isinstance(b, Binding)]
