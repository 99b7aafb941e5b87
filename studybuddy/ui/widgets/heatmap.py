"""Study minutes per day for the past year, GitHub-style: weeks as columns, weekdays as rows.

The calendar and its levels are ``core.stats.heatmap``'s, the same that ``studybuddy stats`` draws;
this widget only fits it to its width and colours it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from studybuddy.core.stats import heatmap

WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


class Heatmap(Widget):
    """Fits its width: as many past weeks as there are columns (up to 53). A click on a day says
    which (DayChosen): the progress screen opens its diary entry."""

    class DayChosen(Message):
        def __init__(self, day: date) -> None:
            super().__init__()
            self.day = day

    COMPONENT_CLASSES = {f"heatmap--level-{n}" for n in range(5)} | {"heatmap--label"}
    DEFAULT_CSS = "Heatmap { height: 9; }"

    def __init__(self, minutes_by_day: Mapping[date, int], today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.minutes_by_day = dict(minutes_by_day)
        self.today = today

    def update_data(self, minutes_by_day: Mapping[date, int], today: date) -> None:
        self.minutes_by_day = dict(minutes_by_day)
        self.today = today
        self.refresh()

    def _first_monday(self) -> tuple[date, int]:
        """The first column's Monday, and the number of weeks shown."""
        weeks = max(4, min(53, self.size.width - 4))
        this_monday = self.today - timedelta(days=self.today.weekday())
        return this_monday - timedelta(weeks=weeks - 1), weeks

    def day_at(self, x: int, y: int) -> date | None:
        """The day drawn at ``x``, ``y`` (None: a label, or after today). Row 0 holds the months,
        rows 1-7 the weekdays; four columns of labels, then one per week."""
        first_monday, weeks = self._first_monday()
        if not 1 <= y <= 7 or not 4 <= x < 4 + weeks:
            return None
        day = first_monday + timedelta(weeks=x - 4, days=y - 1)
        return day if day <= self.today else None

    def on_click(self, event: events.Click) -> None:
        day = self.day_at(event.x, event.y)
        if day is not None:
            self.post_message(self.DayChosen(day))

    def render(self) -> Text:
        first_monday, _ = self._first_monday()
        calendar = heatmap(self.minutes_by_day, first_monday, self.today)
        label_style = self.get_component_rich_style("heatmap--label")
        styles = [self.get_component_rich_style(f"heatmap--level-{n}") for n in range(5)]
        text = Text()
        months = Text("    ")
        previous_month = None
        for monday in calendar.column_starts():  # a month's initial over its first Monday
            if monday.month != previous_month and monday.day <= 7:
                months.append(monday.strftime("%b")[:1], label_style)
            else:
                months.append(" ")
            previous_month = monday.month
        text.append_text(months)
        text.append("\n")
        for weekday, row in enumerate(calendar.rows):
            text.append(f"{WEEKDAY_LABELS[weekday]:<4}", label_style)
            for cell in row:
                if cell is None:  # after today
                    text.append(" ")
                else:
                    text.append("■", styles[cell.level])
            text.append("\n")
        text.append("    less ", label_style)
        for style in styles:
            text.append("■", style)
        text.append(" more", label_style)
        return text
