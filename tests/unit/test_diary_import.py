"""Splitting one long diary into dated entries, in the styles people write (fixtures written here)."""

from datetime import date

import pytest

from studybuddy.core.diary_import import DiaryImportError, decode_diary, plan_import

BOLD_ISO = """**2025-07-06**\\
Three kinds of product: inner, outer and Kronecker.

**2025-07-07**\\
Read about the softmax gradient:
```python
# **2025-07-08** inside code is not a new day
dz[label] -= 1
```
Math stays: $\\frac{\\partial L}{\\partial z} = p - y$ and ![plot](img/loss.png) [link](https://x.org).
"""


def days(plan) -> list[date]:
    return [entry.day for entry in plan.entries]


def test_bold_dates_split_and_code_blocks_do_not() -> None:
    plan = plan_import(BOLD_ISO)
    assert days(plan) == [date(2025, 7, 6), date(2025, 7, 7)]
    second = plan.entries[1].text
    assert second.startswith("**2025-07-07**\\\n")
    assert "# **2025-07-08** inside code is not a new day" in second
    assert (
        "$\\frac{\\partial L}{\\partial z} = p - y$ and ![plot](img/loss.png) [link](https://x.org)."
        in second
    )
    assert plan.date_range == (date(2025, 7, 6), date(2025, 7, 7))
    assert plan.unplaced == ()


def test_every_line_of_the_source_lands_in_exactly_one_entry() -> None:
    plan = plan_import(BOLD_ISO)
    joined = "\n".join(line for entry in plan.entries for line in entry.text.splitlines())
    source = [line for line in BOLD_ISO.splitlines() if line.strip()]
    assert [line for line in joined.splitlines() if line.strip()] == source


@pytest.mark.parametrize(
    "heading",
    [
        "## 2025-07-06",
        "### July 6, 2025",
        "# Sunday, 6 July 2025",
        "## 2025-07-06 — chain rule",
        "#### Jul 6th, 2025",
    ],
)
def test_date_headings(heading: str) -> None:
    plan = plan_import(f"{heading}\nstudied\n\n## 2025-07-07\nmore\n")
    assert days(plan) == [date(2025, 7, 6), date(2025, 7, 7)]
    assert plan.entries[0].text == f"{heading}\nstudied"


US_BULLETS = """* 07/12/24: flattened the images
\t* divided pixels by 255, see 07/01/24 notes
- 07/13/24
\t- loss function ideas
07/14/24 **Mean squared error**
- still confused
"""


def test_us_dates_starting_a_line_or_a_bullet_keep_their_indented_children() -> None:
    plan = plan_import(US_BULLETS)
    assert days(plan) == [date(2024, 7, 12), date(2024, 7, 13), date(2024, 7, 14)]
    assert (
        plan.entries[0].text
        == "* 07/12/24: flattened the images\n\t* divided pixels by 255, see 07/01/24 notes"
    )
    assert plan.entries[2].text == "07/14/24 **Mean squared error**\n- still confused"


def test_a_first_number_over_12_means_day_first() -> None:
    plan = plan_import("- 13/07/24 one\n- 01/08/24 two\n")
    assert days(plan) == [date(2024, 7, 13), date(2024, 8, 1)]
    assert any("day/month/year" in note for note in plan.notes)


def test_numbered_days_need_a_start_date() -> None:
    text = "## Day 01\nvectors\n## Day 02\nmatrices\n## Day 10\neigen\n"
    with pytest.raises(DiaryImportError, match="--start-date"):
        plan_import(text)
    plan = plan_import(text, start_date=date(2025, 1, 30))
    assert days(plan) == [date(2025, 1, 30), date(2025, 1, 31), date(2025, 2, 8)]
    assert plan.entries[1].text == "## Day 02\nmatrices"


def test_no_dates_is_one_entry_on_the_given_date() -> None:
    with pytest.raises(DiaryImportError, match="--date"):
        plan_import("just notes\n")
    plan = plan_import("just notes\nmore\n", default_date=date(2025, 3, 1))
    assert [(e.day, e.text) for e in plan.entries] == [(date(2025, 3, 1), "just notes\nmore")]


def test_text_before_the_first_date_is_reported_with_the_date_it_mentions() -> None:
    plan = plan_import("loose note from 07/11/24\n\n**2024-07-12**\nday\n")
    assert days(plan) == [date(2024, 7, 12)]
    (piece,) = plan.unplaced
    assert (piece.first_line, piece.last_line) == (1, 2)
    assert "07/11/24" in piece.reason and "--date" in piece.reason
    placed = plan_import("loose note\n\n**2024-07-12**\nday\n", default_date=date(2024, 7, 11))
    assert days(placed) == [date(2024, 7, 11), date(2024, 7, 12)]


def test_an_impossible_date_line_is_reported_and_its_text_kept_with_the_day_above() -> None:
    plan = plan_import("**2025-02-28**\none\n**2025-02-30**\ntwo\n")
    assert days(plan) == [date(2025, 2, 28)]
    assert "**2025-02-30**\ntwo" in plan.entries[0].text
    assert any("February 2025 has no day 30" in note for note in plan.notes)


def test_a_day_written_twice_is_joined_in_order() -> None:
    plan = plan_import("## 2025-07-06\nmorning\n## 2025-07-07\nnext\n## 2025-07-06\nevening\n")
    first = plan.entries[0]
    assert first.text == "## 2025-07-06\nmorning\n\n## 2025-07-06\nevening"
    assert first.lines == (1, 5)
    assert any("written 2 times" in note for note in plan.notes)


