"""Links from a diary entry to files beside it: find those with a relative path, and rewrite them.

Pictures and files are linked as Markdown writes them (``![plot](./pictures/loss.png)``,
``[notes](files/week%201.pdf "title")``, a reference ``[1]: ./pictures/a.png``), as HTML
(``<img src="pictures/a.png" width=300>``) or as Obsidian embeds (``![[pictures/a.png|300]]``).
Only relative paths are local files: a URL (``https:``, ``mailto:``, ``data:``), an absolute path, a
``#heading`` or a ``~`` path is left alone, and nothing inside fenced or inline code is a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from studybuddy.core.markdown_fences import FenceTracker

_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
# ](destination "title"): the destination in <...>, or without spaces, with one level of parentheses,
# then the title or the closing parenthesis (``[a](my pic.png)`` is no link in CommonMark).
_INLINE = re.compile(
    r"\]\(\s*(?:<(?P<angled>[^<>\n]*)>|(?P<bare>(?:[^\s()]|\([^\s()]*\))+))(?=\s*(?:\)|\"|'|\())"
)
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]]+\]:[ \t]*(?:<(?P<angled>[^<>\n]*)>|(?P<bare>\S+))")
_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)')", re.I)
_EMBED = re.compile(r"!\[\[(?P<path>[^\]|#\n]+)")
_ANY_LINK = re.compile(r"\]\(|\]:|!\[\[|<img", re.I)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class LocalLink:
    """A link to a file by a relative path: where its destination is written, and the path it names."""

    line: int  # 0-based line of the text
    start: int  # the destination's span on that line, as written
    end: int
    path: str  # the path it names (percent-escapes decoded, without a #fragment or ?query)
    style: str  # "markdown", "angled", "html" or "embed": how a new destination must be written


def local_links(text: str) -> list[LocalLink]:
    """Every link in ``text`` to a file by a relative path, in order, outside code."""
    found: list[LocalLink] = []
    if not _ANY_LINK.search(text):
        return found  # most entries link nothing: no need to walk their lines
    fences = FenceTracker()
    for number, line in enumerate(text.split("\n")):
        if fences.is_code(line):
            continue
        if "](" not in line and "]:" not in line and "<img" not in line.lower() and "![[" not in line:
            continue
        code = [span.span() for span in _CODE_SPAN.finditer(line)] if "`" in line else []
        for pattern in (_INLINE, _REFERENCE, _IMG_SRC, _EMBED):
            for match in pattern.finditer(line):
                group = next(name for name, value in match.groupdict().items() if value is not None)
                start, end = match.span(group)
                if any(first <= start < last for first, last in code):
                    continue
                style = {"angled": "angled", "double": "html", "single": "html", "path": "embed"}.get(
                    group, "markdown"
                )
                path = _local_path(match.group(group), decode=style != "embed")
                if path is not None:
                    found.append(LocalLink(number, start, end, path, style))
    return sorted(found, key=lambda link: (link.line, link.start))


def _local_path(destination: str, *, decode: bool) -> str | None:
    destination = destination.strip()
    if not destination or destination.startswith(("#", "/", "\\", "~")) or _SCHEME.match(destination):
        return None
    path = re.split(r"[?#]", destination, maxsplit=1)[0]
    path = unquote(path) if decode else path
    return path or None


def rewrite_links(text: str, new_paths: dict[LocalLink, str]) -> str:
    """``text`` with each link's destination replaced by its new path (written as its style needs);
    a #fragment or ?query the old destination had is kept."""
    if not new_paths:
        return text
    lines = text.split("\n")
    for link in sorted(new_paths, key=lambda link: (link.line, link.start), reverse=True):
        line = lines[link.line]
        old = line[link.start : link.end]
        suffix = old[len(re.split(r"[?#]", old, maxsplit=1)[0]) :] if link.style != "embed" else ""
        lines[link.line] = (
            line[: link.start] + _written(new_paths[link], link.style) + suffix + line[link.end :]
        )
    return "\n".join(lines)


def _written(path: str, style: str) -> str:
    if style == "embed":
        return path
    if style == "angled":
        return path.replace("<", "%3C").replace(">", "%3E")
    return quote(path, safe="/-_.~()")
