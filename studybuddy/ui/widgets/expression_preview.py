"""Under an answer box: the expression as typed, pretty-printed, or the input error with a caret."""

from __future__ import annotations

from textual.widgets import Static


class ExpressionPreview(Static):
    """Shows the result of a preview computed elsewhere (a worker); it never parses anything itself."""

    DEFAULT_CSS = "ExpressionPreview { height: auto; min-height: 1; }"

    def show_empty(self, hint: str) -> None:
        self.set_classes("-empty")
        self.update(hint)

    def show_pretty(self, pretty: str) -> None:
        self.set_classes("-ok")
        self.update(pretty)

    def show_error(self, pointer: str, message: str) -> None:
        """``pointer`` is the input with carets under the bad part (ExprError.pointer())."""
        self.set_classes("-error")
        self.update(f"{pointer}\n{message}")
