"""Property tests: parse_bytes never raises and always explains itself.

Inputs: arbitrary bytes, arbitrary text, and the seed mutated the ways files get damaged
(cut short at any point, bytes flipped), in every encoding the parser reads.
"""

from __future__ import annotations

import codecs

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import ParseOutcome
from bot.parsing import decode, parse_bytes, parse_text

from .conftest import SEED

SEED_BYTES = SEED.read_bytes()
SEED_TEXT = SEED_BYTES.decode("utf-8")
EXPECTED = parse_bytes(SEED_BYTES, "seed.txt").articles
TITLES = {a.title for a in EXPECTED}
NAMES = st.sampled_from(["a.txt", "a.TXT", "a.json", "a.jsonl", "noext", "a.md"])
ENCODED_SEEDS = {
    "utf-8": SEED_BYTES,
    "utf-8-sig": codecs.BOM_UTF8 + SEED_BYTES,
    "utf-16-le": codecs.BOM_UTF16_LE + SEED_TEXT.encode("utf-16-le"),
    "cp932": SEED_TEXT.replace("\n", "\r\n").encode("cp932"),
    "euc_jis_2004": SEED_TEXT.encode("euc_jis_2004"),
}
COMMON = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(outcome: ParseOutcome) -> None:
    """The contract every outcome keeps."""
    assert isinstance(outcome, ParseOutcome)
    assert outcome.articles or outcome.reason
    if outcome.reason is not None:
        assert outcome.reason.strip() and "\n" not in outcome.reason
        assert not outcome.reason.startswith("internal parser error"), outcome.reason
    for article in outcome.articles:
        assert article.title.strip()
        assert any(p.kind == "p" and p.text.strip() for p in article.paragraphs)
        assert article.published is None or article.published.tzinfo is not None


@COMMON
@given(data=st.binary(max_size=4096), name=NAMES)
def test_arbitrary_bytes(data: bytes, name: str) -> None:
    check(parse_bytes(data, name))


@COMMON
@given(text=st.text(max_size=2000), name=NAMES)
def test_arbitrary_text(text: str, name: str) -> None:
    check(parse_bytes(text.encode("utf-8", "surrogatepass"), name))


@COMMON
@given(text=st.text(max_size=2000), name=NAMES)
def test_parse_text_arbitrary_text(text: str, name: str) -> None:
    check(parse_text(text, name))


LINES = st.sampled_from(
    [
        "",
        " ",
        "見出し",
        " サブ見出し",
        "<<Return to Main",
        "<<Return to pageTop",
        "Source: Nikkei Online, 2025年2月13日 3:59更新",
        "Source: X, 2025年13月40日 25:99更新",
        "写真の説明(12日)=AP",
        "(2018年7月、",
        "【ワシントン=坂口幸裕】本文です。",
        "【",
        "本文の段落です。",
        "「引用。」",
        "{",
        "[",
        '{"title": "t", "body": "本文です。"}',
        "\u3000",
    ]
)


@COMMON
@given(lines=st.lists(LINES, max_size=40), name=NAMES)
def test_arbitrary_arrangements_of_format_lines(lines: list[str], name: str) -> None:
    check(parse_bytes("\n".join(lines).encode("utf-8"), name))


@COMMON
@given(encoding=st.sampled_from(sorted(ENCODED_SEEDS)), cut=st.integers(min_value=0))
def test_seed_cut_short_anywhere(encoding: str, cut: int) -> None:
    data = ENCODED_SEEDS[encoding]
    cut %= len(data) + 1
    outcome = parse_bytes(data[:cut], "seed.txt")
    check(outcome)
    # Cutting never invents an article: every title found is a real one.
    assert {a.title for a in outcome.articles} <= TITLES
    codec = "utf-16-le" if encoding == "utf-16-le" else "ascii"
    marker = "<<Return to pageTop".encode(codec)
    if cut >= data.index(marker) + len(marker):
        # The first article was complete before the cut: it is read exactly.
        assert outcome.articles[0] == EXPECTED[0]


@COMMON
@given(
    encoding=st.sampled_from(sorted(ENCODED_SEEDS)),
    flips=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
        min_size=1,
        max_size=8,
    ),
)
def test_seed_with_flipped_bytes(encoding: str, flips: list[tuple[int, int]]) -> None:
    data = bytearray(ENCODED_SEEDS[encoding])
    for position, value in flips:
        data[position % len(data)] = value
    check(parse_bytes(bytes(data), "seed.txt"))


@COMMON
@given(data=st.binary(max_size=300))
def test_decode_raises_only_decode_error(data: bytes) -> None:
    from bot.parsing import DecodeError

    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        assert exc.reason and "\n" not in exc.reason
    else:
        assert "\r" not in text
        assert encoding
