"""Study minutes per day for the past year, GitHub-style: weeks as columns, weekdays as rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from rich.text import Text
from textual.widget import Widget

LEVEL_MINUTES = (1, 30, 60, 120)  # thresholds for levels 1..4; 0 minutes is level 0
WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def level_of(minutes: int) -> int:
    return sum(1 for threshold in LEVEL_MINUTES if minutes >= threshold)


def year_grid(today: date, weeks: int) -> list[list[date | None]]:
    """Rows Monday..Sunday, columns oldest week..this week; days after today are None."""
    last_monday = today - timedelta(days=today.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    grid: list[list[date | None]] = []
    for weekday in range(7):
        row: list[date | None] = []
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            row.append(day if day <= today else None)
        grid.append(row)
    return grid


class Heatmap(Widget):
    """Fits its width: as many past weeks as there are columns (up to 53)."""

    COMPONENT_CLASSES = {f"heatmap--level-{n}" for n in range(5)} | {"heatmap--label"}
    DEFAULT_CSS = "Heatmap { height: 9; }"

    def __init__(self, minutes_by_day: Mapping[date, int], today: date, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.minutes_by_day = dict(minutes_by_day)
        self.today = today

    def update_data(self, minutes_by_day: Mapping[date, int], today: date) -> None:
        self.minutes_by_day = dict(minutes_by_day)
        self.today = today
        self.refresh()

    def render(self) -> Text:
        weeks = max(4, min(53, (self.size.width - 4) // 1))
        label_style = self.get_component_rich_style("heatmap--label")
        styles = [self.get_component_rich_style(f"heatmap--level-{n}") for n in range(5)]
        text = Text()
        months = Text("    ")
        grid = year_grid(self.today, weeks)
        previous_month = None
        for week in range(weeks):
            first = grid[0][week] or grid[0][week - 1]
            month = first.month if first else None
            if month != previous_month and first is not None and first.day <= 7:
                months.append(first.strftime("%b")[:1], label_style)
            else:
                months.append(" ")
            previous_month = month
        text.append_text(months)
        text.append("\n")
        for weekday, row in enumerate(grid):
            text.append(f"{WEEKDAY_LABELS[weekday]:<4}", label_style)
            for day in row:
                if day is None:
                    text.append(" ")
                else:
                    text.append("■", styles[level_of(self.minutes_by_day.get(day, 0))])
            text.append("\n")
        text.append("    less ", label_style)
        for style in styles:
            text.append("■", style)
        text.append(" more", label_style)
        return text
