"""Text helpers of the views: cuts at sentence ends, colours, JSON round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.views import cut_text, first_sentence, parse_colour


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("短い文。", 10, "短い文。"),
        ("一文目です。二文目はとても長くて入りきらない。", 12, "一文目です。"),
        ("句点のない長い長い長い長い文章", 8, "句点のない長い…"),
        ("あ。" + "い" * 30, 20, "あ。" + "い" * 17 + "…"),  # a 。 too early is not used
        ("本当か？そうだ。", 5, "本当か？"),
        ("  改行\nを含む\n文。 ", 20, "改行 を含む 文。"),
        ("何か", 0, ""),
    ],
)
def test_cut_text(text: str, limit: int, expected: str) -> None:
    assert cut_text(text, limit) == expected


@given(st.text(alphabet="あいう。！？ab \n", max_size=300), st.integers(1, 200))
def test_cut_text_never_exceeds_the_limit(text: str, limit: int) -> None:
    out = cut_text(text, limit)
    assert len(out) <= limit
    assert out.endswith(("。", "！", "？", "!", "?", "…")) or out == " ".join(text.split())


def test_first_sentence() -> None:
    assert first_sentence("ロシアは反発した。ウクライナは歓迎した。") == "ロシアは反発した。"
    assert first_sentence("句点なし", 10) == "句点なし"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#E67E22", 0xE67E22), ("e67e22", 0xE67E22), (0x2E86DE, 0x2E86DE), ("red", None),
     (None, None), (True, None), (0x1000000, None)],
)  # fmt: skip
def test_parse_colour(value: object, expected: int | None) -> None:
    assert parse_colour(value) == expected
