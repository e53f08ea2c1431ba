"""Encodings (SPEC §2.3): the seed re-encoded every way a newsroom might, short strings,
binary and empty files, the size limit."""

from __future__ import annotations

import codecs

import pytest

from bot.parsing import DecodeError, decode, parse_bytes

# The seed uses ①②③④ and ㊧: NEC special characters that CP932 has (row 13) but strict
# EUC-JP (JIS X 0208, Python's "euc_jp") has not. Windows-made "eucJP-ms" files put them at
# the same code points as EUC-JIS-2004, so that codec stands in for such a producer here;
# the pure-JIS X 0208 path is tested separately with those characters spelled out.
NEC_SPECIALS = str.maketrans({"①": "(1)", "②": "(2)", "③": "(3)", "④": "(4)", "㊧": "(左)"})


def _encode(text: str, codec: str, bom: bytes = b"") -> bytes:
    return bom + text.encode(codec)


ENCODINGS = {
    "utf-8 with BOM": ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    "utf-16 LE with BOM": ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16-le"),
    "utf-16 BE with BOM": ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16-be"),
    "cp932": ("cp932", b"", "cp932"),
    "eucJP-ms (NEC row 13)": ("euc_jis_2004", b"", "euc_jis_2004"),
}


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"], ids=["CRLF", "CR", "LF"])
@pytest.mark.parametrize(("codec", "bom", "name"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_seed_in_every_encoding_parses_the_same(
    seed_bytes: bytes, seed_text: str, codec: str, bom: bytes, name: str, newline: str
) -> None:
    expected = parse_bytes(seed_bytes, "seed.txt")
    data = _encode(seed_text.replace("\n", newline), codec, bom)
    outcome = parse_bytes(data, "seed.txt")
    assert outcome.encoding == name
    assert outcome.reason is None
    assert outcome.articles == expected.articles


def test_nec_specials_are_not_in_strict_euc_jp() -> None:
    for ch in "①㊧":
        with pytest.raises(UnicodeEncodeError):
            ch.encode("euc_jp")


@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["CRLF", "LF"])
def test_seed_in_strict_euc_jp(seed_text: str, newline: str) -> None:
    plain = seed_text.translate(NEC_SPECIALS)
    expected = parse_bytes(plain.encode("utf-8"), "seed.txt")
    outcome = parse_bytes(plain.replace("\n", newline).encode("euc_jp"), "seed.txt")
    assert outcome.encoding == "euc-jp"
    assert outcome.articles == expected.articles
    assert len(outcome.articles) == 2


def test_seed_utf16_without_bom_is_detected(seed_text: str) -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        text, name = decode(seed_text.encode(codec))
        assert (text, name) == (seed_text, codec)


SHORT = [
    "露軍が東部要衝を制圧",  # 10-character headline
    "停戦交渉",
    "首相",
    "拗",
    "ゼレンスキー",
    "ペスコフ氏",
    "プーチン氏と合意",
    "捕虜交換",
    "北方領土",
    "NATO加盟",
    "第5条",
    "ウクライナ打撃",
    "「決定的な一歩」",
    "①停戦②撤退",
]


@pytest.mark.parametrize("text", SHORT)
@pytest.mark.parametrize("codec", ["cp932", "euc-jp"])
def test_short_strings_are_detected(text: str, codec: str) -> None:
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        data = text.encode("euc_jis_2004")
        codec = "euc_jis_2004"
    assert decode(data) == (text, codec)


@pytest.mark.parametrize("codec", ["cp932", "euc-jp"])
def test_every_character_of_the_seed_alone(seed_text: str, codec: str) -> None:
    """The hardest case: one character, in both legacy encodings."""
    wrong = []
    for ch in sorted(set(seed_text) - set("\n")):
        try:
            data = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        text, _ = decode(data)
        if text != ch:
            wrong.append(ch)
    assert wrong == []


def test_utf8_cut_inside_a_character_drops_only_that_character() -> None:
    data = "停戦交渉".encode()[:-1]
    assert decode(data) == ("停戦交", "utf-8")


def test_iso_2022_jp() -> None:
    text = "停戦交渉が始まった。\n"
    assert decode(text.encode("iso-2022-jp")) == (text, "iso-2022-jp")


BINARY = {
    "PNG": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary file (PNG image)"),
    "PDF": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "binary file (PDF document)"),
    "NUL bytes": (b"abc\x00\x01\x02def\x00\x00\x10", "binary file (contains NUL bytes)"),
    "control characters": (b"\x01\x02\x03\x04 hello \x05\x06\x07\x08", "binary file"),
    "all high bytes": (bytes(range(0x80, 0x100)) * 4, None),
}


