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


@pytest.mark.parametrize("codec", ["cp1252", "mac_roman"])
def test_mangled_text_is_restored_exactly(codec: str) -> None:
    mangled = mangle(CORRECT, codec)
    assert mangled != CORRECT
    repaired, repairs = repair_mojibake(mangled)
    assert repaired == CORRECT
    assert {r.codec for r in repairs} == {codec}


def test_the_examples_from_the_issue() -> None:
    assert repair_mojibake("âœ… done, â‰ˆ 3")[0] == "✅ done, ≈ 3"


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
