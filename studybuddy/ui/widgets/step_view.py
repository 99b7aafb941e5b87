"""One derivation step: the pretty-printed expression, the reason in words, and whether it was checked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class StepView(Vertical):
    DEFAULT_CSS = "StepView { height: auto; }"

    def __init__(self, number: int, pretty: str, reason: str, checked: bool | None) -> None:
        super().__init__(classes="step")
        self.number = number
        self.pretty = pretty
        self.reason = reason
        self.checked = checked

    def compose(self) -> ComposeResult:
        if self.checked is None:
            mark, mark_class = "· starting point", "step-unchecked"
        elif self.checked:
            mark, mark_class = "✓ checked by SymPy", "step-checked"
        else:
            mark, mark_class = "✗ does not follow", "step-failed"
        yield Static(f"Step {self.number}  {mark}", classes=f"step-head {mark_class}", markup=False)
        yield Static(self.pretty, classes="step-expr", markup=False)
        yield Static(self.reason, classes="step-reason", markup=False)
