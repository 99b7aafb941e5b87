"""Repair mojibake: UTF-8 text that an earlier tool decoded as Windows-1252 or Mac Roman.

``✅`` is the bytes E2 9C 85; read as Windows-1252 they show as ``âœ…``, as Mac Roman as ``‚úÖ``.
The repair re-encodes a run of suspicious characters with the wrong codec and decodes the bytes as
UTF-8, and keeps the result only where that is valid and plausible:

- only runs of non-ASCII characters are touched (the bytes of a UTF-8 multi-byte character are all
  non-ASCII, so real mojibake never spans ASCII), and inside a run only complete UTF-8 sequences;
- a run is repaired only if all of it is complete UTF-8 sequences, each decoding to a printable
  character (no controls, private use or unassigned code points; two-byte ones in a common script
  or symbol block), so ``café`` or ``naïve`` written correctly are never changed: their bytes in
  those codecs are not valid UTF-8.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SUSPECT_RUN = re.compile(r"[^\x00-\x7f]{2,}")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CODECS = ("cp1252", "mac_roman")
_IMPLAUSIBLE = frozenset({"Cc", "Co", "Cn", "Cs"})
_MAX_PASSES = 3  # text mangled twice (or three times) over is repaired pass by pass


@dataclass(frozen=True)
class Repair:
    wrong: str
    right: str
    codec: str


def repair_mojibake(text: str) -> tuple[str, list[Repair]]:
    """The text with mojibake repaired, and each repair made (for the import report)."""
    repairs: list[Repair] = []
    for _ in range(_MAX_PASSES):
        before = len(repairs)
        text = _SUSPECT_RUN.sub(lambda match: _repair_run(match.group(0), repairs), text)
        if len(repairs) == before:
            break
    if text.startswith("\ufeff"):  # a byte-order mark that was itself mangled ("ï»¿") and repaired
        text = text[1:]
    return text, repairs


def _repair_run(run: str, repairs: list[Repair]) -> str:
    for codec in _CODECS:
        encoded = _encode(run, codec)
        if encoded is None:
            continue
        sequences = list(_UTF8_SEQUENCE.finditer(encoded))
        # The whole run must be mojibake: legitimate accented text beside it is too likely otherwise.
        if sum(len(match.group(0)) for match in sequences) != len(encoded):
            continue
        characters = [match.group(0).decode("utf-8") for match in sequences]
        if all(_plausible(character) for character in characters):
            # Both codecs are one byte per character, so byte offsets are character offsets.
            repairs.extend(
                Repair(run[match.start() : match.end()], character, codec)
                for match, character in zip(sequences, characters, strict=True)
            )
            return "".join(characters)
    return run


def _plausible(character: str) -> bool:
    """A character people write: printable, and for two-byte ones a common script or symbol block.

    Two-byte results are restricted because two legitimate accented capitals and symbols side by
    side (``«ÉTÉ»`` has ``É»``) can happen to form one; IPA and modifier letters are the usual outcome.
    """
    if unicodedata.category(character) in _IMPLAUSIBLE:
        return False
    code = ord(character)
    if code < 0x800:
        return 0xA0 <= code <= 0x17F or 0x370 <= code <= 0x6FF
    return True


def _encode(run: str, codec: str) -> bytes | None:
    """The bytes ``run`` came from if it was decoded with ``codec``; None if it cannot have been.

    Windows-1252 leaves five bytes undefined (81 8D 8F 90 9D); decoders show them as the C1
    control of the same number, so those map back to their byte.
    """
    out = bytearray()
    for character in run:
        try:
            out += character.encode(codec)
        except UnicodeEncodeError:
            if codec == "cp1252" and 0x80 <= ord(character) <= 0x9F:
                out.append(ord(character))
            else:
                return None
    return bytes(out)
