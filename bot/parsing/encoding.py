"""Turn the bytes of an article file into text, detecting the encoding.

Japanese newsrooms still produce CP932 (Shift_JIS) and EUC-JP files next to
UTF-8 and UTF-16, and chardet-style guessing goes wrong on short files. So the
order is fixed and every candidate is decoded *strictly*:

1. byte-order marks (UTF-32, UTF-8, UTF-16) — they are unambiguous;
2. NUL bytes: BOM-less UTF-16 when the NULs sit on one parity, damage when
   there are only one or two, else a binary file;
3. ISO-2022-JP when the file is 7-bit and carries its escape sequences;
4. UTF-8 (a truncated multi-byte character at the very end is dropped);
5. CP932 and EUC-JP, both tried; when both decode, the one that reads as
   more plausible Japanese wins (see :func:`plausibility`).

EUC-JP falls back to EUC-JIS-2004, whose row 13 matches the NEC special
characters (①, ㊧, ㈱) that Windows-made "eucJP-ms" files contain.

A file with a few damaged bytes (one spot per 2,000 bytes, at most 16) is
still read, the damage shown as U+FFFD and counted in ``Decoded.replaced``;
more damage than that makes it undecodable.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAGIC_NUMBERS: dict[bytes, str] = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
    b"\x7fELF": "executable",
    b"SQLite format 3": "SQLite database",
}

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# The six characters where Microsoft's CP932 table differs from the JIS one that
# EUC-JP (and most Japanese news sites' UTF-8) use: 〜 ‖ − ¢ £ ¬. Mapping them
# makes the same text decode identically whichever legacy encoding it came in.
CP932_TO_JIS = str.maketrans(
    {
        "\uff5e": "\u301c",
        "\u2225": "\u2016",
        "\uff0d": "\u2212",
        "\uffe0": "\u00a2",
        "\uffe1": "\u00a3",
        "\uffe2": "\u00ac",
    }
)
ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
# Category Cc (C0, DEL, C1) minus the whitespace controls above.
BAD_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
MAX_CONTROL_RATIO = 0.02
# Average plausibility below this means "not text in any encoding we know".
MIN_PLAUSIBILITY = -1.0
# Damaged or BOM-less UTF-16 text must read clearly as text to be accepted.
GOOD_PLAUSIBILITY = 0.5
# A damaged file is still read when at most one byte in this many is bad (max 16).
BYTES_PER_REPLACEMENT = 2000
MAX_REPLACED = 16
# One damaged byte in a multi-byte character gives a short run of U+FFFD.
DAMAGE_RE = re.compile("\ufffd+")


class DecodeError(ValueError):
    """The bytes are not text we can read; ``reason`` is one line for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text; ``replaced`` counts damaged spots (runs of U+FFFD, stray NULs)."""

    text: str
    encoding: str
    replaced: int = 0


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` and normalise line ends to ``\\n``.

    Returns ``(text, encoding)``; ``encoding`` is a Python codec name
    (``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``cp932``, ``euc-jp`` ...).
    Raises :class:`DecodeError` for binary or undecodable data. A file with
    a few damaged bytes (see :func:`allowed_damage`) is still decoded, the
    damage shown as U+FFFD; :func:`decode_detailed` says how many.
    """
    decoded = decode_detailed(data)
    return decoded.text, decoded.encoding


