"""Unicode clean-up: turn what people type (−, ×, x², full-width digits) into plain ASCII-ish math.

The result keeps, for every character, the index of the typed character it came from, so errors found
later point at what the person actually typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from studybuddy.core.mathexpr.errors import ExprError

# Look-alikes NFKC leaves alone (or maps to something unhelpful).
_REPLACEMENTS: dict[str, str] = {
    "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u00d7": "*", "\u2715": "*", "\u2a2f": "*", "\u00b7": "*", "\u22c5": "*", "\u2219": "*",
    "\u2022": "*", "\u2217": "*",
    "\u00f7": "/", "\u2215": "/", "\u2044": "/",
    "\u221e": "oo", "\u2265": ">=", "\u2264": "<=",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\t": " ", "\n": " ", "\r": " ",
}  # fmt: skip

_SUPERSCRIPTS: dict[str, str] = {
    "\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4", "\u2075": "5",
    "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u207b": "-", "\u207a": "+",
}  # fmt: skip
_SUPERSCRIPT_T = "\u1d40"  # ᵀ: transpose

_SUBSCRIPTS = {chr(0x2080 + d): str(d) for d in range(10)}

# Characters with no visible width that could hide text or reorder it on screen.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


@dataclass(frozen=True)
class Normalized:
    """Normalised text and, per character, the index of the typed character it came from."""

    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries; the last is len(typed text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The typed span [start, end) of normalised characters came from."""
        if start >= len(self.text):
            last = self.origin[-1]
            return last, last + 1
        first = self.origin[start]
        last = self.origin[max(start, end - 1)] + 1
        return first, max(first + 1, last)


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for the tokenizer; ExprError on invisible or control characters."""
    if text.isascii() and text.isprintable():  # the common case: nothing to replace or refuse
        return Normalized(text, tuple(range(len(text) + 1)))
    out: list[str] = []
    origin: list[int] = []

    def emit(piece: str, index: int) -> None:
        out.append(piece)
        origin.extend([index] * len(piece))

    index = 0
    while index < len(text):
        ch = text[index]
        if ch in _SUPERSCRIPTS:
            # A run of superscripts is one exponent: x⁻¹² -> x^(-12).
            end = index
            while end < len(text) and text[end] in _SUPERSCRIPTS:
                end += 1
            emit("^(", index)
            for position in range(index, end):
                emit(_SUPERSCRIPTS[text[position]], position)
            emit(")", end - 1)
            index = end
            continue
        if ch == _SUPERSCRIPT_T:
            emit("^T", index)
        elif ch in _SUBSCRIPTS:
            previous_is_subscript = index > 0 and text[index - 1] in _SUBSCRIPTS
            emit(_SUBSCRIPTS[ch] if previous_is_subscript else "_" + _SUBSCRIPTS[ch], index)
        elif ch in _REPLACEMENTS:
            emit(_REPLACEMENTS[ch], index)
        elif unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            code = f"U+{ord(ch):04X}"
            label = unicodedata.name(ch, "control character")
            raise ExprError(f"invisible character {code} ({label}) is not allowed", text, index, index + 1)
        elif ch.isascii():
            emit(ch, index)
        else:
            emit(unicodedata.normalize("NFKC", ch), index)
        index += 1
    origin.append(len(text))
    return Normalized("".join(out), tuple(origin))
