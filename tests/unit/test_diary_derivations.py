"""```derive blocks in a diary entry: found with their symbols, bad ones named (never a crash), and their
marks written into a copy of the text for the preview."""

from __future__ import annotations

from studybuddy.core.derivation.engine import mark_all
from studybuddy.core.diary_derivations import annotated, block_summary, derive_blocks

ENTRY = """\
# Tuesday

```python
x = 1  # not a derivation
```

```derive
symbols: x, p:probability
s = 1/(1 + exp(-x))
d/dx: exp(-x)/(1 + exp(-x))^2
= s (1 + s)
```

~~~derive n:integr
n + n = 2n
~~~

```derive
f = x^2
"""


def test_blocks_are_found_with_their_symbols_and_entry_lines() -> None:
    first, second, third = derive_blocks(ENTRY)
    assert (first.fence_line, first.first_line, first.problem) == (7, 9, None)
    assert [line.text for line in first.derivation.lines] == [
        "s = 1/(1 + exp(-x))",
        "d/dx: exp(-x)/(1 + exp(-x))^2",
        "= s (1 + s)",
    ]
    assert first.derivation.context.variables == (("x", "real", None), ("p", "probability", None))
    assert second.problem is not None and "did you mean integer?" in second.problem
    assert third.problem is not None and "never closed" in third.problem


def test_the_preview_copy_carries_each_lines_mark_and_a_summary_and_leaves_other_lines_alone() -> None:
    blocks = derive_blocks(ENTRY)
    marks = {block.number: mark_all(block.derivation) for block in blocks}
    shown = annotated(ENTRY, marks)
    lines = shown.splitlines()
    assert any(line.startswith("d/dx: exp(-x)/(1 + exp(-x))^2") and line.endswith("✓") for line in lines)
    assert any(line.startswith("= s (1 + s)") and "✗" in line for line in lines)
    assert "*Derivation 1: ✗ the first wrong line is line 11 of the entry*" in lines
    assert "x = 1  # not a derivation" in lines and "# Tuesday" in lines
    assert block_summary(blocks[0], None) == "Derivation 1: checking…"
    assert "checking…" in annotated(ENTRY, {})


def test_hostile_and_odd_blocks_never_raise() -> None:
    for text in [
        "```derive",
        "```derive\nsymbols: ::::\n```",
        "```derive\n" + "x\n" * 3000 + "```",
        "``` derive\n\x1b[2J\n```",
    ]:
        for block in derive_blocks(text):
            annotated(text, {block.number: mark_all(block.derivation)})
