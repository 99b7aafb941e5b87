"""The document tree a lesson file loads into: plain dicts, lists and strings that remember where
each node was written, so validation can point at the file, line and column of a mistake.

Every scalar is a ``str`` exactly as written (YAML's ``no``, ``010`` and ``12:30`` are not converted).
"""

from __future__ import annotations

from typing import NamedTuple


class Mark(NamedTuple):
    """Where a node starts (1-based line and column).

    ``text_column`` is set for a scalar written on one line whose characters map one to one onto
    columns (plain, or quoted without escapes): character ``i`` of the text is at ``text_column + i``.
    """

    line: int
    column: int
    text_column: int | None = None


class MarkedMap(dict[str, "Node"]):
    """A YAML mapping with the position of itself, each key and each value."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class MarkedList(list["Node"]):
    """A YAML sequence with the position of itself and each item."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


Node = MarkedMap | MarkedList | str
