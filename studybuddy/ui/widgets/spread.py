"""Lines that widgets draw themselves: text at both ends of a line, and clickable words in it.

A single widget drawing both ends costs less at start-up than a container with two children: every
widget on the first screen adds its own mount, styling and layout before the first frame.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style


def spread(left: Content, right: Content, width: int) -> Content:
    """``left`` and ``right`` pushed to the two ends of ``width`` cells (two spaces apart at least).

    When both do not fit, ``left`` is cut at the end: the right-hand part is usually the clickable one.
    """
    room = width - right.cell_length - 2
    if left.cell_length > room:
        left = left.truncate(max(0, room), ellipsis=True)
    gap = max(2, width - left.cell_length - right.cell_length)
    return Content.assemble(left, " " * gap, right)


def link(label: str, action: str) -> Content:
    """``label`` as a clickable span that runs ``action`` (``app.timer_toggle``, ``screen.browse``)."""
    return clickable(Content(label), action)


def clickable(content: Content, action: str) -> Content:
    """``content`` whole as one clickable span (its ``link-*`` styles apply, hover included)."""
    return content.stylize(Style.from_meta({"@click": action}))
