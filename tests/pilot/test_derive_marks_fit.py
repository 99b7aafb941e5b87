"""A derivation's margin shows each line's whole mark: the word for every diagnosis ("✗ listed",
"✗ factor") and the column of an unreadable line, never cut to "✗ liste" as it was at every width."""

from __future__ import annotations

import pytest
from pilot_support import synchronously
from textual.app import App, ComposeResult

from studybuddy.core.derivation.marks import DIAGNOSIS_KINDS, LineMark
from studybuddy.services.derivation_sheet import Row
from studybuddy.ui.widgets.derivation_pad import MarksGutter, row_label


class OneRowSheet:
    """What the gutter reads of a DerivationSheet: the row of a line."""

    def __init__(self, row: Row) -> None:
        self._row = row

    def row(self, index: int) -> Row:
        return self._row if index == 0 else Row("blank")


MARKS = [
    *(
        LineMark(None, 0, "x", "does-not-follow", diagnosis="?", diagnosis_kind=kind)
        for kind in DIAGNOSIS_KINDS
    ),
    LineMark(None, 0, "x" * 120, "invalid", detail="unexpected ')'", column=118),
    LineMark(None, 0, "x", "follows", strength="equal at 24 random points"),
    LineMark(None, 0, "x", "unknown", strength="time limit"),
]


class GutterApp(App[None]):
    def compose(self) -> ComposeResult:
        yield MarksGutter(id="gutter")


@pytest.mark.parametrize("mark", MARKS, ids=lambda mark: mark.diagnosis_kind or mark.verdict)
@synchronously
async def test_the_margin_shows_the_whole_mark(mark: LineMark) -> None:
    app = GutterApp()
    async with app.run_test(size=(80, 24)) as pilot:
        gutter = app.query_one(MarksGutter)
        gutter.sheet = OneRowSheet(Row("marked", mark, first_wrong=True))  # type: ignore[assignment]
        gutter.refresh()
        await pilot.pause()
        label, _ = row_label(Row("marked", mark))
        assert gutter.render_line(0).text.strip() == label