def test_dates_mentioned_mid_line_or_in_nested_bullets_do_not_split() -> None:
    plan = plan_import("## 2025-07-06\nI reread 2025-07-01 notes\n\t- 07/02/25 was better\n")
    assert days(plan) == [date(2025, 7, 6)]


def test_mojibake_is_repaired_while_splitting() -> None:
    plan = plan_import("**2025-07-06**\\\nDone âœ… and loss â‰ˆ 0.1\n")
    assert plan.entries[0].text == "**2025-07-06**\\\nDone ✅ and loss ≈ 0.1"
    assert [(r.wrong, r.right) for r in plan.repairs] == [("âœ…", "✅"), ("â‰ˆ", "≈")]


def test_a_diary_mangled_by_a_turkish_code_page_splits_into_its_numbered_days() -> None:
    written = "## 📘 Day 01 — Vectors & Dot Product\nx·y = ∑ᵢ xᵢyᵢ\n\n## 📗 Day 02 — Matrices\nAᵀ\n"
    mangled = written.encode("utf-8").decode("cp1254", errors="strict")
    plan = plan_import(mangled, start_date=date(2025, 7, 6))
    assert days(plan) == [date(2025, 7, 6), date(2025, 7, 7)]
    assert plan.entries[0].text == "## 📘 Day 01 — Vectors & Dot Product\nx·y = ∑ᵢ xᵢyᵢ"
    # The emoji's bytes read as Windows-1254 (ğ is F0 there); a line whose mojibake reads the same
    # in Windows-1252 may be named so.
    assert ("ğŸ“˜", "📘", "cp1254") in [(r.wrong, r.right, r.codec) for r in plan.repairs]


def test_decoding_falls_back_to_windows_1252_and_says_so() -> None:
    assert decode_diary("\ufeff**2025-07-06** ✅".encode()) == ("**2025-07-06** ✅", [])
    text, notes = decode_diary("caf\xe9".encode("cp1252"))
    assert text == "café"
    assert notes and "not UTF-8" in notes[0]


def test_one_stray_latin1_byte_in_a_utf8_file_spoils_only_itself_and_is_not_called_a_repair() -> None:
    utf8 = "## 2025-07-06\nÁrvíztűrő tükörfúrógép ✅ ≈\n".encode()
    data = utf8 + b"notes from another editor: caf\xe9\n## 2025-07-07\n\xc1gnes\n"

    text, notes = decode_diary(data)
    plan = plan_import(text)

    expected = "## 2025-07-06\nÁrvíztűrő tükörfúrógép ✅ ≈\nnotes from another editor: café\n"
    assert text == expected + "## 2025-07-07\nÁgnes\n"
    assert "\ufffd" not in text
    assert notes == [
        "the file is UTF-8 but for 2 bytes on lines 3, 5; read them as Windows-1252 (0xE9 as 'é')"
    ]
    assert plan.repairs == ()  # nothing was decoded wrongly, so nothing is reported as repaired


def test_a_windows_1252_file_is_read_line_by_line_and_its_utf8_lines_are_kept() -> None:
    legacy = "## 2025-07-06\nCAFÉ’s crème brûlée\nêtre\nplain\nà bientôt\n".encode("cp1252")
    text, notes = decode_diary(legacy + "déjà ✅\n".encode())
    # É’ is C9 92, valid UTF-8 on its own: in a Windows-1252 file, its line is read whole as one.
    assert text == "## 2025-07-06\nCAFÉ’s crème brûlée\nêtre\nplain\nà bientôt\ndéjà ✅\n"
    assert notes == ["the file is not UTF-8; read lines 2, 3, 5 as Windows-1252"]


def test_a_byte_neither_encoding_defines_is_said_to_be_damage() -> None:
    text, notes = decode_diary("ok ✅ and ✅\n".encode() + b"x\x81y\n")
    assert text == "ok ✅ and ✅\nx\ufffdy\n"
    assert notes == [
        "the file is UTF-8 but for 1 byte on line 2; read it as Windows-1252; 1 byte "
        "that neither encoding defines became the replacement character \ufffd (check those lines)"
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("## 📘 Day 01 — Vectors & Dot Product", "## 📗 Day 02 — Matrices"),
        ("### Day 3:", "### Day 4:"),
        ("**Day 12**", "**Day 13**"),
        ("# 🧠🔥 Day 7 (backprop)", "# ✅ Day 8"),
        ("## [Day 1]", "## [Day 2]"),
    ],
)
def test_numbered_day_headings_with_decorations(first: str, second: str) -> None:
    plan = plan_import(f"{first}\nvectors\n\n{second}\nmatrices\n", start_date=date(2025, 3, 1))
    assert days(plan) == [date(2025, 3, 1), date(2025, 3, 2)]
    assert plan.entries[0].text == f"{first}\nvectors"
    assert plan.entries[1].text == f"{second}\nmatrices"


@pytest.mark.parametrize(
    "heading",
    [
        "## 🗓️ 2025-07-06",
        "### 📅 July 6, 2025 — chain rule",
        "**[2025-07-06]**",
        "## *2025-07-06*",
        "## → 07/06/25",
    ],
)
def test_dated_headings_with_decorations(heading: str) -> None:
    plan = plan_import(f"{heading}\nstudied\n\n## 2025-07-07\nmore\n")
    assert days(plan) == [date(2025, 7, 6), date(2025, 7, 7)]
    assert plan.entries[0].text == f"{heading}\nstudied"


def test_a_decorated_heading_without_a_day_is_not_a_day() -> None:
    plan = plan_import("## 2025-07-06\n### 📘 Notes — Vectors\nbody\n### ✅ 3 things learned\n")
    assert days(plan) == [date(2025, 7, 6)]