def decode_detailed(data: bytes) -> Decoded:
    """Like :func:`decode`, also counting the bytes that had to be replaced."""
    decoded = _decode_raw(data)
    text = decoded.text.removeprefix("\ufeff")
    controls = len(BAD_CONTROL_RE.findall(text))
    if text and controls / len(text) > MAX_CONTROL_RATIO:
        raise DecodeError(f"binary file ({controls} control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Decoded(text, decoded.encoding, decoded.replaced)


def allowed_damage(size: int) -> int:
    """How many damaged spots a file of ``size`` bytes may have and still be read."""
    return max(1, min(MAX_REPLACED, size // BYTES_PER_REPLACEMENT))


def _decode_raw(data: bytes) -> Decoded:
    for bom, name in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            text = _incremental(body, name)
            if text is not None:
                return Decoded(text, name)
            damaged = _lenient(body, (name,))
            if damaged is None:
                raise DecodeError(f"invalid {name} text after its byte-order mark")
            return damaged
    for magic, kind in MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise DecodeError(f"binary file ({kind})")
    nuls = data.count(0)
    if nuls:
        utf16 = _bomless_utf16(data)
        if utf16 is not None:
            return utf16
        if nuls > allowed_damage(len(data)):
            raise DecodeError("binary file (contains NUL bytes)")
        # A stray NUL or two in a text file: damage, not a binary file.
        decoded = _decode_raw(data.replace(b"\x00", b""))
        return Decoded(decoded.text, decoded.encoding, decoded.replaced + nuls)
    if data.isascii() and (b"\x1b$B" in data or b"\x1b$@" in data):
        for name in ("iso-2022-jp", "iso2022_jp_2004"):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError:
                continue
    utf8 = _incremental(data, "utf-8")
    if utf8 is not None and (utf8.isascii() or max(utf8) >= "\u0800"):
        return Decoded(utf8, "utf-8")
    # Only 2-byte UTF-8 sequences (Latin/Cyrillic/...): a short EUC-JP or CP932
    # text can look like that, so let the legacy decoders compete with it.
    candidates = [(utf8, "utf-8")] if utf8 is not None else []
    candidates += _legacy_candidates(data)
    if not candidates:
        damaged = _lenient(data, ("utf-8", "cp932", "euc-jp"))
        if damaged is None:
            raise DecodeError("undecodable text (not UTF-8, UTF-16, CP932 or EUC-JP)")
        return damaged
    # Highest score wins; on a tie the earlier candidate (UTF-8, then CP932).
    score, _, text, name = max(
        (plausibility(text), -rank, text, name) for rank, (text, name) in enumerate(candidates)
    )
    if score < MIN_PLAUSIBILITY:
        raise DecodeError("binary file (does not read as text in any supported encoding)")
    return Decoded(text, name)


def _lenient(data: bytes, names: tuple[str, ...]) -> Decoded | None:
    """The candidate with the fewest damaged bytes, if few enough and readable."""
    best: Decoded | None = None
    for name in names:
        text = data.decode(name, errors="replace")
        if name == "cp932":
            text = text.translate(CP932_TO_JIS)
        bad = len(DAMAGE_RE.findall(text))
        if best is None or bad < best.replaced:
            best = Decoded(text, name, bad)
    if best is None or best.replaced > allowed_damage(len(data)):
        return None
    if plausibility(best.text) < GOOD_PLAUSIBILITY:
        return None
    return best


def _incremental(data: bytes, name: str) -> str | None:
    """Strict decoding that forgives only an incomplete character cut off at the end."""
    decoder = codecs.getincrementaldecoder(name)(errors="strict")
    try:
        return decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return None


def _legacy_candidates(data: bytes) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for group in (("cp932",), ("euc-jp", "euc_jis_2004")):
        for name in group:
            text = _strict(data, name)
            if text is not None:
                if name == "cp932":
                    text = text.translate(CP932_TO_JIS)
                found.append((text, name))
                break
    return found


def _strict(data: bytes, name: str) -> str | None:
    try:
        return data.decode(name)
    except UnicodeDecodeError:
        # A file cut in the middle of a two-byte character: drop that last byte.
        if len(data) > 1:
            try:
                return data[:-1].decode(name)
            except UnicodeDecodeError:
                return None
        return None


def _bomless_utf16(data: bytes) -> Decoded | None:
    """NULs in a text file mostly mean UTF-16 without a BOM."""
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    # ASCII puts its NUL in the high byte; a few CJK characters (U+4E00 一,
    # U+3000) have a NUL low byte, so one side only has to dominate.
    name = "utf-16-le" if odd > 4 * even else "utf-16-be" if even > 4 * odd else None
    if name is None:
        return None
    text = _incremental(data, name)
    if text is None or plausibility(text) < GOOD_PLAUSIBILITY:
        return None
    return Decoded(text, name)


def plausibility(text: str) -> float:
    """Average per-character score: how much ``text`` reads like Japanese news.

    Hiragana, katakana and common (JIS level 1) kanji score high; half-width
    katakana, private-use and control characters score low. Text decoded
    with the wrong legacy codec is full of exactly those.
    """
    if not text:
        return 0.0
    return sum(_char_score(ch) for ch in text) / len(text)


@lru_cache(maxsize=8192)
def _char_score(ch: str) -> float:
    o = ord(ch)
    if 0x3041 <= o <= 0x309F:
        return 3.0
    if 0x30A1 <= o <= 0x30FF:
        return 2.0
    if 0x4E00 <= o <= 0x9FFF:
        return 2.0 if _is_level1_kanji(ch) else 0.0
    if o < 0x80:
        return 1.0 if ch.isprintable() or ch in ALLOWED_CONTROLS else -5.0
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:
        return 1.0
    if 0xFF61 <= o <= 0xFF9F:
        return -3.0
    if unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn"):
        return -5.0
    if o < 0x800:
        # Latin-1/Greek/Cyrillic/Arabic: what EUC-JP bytes look like as UTF-8.
        return -0.5
    return 0.0


def _is_level1_kanji(ch: str) -> bool:
    """JIS X 0208 level 1 (the ~3,000 everyday kanji) sits in EUC rows B0–CF."""
    try:
        encoded = ch.encode("euc-jp")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xCF
