"""Repair mojibake in an imported diary: UTF-8 text that an earlier tool decoded with another code page.

``📘`` is the bytes F0 9F 93 98; read as Windows-1252 they show as ``ðŸ“˜``, as the Turkish
Windows-1254 as ``ğŸ“˜``, as Mac Roman as ``üìò``. ftfy knows those and the other common code pages
(Windows-1250/1251/1253/1257, Latin-1, Latin-2, cp437), text mangled twice over, and a line where
only some of the text was mangled; it is asked for the encoding fix only (never its other changes,
such as straightening quotes), line by line, and for nothing that would guess at lost bytes. So
``café``, ``naïve`` or ``∑ᵢ xᵢ`` written correctly are never changed. Each repair is reported as the
characters that were wrong, what they became and the code page they were read with.

Used on imported text only: an entry the learner wrote in the app is never "repaired".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ftfy import TextFixerConfig

_RUNS = re.compile(r"([\x00-\x7f]+)")  # split keeps the ASCII between the non-ASCII runs
_MAX_PASSES = 3  # text mangled twice (or three times) over
# ftfy's names for the code pages, as Python's codecs and people name them.
_CODECS = {
    "sloppy-windows-1252": "cp1252",
    "sloppy-windows-1250": "cp1250",
    "sloppy-windows-1251": "cp1251",
    "sloppy-windows-1253": "cp1253",
    "sloppy-windows-1254": "cp1254",
    "sloppy-windows-1257": "cp1257",
    "macroman": "mac_roman",
    "iso-8859-2": "iso8859_2",
}


@dataclass(frozen=True)
class Repair:
    wrong: str  # a run of characters that was mojibake
    right: str
    codec: str  # the code page the UTF-8 bytes had been read with (Python's name: cp1254, mac_roman)


def code_page_name(codec: str) -> str:
    """``Windows-1254`` for ``cp1254``: a code page as people name it."""
    if codec.startswith("cp12"):
        return f"Windows-{codec[2:]}"
    return {"mac_roman": "Mac Roman", "cp437": "DOS code page 437", "iso8859_2": "Latin-2"}.get(codec, codec)


def repair_mojibake(text: str) -> tuple[str, list[Repair]]:
    """The text with mojibake repaired, and each repair made (for the import report)."""
    if text.isascii():  # mojibake is made of non-ASCII characters: nothing to look at
        return text, []
    from ftfy import fix_encoding_and_explain

    repairs: list[Repair] = []
    lines = text.split("\n")
    suspect = _suspect()
    for number, line in enumerate(lines):
        if line.isascii() or not suspect.search(line):
            continue
        fixed, steps = fix_encoding_and_explain(line, _config())
        if fixed == line:
            continue
        codec = next((_CODECS.get(name, name) for step, name in steps or () if step == "encode"), "cp1252")
        found = _exact_repairs(line, fixed, codec)
        if found is not None:
            repairs.extend(found)
            lines[number] = fixed
    text = "\n".join(lines)
    if text.startswith("\ufeff"):  # a byte-order mark that was itself mangled ("ï»¿") and repaired
        text = text[1:]
    return text, repairs


def _exact_repairs(line: str, fixed: str, codec: str) -> list[Repair] | None:
    """Each run of non-ASCII characters ftfy changed, if every one is exactly UTF-8 read with
    ``codec`` (once, or up to three times over); None if any is not.

    Mojibake never touches ASCII (UTF-8's multi-byte characters are all bytes over 0x7F, which
    these code pages show as non-ASCII characters), so the two lines have the same ASCII between
    their runs. This leaves alone what ftfy only guesses: ``Ã la carte`` as ``à la carte`` (a
    non-breaking space taken for a lost one), a run of correct accented letters beside mojibake.
    """
    old_runs, new_runs = _RUNS.split(line), _RUNS.split(fixed)
    if len(old_runs) != len(new_runs) or old_runs[1::2] != new_runs[1::2]:
        return None
    repairs = []
    for wrong, right in zip(old_runs[0::2], new_runs[0::2], strict=True):
        if wrong == right:
            continue
        if not _decodes_to(wrong, right, codec):
            return None
        repairs.append(Repair(wrong, right, codec))
    return repairs


def _decodes_to(wrong: str, right: str, codec: str) -> bool:
    text = wrong
    for _ in range(_MAX_PASSES):
        data = _encode(text, codec)
        if data is None:
            return False
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        if text == right:
            return True
    return False


def _encode(text: str, codec: str) -> bytes | None:
    """The bytes ``text`` came from if it was decoded with ``codec``; None if it cannot have been.

    The Windows code pages leave a few bytes undefined (81 8D 8F 90 9D in 1252); decoders show them
    as the C1 control of the same number, so those map back to their byte.
    """
    out = bytearray()
    for character in text:
        try:
            out += character.encode(codec)
        except (UnicodeEncodeError, LookupError):
            if 0x80 <= ord(character) <= 0x9F:
                out.append(ord(character))
            else:
                return None
    return bytes(out)


@lru_cache(maxsize=1)
def _suspect() -> re.Pattern[str]:
    """What every mojibake line holds: the character a code page shows for a UTF-8 lead byte
    (C2-F4) followed by one it shows for a continuation byte (80-BF). Most lines of a diary, with
    accents (``café``, ``naïve``), symbols and emoji, have no such pair and are not handed to ftfy,
    which would take ~100x longer to say so (benchmarks/diary_import.py)."""
    leads: set[str] = set()
    continuations = {chr(byte) for byte in range(0x80, 0xA0)}  # undefined bytes, shown as C1 controls
    for codec in (*_CODECS.values(), "latin-1", "cp437"):
        for byte in range(0x80, 0xF5):
            try:
                character = bytes([byte]).decode(codec)
            except UnicodeDecodeError:
                continue
            if byte >= 0xC2:
                leads.add(character)
            elif byte <= 0xBF:
                continuations.add(character)
    return re.compile(f"[{_char_class(leads)}][{_char_class(continuations)}]")


def _char_class(characters: set[str]) -> str:
    return "".join(re.escape(character) for character in sorted(characters))


@lru_cache(maxsize=1)
def _config() -> TextFixerConfig:
    """ftfy's encoding fix only, and no guesses: no space read as a lost non-breaking one
    (restore_byte_a0), no lost bytes replaced (replace_lossy_sequences)."""
    from ftfy import TextFixerConfig

    return TextFixerConfig(restore_byte_a0=False, replace_lossy_sequences=False)