@pytest.mark.parametrize(("data", "reason"), BINARY.values(), ids=BINARY.keys())
def test_binary_is_rejected(data: bytes, reason: str | None) -> None:
    with pytest.raises(DecodeError) as info:
        decode(data)
    outcome = parse_bytes(data, "x.txt")
    assert outcome.articles == ()
    assert outcome.reason == info.value.reason
    if reason:
        assert info.value.reason.startswith(reason)


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\n\t ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, "\u3000\n".encode("cp932")],
    ids=["zero bytes", "whitespace", "UTF-8 BOM only", "UTF-16 BOM only", "full-width space"],
)
def test_empty_files(data: bytes) -> None:
    for name in ("a.txt", "a.json", "a.jsonl"):
        assert parse_bytes(data, name).reason == "empty file"


def test_size_limit(seed_bytes: bytes) -> None:
    outcome = parse_bytes(seed_bytes, "seed.txt", max_bytes=1000)
    assert outcome.articles == ()
    assert outcome.reason == f"file is {len(seed_bytes)} bytes, over the limit of 1000"
    assert parse_bytes(seed_bytes, "seed.txt", max_bytes=len(seed_bytes)).ok


def test_cp932_and_euc_jp_give_the_same_unicode_for_the_wave_dash() -> None:
    """CP932 maps 0x8160 to U+FF5E, EUC-JP and the seed use U+301C (〜)."""
    text = "14〜16日に会議を開く。−5‖"
    assert decode(text.encode("cp932"))[0] == text
    assert decode(text.encode("euc_jp"))[0] == text


def _damage(data: bytes, positions: list[int], value: int) -> bytes:
    damaged = bytearray(data)
    for position in positions:
        damaged[position] = value
    return bytes(damaged)


DAMAGE = {
    "utf-8, one bad byte": ("utf-8", b"", [3000], 0xFF),
    "utf-8, a stray NUL": ("utf-8", b"", [3001], 0x00),
    "utf-8 BOM, two bad bytes": ("utf-8", codecs.BOM_UTF8, [2000, 5000], 0xFF),
    "cp932, one bad byte": ("cp932", b"", [2001], 0xFF),
}


@pytest.mark.parametrize(("codec", "bom", "positions", "value"), DAMAGE.values(), ids=DAMAGE.keys())
def test_a_few_damaged_bytes_are_shown_and_reported(
    seed_text: str, codec: str, bom: bytes, positions: list[int], value: int
) -> None:
    data = _damage(bom + seed_text.encode(codec), positions, value)
    outcome = parse_bytes(data, "seed.txt")
    assert len(outcome.articles) == 2
    assert outcome.reason is not None and "damaged spot(s) shown as U+FFFD" in outcome.reason
    assert "\ufffd" in "".join(a.body + a.title + (a.caption or "") for a in outcome.articles)


def test_heavy_damage_is_rejected(seed_bytes: bytes) -> None:
    data = _damage(seed_bytes, list(range(100, 7000, 97)), 0xFF)
    outcome = parse_bytes(data, "seed.txt")
    assert outcome.articles == ()
    assert outcome.reason == "undecodable text (not UTF-8, UTF-16, CP932 or EUC-JP)"
