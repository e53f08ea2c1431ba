"""Turn the bytes of an article file into text, detecting the encoding.

Japanese newsrooms still produce CP932 (Shift_JIS) and EUC-JP files next to
UTF-8 and UTF-16, and chardet-style guessing goes wrong on short files. So the
order is fixed and every candidate is decoded *strictly*:

1. byte-order marks (UTF-32, UTF-8, UTF-16) — they are unambiguous;
2. NUL bytes: BOM-less UTF-16 when the NULs sit on one parity, else binary;
3. ISO-2022-JP when the file is 7-bit and carries its escape sequences;
4. UTF-8 (a truncated multi-byte character at the very end is dropped);
5. CP932 and EUC-JP, both tried; when both decode, the one that reads as
   more plausible Japanese wins (see :func:`plausibility`).

EUC-JP falls back to EUC-JIS-2004, whose row 13 matches the NEC special
characters (①, ㊧, ㈱) that Windows-made "eucJP-ms" files contain.
"""

from __future__ import annotations

import codecs
import unicodedata
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
MAX_CONTROL_RATIO = 0.02
# Average plausibility below this means "not text in any encoding we know".
MIN_PLAUSIBILITY = -1.0


class DecodeError(ValueError):
    """The bytes are not text we can read; ``reason`` is one line for a person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode(data: bytes) -> tuple[str, str]:
    """Decode ``data`` and normalise line ends to ``\\n``.

    Returns ``(text, encoding)``; ``encoding`` is a Python codec name
    (``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``cp932``, ``euc-jp`` ...).
    Raises :class:`DecodeError` for binary or undecodable data.
    """
    text, encoding = _decode_raw(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    controls = sum(1 for ch in text if _is_bad_control(ch))
    if text and controls / len(text) > MAX_CONTROL_RATIO:
        raise DecodeError(f"binary file ({controls} control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode_raw(data: bytes) -> tuple[str, str]:
    for bom, name in BOMS:
        if data.startswith(bom):
            text = _incremental(data[len(bom) :], name)
            if text is None:
                raise DecodeError(f"invalid {name} text after its byte-order mark")
            return text, name
    for magic, kind in MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise DecodeError(f"binary file ({kind})")
    if b"\x00" in data:
        return _bomless_utf16(data)
    if data.isascii() and (b"\x1b$B" in data or b"\x1b$@" in data):
        for name in ("iso-2022-jp", "iso2022_jp_2004"):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                continue
    utf8 = _incremental(data, "utf-8")
    if utf8 is not None and (utf8.isascii() or max(utf8) >= "\u0800"):
        return utf8, "utf-8"
    # Only 2-byte UTF-8 sequences (Latin/Cyrillic/...): a short EUC-JP or CP932
    # text can look like that, so let the legacy decoders compete with it.
    candidates = [(utf8, "utf-8")] if utf8 is not None else []
    candidates += _legacy_candidates(data)
    if not candidates:
        raise DecodeError("undecodable text (not UTF-8, UTF-16, CP932 or EUC-JP)")
    text, name = max(candidates, key=lambda c: plausibility(c[0]))
    if plausibility(text) < MIN_PLAUSIBILITY:
        raise DecodeError("binary file (does not read as text in any supported encoding)")
    return text, name


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


def _bomless_utf16(data: bytes) -> tuple[str, str]:
    """NULs in a text file only make sense as UTF-16 without a BOM."""
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    pairs = len(data) // 2
    if len(data) % 2 == 0 and pairs:
        name = None
        # ASCII puts its NUL in the high byte; a few CJK characters (U+4E00 一,
        # U+3000) have a NUL low byte, so one side only has to dominate.
        if odd > 4 * even:
            name = "utf-16-le"
        elif even > 4 * odd:
            name = "utf-16-be"
        if name is not None:
            text = _strict(data, name)
            if text is not None and plausibility(text) >= 0.5:
                return text, name
    raise DecodeError("binary file (contains NUL bytes)")


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


def _is_bad_control(ch: str) -> bool:
    return ch not in ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
