"""The scratchpad: "is my algebra right?" for a whole page. Declare symbols, write any derivation, and
each line is marked as it is finished (the same marks as ``studybuddy derive``).

F12 or the command palette opens it from any screen; Escape goes back. What the declarations mean is
``services.scratchpad``'s; the page is a DerivationPad (widgets/derivation_pad.py).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from studybuddy.core.errors import StudybuddyError
from studybuddy.services.derivation import DerivationService
from studybuddy.services.derivation_sheet import DerivationSheet
from studybuddy.services.scratchpad import SYMBOLS_HELP, scratch_context
from studybuddy.ui.screens.base import SectionScreen
from studybuddy.ui.study_app import study_app
from studybuddy.ui.widgets.derivation_pad import DerivationPad

PLACEHOLDER = "Any derivation, one step a line: f = x^2 sin(x), then d/dx: 2x sin(x) + x^2 cos(x)"


class ScratchpadScreen(SectionScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="scratchpad.back"),
    ]
    DEFAULT_CSS = """
    ScratchpadScreen > #scratch-body { height: 1fr; padding: 0 1; }
    ScratchpadScreen #scratch-symbols { margin: 0; }
    ScratchpadScreen #scratch-symbols-said { height: auto; color: $text-muted; padding: 0 1; }
    ScratchpadScreen #scratch-symbols-said.-wrong { color: $error; }
    """

    def compose_body(self) -> ComposeResult:
        with Vertical(id="scratch-body"):
            yield Static("Scratchpad: is my algebra right?", classes="page-title", markup=False)
            yield Input(placeholder="Symbols (optional): x, p:probability, n:integer", id="scratch-symbols")
            yield Static(SYMBOLS_HELP, id="scratch-symbols-said", markup=False)
            yield DerivationPad(self._sheet(""), placeholder=PLACEHOLDER, id="scratch-pad")

    def on_mount(self) -> None:
        self.query_one(DerivationPad).focus_lines()

    def _sheet(self, declarations: str) -> DerivationSheet:
        context, _ = scratch_context(declarations)
        return DerivationSheet(self._derivations(), context, "scratchpad")

    def _derivations(self) -> DerivationService | None:
        try:
            return DerivationService(study_app(self).context.grading)
        except StudybuddyError as error:  # the grader cannot start: the page still takes notes
            self.notify(f"Lines cannot be marked: {error}", severity="error", markup=False)
            return None

    @on(Input.Changed, "#scratch-symbols")
    def _declared(self, event: Input.Changed) -> None:
        """New symbols: every line is read (and marked) again with them."""
        context, problem = scratch_context(event.value)
        said = self.query_one("#scratch-symbols-said", Static)
        said.update(problem or SYMBOLS_HELP)
        said.set_class(problem is not None, "-wrong")
        self.query_one(DerivationPad).use(DerivationSheet(self._derivations(), context, "scratchpad"))

    @on(Input.Submitted, "#scratch-symbols")
    def _declared_done(self) -> None:
        self.query_one(DerivationPad).focus_lines()

    def action_back(self) -> None:
        self.app.pop_screen()
