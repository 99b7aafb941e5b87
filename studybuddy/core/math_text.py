"""LaTeX math in a diary entry shown as Unicode: ``$\\frac{\\partial L}{\\partial z_1}$`` reads ``∂L/∂z₁``.

``math_as_unicode`` rewrites the ``$...$`` and ``$$...$$`` of a Markdown text for the app's preview
(the file itself is never changed). A formula is read by a small parser of its own: commands are
looked up whole in unicodeit's table of 4,000 LaTeX symbols (unicodeit's own ``replace`` matches
prefixes, so ``\\log`` became ``łog``), sub- and superscripts become Unicode ones where every
character has one (``e^{-x}`` is ``e⁻ˣ``, else ``e^(zᵢ)``), ``\\frac``, ``\\sqrt``, ``\\mathrm``
and friends, ``\\log`` and the other function names, accents and spacing are handled here. A formula
that cannot be rendered well (an unknown command, an environment, ``predicted_probs`` where the
writer meant an underscore, not a subscript ``p``) is shown raw, as code, exactly as written.

Dollars follow Pandoc's rule: an opening ``$`` is followed by a non-space, a closing one follows a
non-space and is not followed by a digit, so "$5 and $10" is no formula; ``\\$`` is a dollar.
Nothing inside code (fenced blocks, inline code spans) is math.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TypeAlias

from studybuddy.core.markdown_fences import FenceTracker

_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1|`+")
_DISPLAY = re.compile(r"\$\$(?P<body>.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?P<body>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?![\d$])")
_TOKEN = re.compile(r"\\[A-Za-z]+\s*|\\.|[{}^_]|\s+|.", re.S)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")

MAX_FORMULA_CHARS = 2000  # longer is not one formula a learner wrote; shown raw
_FUNCTIONS = frozenset(
    [
        "arccos",
        "arcsin",
        "arctan",
        "arg",
        "cos",
        "cosh",
        "cot",
        "coth",
        "csc",
        "deg",
        "det",
        "dim",
        "exp",
        "gcd",
        "hom",
        "inf",
        "ker",
        "lg",
        "lim",
        "liminf",
        "limsup",
        "ln",
        "log",
        "max",
        "min",
        "Pr",
        "sec",
        "sin",
        "sinh",
        "sup",
        "tan",
        "tanh",
    ]
)
_TEXT_FONTS = frozenset(
    [
        "mathrm",
        "text",
        "textrm",
        "textnormal",
        "operatorname",
        "mathit",
        "textit",
        "mathbf",
        "textbf",
        "boldsymbol",
        "bm",
        "mathsf",
        "textsf",
        "mathtt",
        "texttt",
        "mbox",
    ]
)
_LETTER_FONTS = frozenset(("mathcal", "mathbb", "mathfrak", "mathscr"))
_FRACTIONS = frozenset(("frac", "dfrac", "tfrac", "cfrac"))
_SIZES = frozenset(
    [
        "left",
        "right",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "middle",
        "displaystyle",
    ]
)
_SPACES = {"quad": "  ", "qquad": "   ", ",": " ", ";": " ", ":": " ", " ": " ", "!": ""}
_ESCAPED = {"|": "‖", "{": "{", "}": "}", "_": "_", "%": "%", "$": "$", "&": "&", "#": "#"}
_PREFIXES = frozenset("∂∇∑∏∐∫∬∭∮¬√∛∜∆")  # written before their operand, with no space


class _Unrenderable(Exception):
    """The formula holds something the renderer cannot show well: it is shown raw."""


def math_as_unicode(markdown: str) -> str:
    """``markdown`` with each formula outside code shown as Unicode, or raw (as code) when it cannot be
    rendered well."""
    if "$" not in markdown:
        return markdown
    out: list[str] = []
    prose: list[str] = []
    fences = FenceTracker()
    for line in markdown.split("\n"):
        if not fences.is_code(line):
            prose.append(line)
            continue
        out.extend(_prose_with_math(prose))  # a $$ formula never spans a code block
        prose = []
        out.append(line)
    out.extend(_prose_with_math(prose))
    return "\n".join(out)


def _prose_with_math(lines: list[str]) -> list[str]:
    """Lines outside fences, their formulas rendered (a $$ formula may span lines)."""
    if not lines:
        return []
    text = "\n".join(lines)
    if "$" not in text:
        return lines
    pieces: list[str] = []
    position = 0
    for code in _CODE_SPAN.finditer(text):  # code spans are kept as written
        pieces.append(_formulas(text[position : code.start()]))
        pieces.append(code.group(0))
        position = code.end()
    pieces.append(_formulas(text[position:]))
    return "".join(pieces).split("\n")


def _formulas(text: str) -> str:
    if "$" not in text:
        return text
    text = _DISPLAY.sub(lambda match: _shown(match.group(0), match.group("body"), display=True), text)
    return _INLINE.sub(lambda match: _shown(match.group(0), match.group("body"), display=False), text)


def _shown(written: str, formula: str, *, display: bool) -> str:
    rendered = latex_to_unicode(" ".join(formula.split()) if display else formula)
    if rendered is None:
        return _as_code(written)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", rendered)


def _as_code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@lru_cache(maxsize=1024)
def latex_to_unicode(formula: str) -> str | None:
    """The formula (without its dollars) in Unicode; None when it cannot be rendered well."""
    if len(formula) > MAX_FORMULA_CHARS or not formula.strip():
        return None
    try:
        tokens = [match.group(0) for match in _TOKEN.finditer(formula.strip())]
        items, rest = _parse(tokens, 0, depth=0)
        if rest != len(tokens):  # a } without its {
            return None
        # NFC: y and a combining hat become ŷ, which every terminal font has.
        return unicodedata.normalize("NFC", _Renderer().sequence(items)).strip() or None
    except _Unrenderable:
        return None


# A parsed formula: a list of items, each a token (str) or a braced group (list).
_Item: TypeAlias = "str | list[_Item]"


def _parse(tokens: list[str], position: int, *, depth: int) -> tuple[list[_Item], int]:
    if depth > 50:
        raise _Unrenderable("nested too deep")
    items: list[_Item] = []
    while position < len(tokens):
        token = tokens[position]
        if token == "{":
            group, position = _parse(tokens, position + 1, depth=depth + 1)
            if position >= len(tokens) or tokens[position] != "}":
                raise _Unrenderable("a { without its }")
            items.append(group)
            position += 1
        elif token == "}":
            return items, position
        else:
            items.append(token)
            position += 1
    return items, position


class _Renderer:
    def __init__(self) -> None:
        self.symbols, self.sub, self.sup, self.accents = _tables()

    def sequence(self, items: list[_Item]) -> str:
        out: list[str] = []
        position = 0
        while position < len(items):
            text, position = self.item(items, position)
            out.append(text)
        return "".join(out)

    def argument(self, items: list[_Item], position: int) -> tuple[str, list[_Item], int]:
        """The next argument: its rendering, its items, and the position after it."""
        while position < len(items) and isinstance(items[position], str) and str(items[position]).isspace():
            position += 1
        if position >= len(items):
            raise _Unrenderable("a command without its argument")
        item = items[position]
        group: list[_Item] = item if isinstance(item, list) else [item]
        return self.sequence(group), group, position + 1

    def item(self, items: list[_Item], position: int) -> tuple[str, int]:
        item = items[position]
        if isinstance(item, list):
            return self.sequence(item), position + 1
        if item in ("^", "_"):
            return self.script(items, position)
        if item.isspace():
            return " ", position + 1
        if item == "&" or item == "\\\\":
            raise _Unrenderable("an alignment or a line break: a matrix or an environment")
        if not item.startswith("\\"):
            return item, position + 1
        name = item[1:].rstrip()
        if len(name) == 1 and not name.isalpha():
            if name in _SPACES:
                return _SPACES[name], position + 1
            if name in _ESCAPED:
                return _ESCAPED[name], position + 1
            raise _Unrenderable(f"\\{name}")
        return self.command(name, item, items, position + 1)

    def command(self, name: str, written: str, items: list[_Item], position: int) -> tuple[str, int]:
        if name in _FRACTIONS:
            top, _, position = self.argument(items, position)
            bottom, _, position = self.argument(items, position)
            fraction = f"{_wrapped(top)}/{_wrapped(bottom)}"
            # \frac{1}{m}\sum ...: (1/m)∑..., so what follows is not read as part of the denominator
            after = items[position] if position < len(items) else None
            joined = isinstance(after, list) or (
                isinstance(after, str)
                and (after[:1].isalnum() or (after.startswith("\\") and after[1:].rstrip() not in _SIZES))
            )
            return (f"({fraction})" if joined else fraction), position
        if name == "sqrt":
            if position < len(items) and items[position] == "[":
                raise _Unrenderable("a root of another degree")
            inside, _, position = self.argument(items, position)
            return f"√{_wrapped(inside)}", position
        if name in _TEXT_FONTS:
            inside, group, position = self.argument(items, position)
            if name == "operatorname" or name.startswith("text") or name == "mbox":
                inside = _plain_text(group) if all(isinstance(item, str) for item in group) else inside
            return inside, position
        if name in _LETTER_FONTS:
            inside, _, position = self.argument(items, position)
            styled = "".join(self.symbols.get(f"\\{name}{{{char}}}", char) for char in inside)
            return styled, position
        if name in _SIZES:
            return "", position
        if name in _SPACES:
            return _SPACES[name], position
        if name in self.accents:
            inside, _, position = self.argument(items, position)
            if len(inside) != 1:
                raise _Unrenderable(f"\\{name} over more than one character")
            return inside + self.accents[name], position
        if name in _FUNCTIONS:
            # LaTeX sets a space after \log before a letter ("log p"), none before "(" or a script.
            space = written != written.rstrip() and position < len(items) and _starts_word(items[position])
            return name + (" " if space else ""), position
        symbol = self.symbols.get(f"\\{name}")
        if symbol is None:
            raise _Unrenderable(f"unknown command \\{name}")
        # An operator keeps the space written after it (w \cdot x), a prefix or a letter does not
        # (\partial L is ∂L): LaTeX swallows the space after a command and spaces operators itself.
        spaced = written != written.rstrip() and _is_operator(symbol)
        return symbol + (" " if spaced else ""), position

    def script(self, items: list[_Item], position: int) -> tuple[str, int]:
        mark = items[position]
        if position + 1 >= len(items):
            raise _Unrenderable(f"{mark} without its argument")
        following = items[position + 1]
        if isinstance(following, str) and following.strip() in ("\\top", "\\intercal") and mark == "^":
            return "ᵀ" + (" " if following != following.rstrip() else ""), position + 2
        inside, _, after = self.argument(items, position + 1)
        # x_ab or predicted_probs: LaTeX subscripts only "a" or "p"; the writer meant an underscore.
        if (
            not isinstance(following, list)
            and len(inside) == 1
            and inside.isalpha()
            and after < len(items)
            and isinstance(items[after], str)
            and str(items[after])[:1].isalpha()
        ):
            raise _Unrenderable("a one-letter script run into a word")
        table = self.sup if mark == "^" else self.sub
        if inside and all(char in table for char in inside):
            return "".join(table[char] for char in inside), after
        return (f"{mark}{inside}" if len(inside) == 1 else f"{mark}({inside})"), after


def _is_operator(symbol: str) -> bool:
    return unicodedata.category(symbol[:1]) == "Sm" and symbol not in _PREFIXES


def _starts_word(item: _Item) -> bool:
    return isinstance(item, list) or ((item[:1].isalnum() or item.startswith("\\")) and not item.isspace())


def _plain_text(group: list[_Item]) -> str:
    return "".join(str(item) for item in group)


def _wrapped(text: str) -> str:
    """``text`` as one operand of / or √: in parentheses unless it is one term (``∂L``, ``e⁻ˣ``, ``2``)."""
    text = text.strip()
    if re.fullmatch(r"[^\s+\-−=/,<>±∓·⋅×]+", text) and not (text.startswith("(") and text.endswith(")")):
        return text
    if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        return text
    return f"({text})"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """unicodeit's symbols (``\\alpha`` -> ``α``), subscripts, superscripts and combining accents."""
    from unicodeit import data

    symbols = dict(data.REPLACEMENTS)
    sub = {key[1:]: value for key, value in data.SUBSUPERSCRIPTS if key.startswith("_") and len(key) == 2}
    sup = {key[1:]: value for key, value in data.SUBSUPERSCRIPTS if key.startswith("^") and len(key) == 2}
    accents = {key[1:]: value for key, value in data.COMBININGMARKS}
    return symbols, sub, sup, accents
