"""Over a lesson's exercises: one mark per exercise (solved or not), the one on screen highlighted; a
click on a number goes to that exercise."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget


class ExerciseList(Widget):
    """``show`` hands it the exercise count, the one on screen and the solved ones (0-based)."""

    DEFAULT_CSS = "ExerciseList { height: auto; padding: 0 1; color: $text-muted; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = 0
        self.current = 0
        self.solved: frozenset[int] = frozenset()

    def show(self, count: int, current: int, solved: frozenset[int]) -> None:
        if (count, current, solved) != (self.count, self.current, self.solved):
            self.count, self.current, self.solved = count, current, solved
            self.refresh(layout=True)

    def render(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = [
            f"Exercises ({len(self.solved)}/{self.count} solved): "
        ]
        for index in range(self.count):
            mark = "✓" if index in self.solved else "·"
            text = f"{mark}{index + 1}"
            if index == self.current:
                parts.append((f"[{text}]", "bold $text"))
            else:
                parts.append(
                    Content.from_markup(f"[@click=screen.go_to_exercise({index})]$text[/]", text=text)
                )
            parts.append(" ")
        return Content.assemble(*parts)
