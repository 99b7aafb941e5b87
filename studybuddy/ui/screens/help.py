"""Every key the app answers to, read from the live bindings (so remapped keys show as remapped)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from studybuddy.ui.key_hints import key_hint, key_name

INTRO = """\
# studybuddy

Study in one-hour sessions: pick a lesson, step through its derivation, answer its exercises,
then write down what you learned in the diary.

- **{palette}** opens the command palette: every action, every lesson, every diary day.
- **{quit}** quits. A running session keeps counting and is there when you come back.
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
        palette = key_name(self.app.COMMAND_PALETTE_BINDING)
        intro = INTRO.format(palette=palette, quit=self._quit_key())
        close = key_hint(self, "help.close")
        about = f"{self.below.HELP}\n\n" if self.below.HELP else ""
        # The screen's own keys first, where the eyes land: what the learner asked about.
        own, *others = key_tables(self.below) or [""]
        text = "\n\n".join([own, about + intro, *others, f"Press **{close}** to close."])
        with VerticalScroll(classes="dialog dialog-wide", id="help"):
            yield Markdown(text)

    def _quit_key(self) -> str:
        """Textual's own quit binding has no id (it cannot be remapped in [keys]), so found by action."""
        keys = [key for key, active in self.active_bindings.items() if active.binding.action == "quit"]
        return key_name(keys[0]) if keys else "ctrl+q"

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def key_table(screen: Screen[object]) -> str:
    return "\n\n".join(key_tables(screen))


def key_tables(screen: Screen[object]) -> list[str]:
    """The keys active on ``screen`` as the user's keymap binds them, one row per action, its keys
    joined: the screen's own first (what this screen is for: an exercise's Hint, Next, Previous...),
    then the app's, then those of the focused widget and its containers (a text box's thirty editing
    keys last, under their own heading)."""
    rows: dict[tuple[int, str, str, str], list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.description:
            ours = active.node is screen and binding.id  # Textual's own (tab: focus next) have no id
            rank = 0 if ours else 1 if active.node in (screen, screen.app) else 2
            keys = rows.setdefault((rank, binding.description, binding.action, binding.id or ""), [])
            display = screen.app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
    tables = []
    for rank, heading in ((0, "Keys on this screen"), (1, "Everywhere"), (2, "In the focused box or list")):
        lines = [
            f"| {', '.join(keys)} | {what} | {key_id} |"
            for (row_rank, what, _, key_id), keys in rows.items()
            if row_rank == rank
        ]
        if lines:
            tables.append(f"### {heading}\n\n| key | what | id |\n| --- | --- | --- |\n" + "\n".join(lines))
    return tables
