"""The diary preview (ctrl+r) shows each line of an entry's ```derive blocks with its mark, and the first
wrong line; a bad block is told in the preview; the entry on disk is never changed."""

from __future__ import annotations

import pytest
from pilot_support import settle, synchronously

from studybuddy.ui.screens.diary import DiaryScreen

TODAY = "2025-07-06"  # the frozen clock's day
ENTRY = """\
# Sigmoid by hand

```derive
symbols: x
s = 1/(1 + exp(-x))
d/dx: exp(-x)/(1 + exp(-x))^2
= s (1 + s)
```

```derive
symbols: p:probabilty
d/dq: 2 q
```
"""


async def preview_text(app, pilot) -> str:
    for _ in range(200):  # rounds, not time: each block's marks arrive from a worker
        await settle(app, pilot)
        source = app.screen.query_one("#diary-preview").source
        if "checking…" not in source:
            return source
    raise AssertionError("the marks never came")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@synchronously
async def test_the_preview_shows_each_derivation_line_with_its_mark_and_the_file_is_unchanged(
    make_app, context, size
) -> None:
    path = context.home.diary_dir / f"{TODAY}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ENTRY, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, DiaryScreen)
        await pilot.press("ctrl+r")
        source = await preview_text(app, pilot)
        lines = source.splitlines()
        assert any(line.startswith("d/dx: exp(-x)/(1 + exp(-x))^2") and line.endswith("✓") for line in lines)
        assert any(line.startswith("= s (1 + s)") and "✗" in line and "sign" in line for line in lines)
        assert "*Derivation 1: ✗ the first wrong line is line 7 of the entry*" in lines
        assert "did you mean probability?" in source
        assert "Traceback" not in source
    assert path.read_text(encoding="utf-8") == ENTRY
