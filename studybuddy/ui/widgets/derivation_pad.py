"""A page to write a derivation on, each line marked in the margin as the learner finishes it.

The lines are a TextArea (no soft wrap: one row a line); the margin beside it shows each line's mark,
row for row, scrolled with the text: ✓ follows, ✗ does not follow, ! cannot be read, ? undecided,
• a starting point or definition, … waiting for its mark. Under them, the first wrong line with its
diagnosis, and what the line the cursor is on was read as.

Typing never waits: ``services.derivation_sheet.DerivationSheet`` decides which finished line to mark
next and whether a mark that comes back still answers its line; one worker thread at a time asks the
grading worker for one line's mark and posts it back here.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static, TextArea

from studybuddy.core.derivation.marks import LineMark
from studybuddy.core.errors import StudybuddyError
from studybuddy.services.derivation_sheet import DerivationSheet, MarkRequest, MarkResult, Row

GUTTER_WIDTH = 12  # the border (2) and " ✗ factor" or " ! col 118" (10)
_DIAGNOSIS_WORDS = {
    "sign": "sign",
    "constant-factor": "factor",
    "missing-chain-factor": "chain",
    "dropped-term": "term",
    "wrong-derivative-rule": "rule",
    "listed-mistake": "listed",
}


def row_label(row: Row) -> tuple[str, str]:
    """(what the margin shows for a line, its component class)."""
    if row.state == "blank":
        return "", "marks-gutter--blank"
    if row.state == "writing":
        return "", "marks-gutter--blank"
    if row.state == "waiting" or row.mark is None:
        return "…", "marks-gutter--waiting"
    mark = row.mark
    wrong = "marks-gutter--first-wrong" if row.first_wrong else "marks-gutter--wrong"
    if mark.verdict == "follows":
        return ("✓" if mark.strength == "proved equal" else "✓ ≈"), "marks-gutter--follows"
    if mark.verdict == "start":
        return "•", "marks-gutter--start"
    if mark.verdict == "does-not-follow":
        word = _DIAGNOSIS_WORDS.get(mark.diagnosis_kind or "", "")
        return f"✗ {word}".rstrip(), wrong
    if mark.verdict == "invalid":
        return (f"! col {mark.column}" if mark.column else "!"), wrong
    return "? time" if mark.strength == "time limit" else "?", "marks-gutter--unknown"


def describe_mark(mark: LineMark) -> str:
    """A mark in words, for the panel under the lines."""
    line = f"Line {mark.index + 1}"
    if mark.verdict == "follows":
        return f"{line} ✓ {mark.detail}"
    if mark.verdict == "start":
        return f"{line} • {mark.detail or mark.understood}"
    if mark.verdict == "does-not-follow":
        said = f"{line} ✗ {mark.detail}"
        return f"{said}\n  {mark.diagnosis}" if mark.diagnosis else said
    if mark.verdict == "invalid":
        understood = f" (read as {mark.understood})" if mark.understood else ""
        return f"{line} ! {mark.detail}{understood}"
    return f"{line} ? {mark.detail}"


class MarksGutter(Widget):
    """The margin: one row per line of the TextArea beside it, at the same scroll position."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "marks-gutter--blank",
        "marks-gutter--waiting",
        "marks-gutter--follows",
        "marks-gutter--start",
        "marks-gutter--wrong",
        "marks-gutter--first-wrong",
        "marks-gutter--unknown",
    }
    DEFAULT_CSS = f"""
    MarksGutter {{ width: {GUTTER_WIDTH}; height: 1fr; border: tall $background; }}
    MarksGutter > .marks-gutter--waiting {{ color: $text-muted; }}
    MarksGutter > .marks-gutter--follows {{ color: $success; }}
    MarksGutter > .marks-gutter--start {{ color: $text-muted; }}
    MarksGutter > .marks-gutter--wrong {{ color: $warning; }}
    MarksGutter > .marks-gutter--first-wrong {{ color: $error; text-style: bold reverse; }}
    MarksGutter > .marks-gutter--unknown {{ color: $warning; }}
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sheet: DerivationSheet | None = None
        self.top = 0  # the first line the TextArea shows

    def label(self, row_index: int) -> str:
        """What the margin shows beside line ``row_index`` (0-based): for a test or a reader."""
        if self.sheet is None:
            return ""
        return row_label(self.sheet.row(row_index))[0]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self.sheet is None:
            return Strip.blank(width)
        text, component = row_label(self.sheet.row(self.top + y))
        style = self.get_component_rich_style(component)
        return Strip([Segment(f" {text}".ljust(width)[:width], style)], width)


class DerivationPad(Widget):
    """The lines, their margin and the panel under them, for one DerivationSheet at a time."""

    DEFAULT_CSS = """
    DerivationPad { height: 1fr; min-height: 10; }
    DerivationPad > Horizontal { height: 1fr; min-height: 6; }
    DerivationPad > Horizontal > TextArea { width: 1fr; height: 1fr; }
    DerivationPad > #derive-detail-box { height: auto; max-height: 4; }
    DerivationPad #derive-detail { height: auto; padding: 0 1; }
    DerivationPad #derive-detail.-wrong { color: $warning; }
    """

    class Marked(Message):
        def __init__(self, result: MarkResult) -> None:
            super().__init__()
            self.result = result

    class Failed(Message):
        def __init__(self, sheet: str, error: str) -> None:
            super().__init__()
            self.sheet = sheet
            self.error = error

    class Changed(Message):
        """The sheet's marks or lines changed (the host may show more, as the exercise's state)."""

        def __init__(self, pad: DerivationPad) -> None:
            super().__init__()
            self.pad = pad

    def __init__(self, sheet: DerivationSheet, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.sheet = sheet
        self.placeholder = placeholder
        self._marking_failed = False  # the grader failed: no more requests until the next edit

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield TextArea(
                "",
                id="derive-lines",
                soft_wrap=False,
                show_line_numbers=True,
                tab_behavior="focus",
                placeholder=self.placeholder,
            )
            yield MarksGutter(id="derive-gutter")
        with VerticalScroll(id="derive-detail-box"):
            yield Static("", id="derive-detail", markup=False)

    def on_mount(self) -> None:
        area = self.query_one("#derive-lines", TextArea)
        self.marks_margin.sheet = self.sheet
        self.watch(area, "scroll_y", self._scrolled, init=False)
        self._show()

    @property
    def marks_margin(self) -> MarksGutter:
        return self.query_one("#derive-gutter", MarksGutter)

    @property
    def area(self) -> TextArea:
        return self.query_one("#derive-lines", TextArea)

    # ---- what the host does ------------------------------------------------------------------------

    def use(self, sheet: DerivationSheet, text: str | None = None) -> None:
        """Write on ``sheet`` from now on: its context may differ (new symbols, an exercise's setup
        that arrived), so every line is marked again. ``text``: what to put on the page (None: keep)."""
        self.sheet = sheet
        self.marks_margin.sheet = sheet
        self._marking_failed = False
        area = self.area
        if text is not None:
            with area.prevent(TextArea.Changed):
                area.load_text(text)
        sheet.edit(area.text, area.cursor_location[0])
        self._pump()
        self._show()

    def check_all(self) -> None:
        """Mark the line being written too."""
        self.sheet.check_all()
        self._marking_failed = False
        self._pump()
        self._show()

    def focus_lines(self) -> None:
        self.area.focus()

    # ---- typing ------------------------------------------------------------------------------------

    @on(TextArea.Changed, "#derive-lines")
    def _edited(self, event: TextArea.Changed) -> None:
        event.stop()
        self.sheet.edit(event.text_area.text, event.text_area.cursor_location[0])
        self._marking_failed = False
        self._pump()
        self._show()

    @on(TextArea.SelectionChanged, "#derive-lines")
    def _moved(self, event: TextArea.SelectionChanged) -> None:
        event.stop()
        before = self.sheet.writing
        self.sheet.move(event.selection.end[0])
        if self.sheet.writing != before:  # a line was finished
            self._pump()
        self._show()

    def _scrolled(self, scroll_y: float) -> None:
        self.marks_margin.top = int(scroll_y)
        self.marks_margin.refresh()

    # ---- marking -----------------------------------------------------------------------------------

    def _pump(self) -> None:
        if self._marking_failed:
            return
        request = self.sheet.next_request()
        if request is not None:
            self._mark(self.sheet, request)

    @work(thread=True, group="derive-marks")  # one at a time: the sheet gives the next when this is in
    def _mark(self, sheet: DerivationSheet, request: MarkRequest) -> None:
        try:
            self.post_message(self.Marked(sheet.mark(request)))
        except (StudybuddyError, OSError) as error:
            self.post_message(self.Failed(request.sheet, str(error)))

    @on(Marked)
    def _marked(self, message: Marked) -> None:
        message.stop()
        self.sheet.apply(message.result)  # a stale mark is dropped there, and its line asked again
        self._pump()
        self._show()

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        message.stop()
        if message.sheet != self.sheet.id:
            return
        self.sheet.abandon()
        self._marking_failed = True
        self.notify(f"Lines cannot be marked: {message.error}", severity="error", markup=False)
        self._show()

    # ---- showing -----------------------------------------------------------------------------------

    def _show(self) -> None:
        self.marks_margin.refresh()
        detail = self.query_one("#derive-detail", Static)
        text, wrong = self.detail_text()
        detail.update(text)
        detail.set_class(wrong, "-wrong")
        self.post_message(self.Changed(self))

    def detail_text(self) -> tuple[str, bool]:
        """What the panel says: the first wrong line with its diagnosis, then the cursor's line."""
        sheet = self.sheet
        said = []
        first = sheet.first_wrong()
        if first is not None:
            said.append(describe_mark(first))
        cursor = self.area.cursor_location[0] if self.is_mounted else 0
        row = sheet.row(cursor)
        if row.mark is not None and row.mark is not first and row.state == "marked":
            said.append(describe_mark(row.mark))
        waiting = sheet.waiting()
        if sheet.derivations is None:
            said.append("Marking starts when the math engine is ready…")
        elif waiting:
            said.append(f"Marking… {waiting} line{'s' if waiting > 1 else ''} to go.")
        elif not said:
            marks = sheet.marks()
            holding = sum(mark.verdict in ("start", "follows") for mark in marks)
            if marks and holding == len(marks):
                said.append(f"{len(marks)} line{'s' if len(marks) > 1 else ''} marked: each holds.")
            elif marks:
                said.append(f"{holding} of {len(marks)} lines marked hold; the others could not be decided.")
            else:
                said.append("Each line is marked when you press Enter or move to another line.")
        return "\n".join(said), first is not None
