"""Reading a lesson document's fields: a marked node of the YAML tree with its field path, read as
text, numbers, lists or mappings, and a LessonError with file:line:column and the field's path for
anything else (validate.py says which fields a lesson has; this says how one is read)."""

from __future__ import annotations

import difflib
import math
import re

from studybuddy.core.lessons.errors import LessonError, Location
from studybuddy.core.lessons.model import NumericValue, SourceText
from studybuddy.core.lessons.tree import Mark, MarkedList, MarkedMap, Node

# ASCII digits only: `\d` and str.isdigit also take other scripts' digits and superscripts (²), which
# int() refuses or reads as another number than the one shown.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}\Z")
# A numeric check passes when its relative error is below the tolerance; at 1e-2 and above a gradient
# is probably wrong (cs231n), and a factor-2 mistake has a relative error of 0.5.
MAX_TOLERANCE = 1e-2


class FieldReader:
    """A marked node with its field path, and the error helpers validation needs.

    The ``*_of`` helpers read a field of a mapping without building a reader for it: a library is
    validated at every cold start, so the common case (the field is there and well formed) is kept
    short, and anything else goes through the general methods, which say what is wrong.
    """

    __slots__ = ("mark", "node", "path", "source")

    def __init__(self, node: Node, mark: Mark, path: str, source: str) -> None:
        self.node = node
        self.mark = mark
        self.path = path
        self.source = source

    def error(self, message: str, mark: Mark | None = None, path: str | None = None) -> LessonError:
        mark = mark or self.mark
        return LessonError(
            message,
            location=Location(self.source, mark.line, mark.column),
            path=self.path if path is None else path,
        )

    def location(self) -> Location:
        return Location(self.source, self.mark.line, self.mark.column)

    # --- shape -------------------------------------------------------------------------------------
    def mapping(self, allowed: tuple[str, ...], what: str) -> MarkedMap:
        if not isinstance(self.node, MarkedMap):
            raise self.error(f"expected {what} (fields written as 'name: value'), found {kind_of(self.node)}")
        for key in self.node:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; the fields are: {', '.join(allowed)}"
                raise self.error(f"unknown field '{key}'{hint}", self.node.key_marks[key], self._sub(key))
        return self.node

    def items(self, what: str, *, minimum: int = 0) -> list[FieldReader]:
        if self.node == "":  # `tags:` written with nothing after it
            items: list[FieldReader] = []
        elif not isinstance(self.node, MarkedList):
            raise self.error(f"expected a list of {what}, found {kind_of(self.node)}")
        else:
            items = [
                FieldReader(item, mark, f"{self.path}[{index}]", self.source)
                for index, (item, mark) in enumerate(zip(self.node, self.node.item_marks, strict=True))
            ]
        if len(items) < minimum:
            raise self.error(f"needs at least {minimum} {what}, found {len(items)}")
        return items

    def entries(self, what: str) -> list[tuple[str, Mark, FieldReader]]:
        """The (key, key mark, value) entries of a mapping of free names, e.g. ``symbols``."""
        if not isinstance(self.node, MarkedMap):
            raise self.error(f"expected {what} written as 'name: value', found {kind_of(self.node)}")
        return [
            (
                key,
                self.node.key_marks[key],
                FieldReader(value, self.node.value_marks[key], self._sub(key), self.source),
            )
            for key, value in self.node.items()
        ]

    def field(self, key: str) -> FieldReader | None:
        assert isinstance(self.node, MarkedMap)
        if key not in self.node:
            return None
        return FieldReader(self.node[key], self.node.value_marks[key], self._sub(key), self.source)

    def required(self, key: str) -> FieldReader:
        found = self.field(key)
        if found is None:
            raise self.error("this field is required but missing", path=self._sub(key))
        return found

    def _sub(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    # --- fields of a mapping, the common case first --------------------------------------------------
    def text_of(self, key: str) -> str:
        """``required(key).text()``."""
        value = self.node.get(key)  # type: ignore[union-attr]  # a mapping, checked by mapping()
        if type(value) is str and value.strip():
            return value
        return self.required(key).text()

    def source_text_of(self, key: str) -> SourceText:
        """``required(key).source_text()``."""
        node = self.node
        value = node.get(key)  # type: ignore[union-attr]
        if type(value) is str and value.strip():
            mark = node.value_marks[key]  # type: ignore[union-attr]
            location = Location(self.source, mark.line, mark.column)
            return SourceText(value, location, self._sub(key), mark.text_column)
        return self.required(key).source_text()

    def matching_of(self, key: str, pattern: re.Pattern[str], rule: str) -> str:
        """``required(key).matching(pattern, rule)``."""
        value = self.node.get(key)  # type: ignore[union-attr]
        if type(value) is str and pattern.match(value):
            return value
        return self.required(key).matching(pattern, rule)

    def texts_of(self, key: str, what: str, *, minimum: int = 0, required: bool = True) -> tuple[str, ...]:
        """The texts of the list field ``key`` (a missing optional field is an empty list)."""
        value = self.node.get(key)  # type: ignore[union-attr]
        if (
            type(value) is MarkedList
            and len(value) >= minimum
            and all(type(item) is str and item.strip() for item in value)
        ):
            return tuple(value)  # type: ignore[arg-type]  # every item is a str, checked just above
        found = self.required(key) if required else self.field(key)
        return () if found is None else tuple(item.text() for item in found.items(what, minimum=minimum))

    # --- scalars -----------------------------------------------------------------------------------
    def text(self, *, allow_empty: bool = False) -> str:
        if not isinstance(self.node, str):
            raise self.error(f"expected text, found {kind_of(self.node)}")
        if not allow_empty and not self.node.strip():
            raise self.error("is empty")
        return self.node

    def source_text(self) -> SourceText:
        text = self.text()
        return SourceText(text, self.location(), self.path, self.mark.text_column)

    def matching(self, pattern: re.Pattern[str], rule: str) -> str:
        text = self.text()
        if not pattern.match(text):
            raise self.error(f"{quoted(text)} is not a valid id: {rule}")
        return text

    def number(self) -> float:
        text = self.text()
        if not NUMBER.match(text.strip()):
            raise self.error(f"{quoted(text)} is not a number (write e.g. 0.5, -2 or 1e-6)")
        value = float(text)
        if not math.isfinite(value):
            raise self.error(f"{quoted(text)} is too large to be a number here (it reads as infinity)")
        return value

    def tolerance(self) -> float:
        """A numeric check's ``tolerance``: a relative error, above 0 and at most MAX_TOLERANCE."""
        value = self.number()
        if not 0 < value <= MAX_TOLERANCE:
            why = "no result could pass" if value <= 0 else "a larger one lets a wrong result pass"
            raise self.error(
                f"a tolerance is a relative error above 0 and at most {MAX_TOLERANCE:g}, not "
                f"{quoted(self.text())}: {why}"
            )
        return value

    def whole_number(self, what: str) -> int:
        """A whole number written with the digits 0-9: ``²`` or ``①`` pass str.isdigit() but not int(),
        and int() refuses over 4,300 digits. ``what`` completes "'²' is not ..." when it is not one."""
        text = self.text().strip()
        if not WHOLE_NUMBER.match(text):
            raise self.error(f"{quoted(text)} is not {what}")
        return int(text)

    def numeric_value(self) -> NumericValue:
        if isinstance(self.node, MarkedList):
            return tuple(item.numeric_value() for item in self.items("numbers", minimum=1))
        return self.number()


def kind_of(node: Node) -> str:
    if isinstance(node, MarkedMap):
        return "a mapping"
    if isinstance(node, MarkedList):
        return "a list"
    return f"the text {quoted(node)}" if node else "nothing"


def quoted(text: str, limit: int = 60) -> str:
    """``text`` in quotes for a message, cut short: an error quotes what it refuses, not a whole file."""
    return f"'{text}'" if len(text) <= limit else f"'{text[: limit - 1]}…'"
