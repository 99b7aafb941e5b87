"""One derivation step: the pretty-printed expression, the reason in words, and whether it was checked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

# mark -> (what the head says, its css class); None: the worker has not answered yet
MARKS = {
    None: ("… checking", "step-unchecked"),
    "start": ("· starting point", "step-unchecked"),
    "checked": ("✓ checked by SymPy", "step-checked"),
    "failed": ("✗ does not follow", "step-failed"),
    "unknown": ("? could not be checked in time", "step-failed"),
}


class StepView(Vertical):
    """Shows the raw text until the math engine has pretty-printed it, and the mark once it is known."""

    DEFAULT_CSS = "StepView { height: auto; }"

    def __init__(self, number: int, text: str, reason: str, mark: str | None) -> None:
        super().__init__(classes="step")
        self.number = number
        self.text = text
        self.reason = reason
        self.mark = mark

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-head", markup=False)
        yield Static(self.text, classes="step-expr", markup=False)
        yield Static(self.reason, classes="step-reason", markup=False)

    def on_mount(self) -> None:
        self.show_mark(self.mark)

    def show_pretty(self, pretty: str) -> None:
        self.text = pretty
        for expr in self.query(".step-expr").results(Static):  # none yet: compose() uses self.text
            expr.update(pretty)

    def show_mark(self, mark: str | None) -> None:
        self.mark = mark
        words, css_class = MARKS.get(mark, MARKS["unknown"])
        for head in self.query(".step-head").results(Static):  # none yet: on_mount shows it
            head.set_classes(f"step-head {css_class}")
            head.update(f"Step {self.number}  {words}", layout=False)  # one line before and after
