"""One rule for fenced code in diary text: every reader (tags, links, the preview's math) sees the same
lines as code, including a block that shows a fence line with an info string inside it."""

from __future__ import annotations

from studybuddy.core.diary import body_tags
from studybuddy.core.diary_links import local_links
from studybuddy.core.markdown_fences import FenceTracker
from studybuddy.core.math_text import math_as_unicode

# A block whose text holds a fence line with an info string: "```python" does not close it (a closing
# fence has nothing after it), so everything up to the bare "```" is code.
QUOTED_BLOCK = "```\n```python\n#notatag ![p](p.png) $\\alpha$\n```\nafter #tag $\\alpha$"


def test_a_fence_line_with_an_info_string_does_not_close_a_block() -> None:
    fences = FenceTracker()
    assert [fences.is_code(line) for line in QUOTED_BLOCK.split("\n")] == [True] * 4 + [False]


def test_every_reader_of_diary_text_treats_the_same_lines_as_code() -> None:
    assert body_tags(QUOTED_BLOCK) == ["tag"]
    assert local_links(QUOTED_BLOCK) == []
    shown = math_as_unicode(QUOTED_BLOCK).split("\n")
    assert shown[2] == "#notatag ![p](p.png) $\\alpha$" and "α" in shown[4]
