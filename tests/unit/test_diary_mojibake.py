"""Mojibake repair: UTF-8 shown as Windows-1252 or Mac Roman is fixed; correct text is never touched."""

import pytest

from studybuddy.core.mojibake import repair_mojibake

CORRECT = "Done ✅, loss ≈ 0.1 — “ok” · café naïve ação ½ 🙂 α = 0.01, Ω, ∂L/∂w, 🧠"


def mangle(text: str, codec: str) -> str:
    """What a tool shows when it decodes UTF-8 bytes with ``codec`` (undefined bytes as C1 controls)."""
    shown = []
    for byte in text.encode("utf-8"):
        try:
            shown.append(bytes([byte]).decode(codec))
        except UnicodeDecodeError:
            shown.append(chr(byte))
    return "".join(shown)


CODE_PAGES = ["cp1252", "mac_roman", "cp1254", "cp1251", "cp1250", "cp1253", "cp1257", "cp437"]


@pytest.mark.parametrize("codec", CODE_PAGES)
def test_mangled_text_is_restored_exactly(codec: str) -> None:
    mangled = mangle(CORRECT, codec)
    assert mangled != CORRECT
    repaired, repairs = repair_mojibake(mangled)
    assert repaired == CORRECT
    assert {r.codec for r in repairs} == {codec}


def test_the_examples_from_the_issue() -> None:
    assert repair_mojibake("âœ… done, â‰ˆ 3")[0] == "✅ done, ≈ 3"
    # A diary that went through a Turkish Windows code page.
    repaired, repairs = repair_mojibake("ğŸ“˜ Day 01 â€” Vectors")
    assert repaired == "📘 Day 01 — Vectors"
    assert [(r.wrong, r.right, r.codec) for r in repairs] == [
        ("ğŸ“˜", "📘", "cp1254"),
        ("â€”", "—", "cp1254"),
    ]


def test_a_line_only_partly_mangled_keeps_its_correct_characters() -> None:
    line = "✅ right, and " + mangle("≈ mangled", "cp1252")
    assert repair_mojibake(line)[0] == "✅ right, and ≈ mangled"


@pytest.mark.parametrize("codec", CODE_PAGES)
def test_each_line_is_repaired_with_its_own_code_page(codec: str) -> None:
    text = "## 📘 Day 01\n" + mangle("naïve ∂L/∂w 🙂", codec) + "\ncafé written right\n"
    assert repair_mojibake(text)[0] == "## 📘 Day 01\nnaïve ∂L/∂w 🙂\ncafé written right\n"


def test_text_mangled_twice_is_repaired() -> None:
    assert repair_mojibake(mangle(mangle("✅ ok", "cp1252"), "cp1252"))[0] == "✅ ok"


@pytest.mark.parametrize(
    "text",
    [
        CORRECT,
        "Ã la carte, SÃO PAULO, ÀÉÎ, «ÉTÉ», ¿Qué?, Œuvre, ©®, Âge",
        "\xa0\xa0non-breaking spaces",
        "Grüße aus Köln, Ærø, Ñandú",
        "√2 ≈ 1.414, ∑ᵢ xᵢ, ‰",
    ],
)
def test_correct_text_is_never_changed(text: str) -> None:
    assert repair_mojibake(text) == (text, [])


def test_a_mangled_byte_order_mark_is_dropped() -> None:
    assert repair_mojibake("ï»¿# Diary")[0] == "# Diary"
