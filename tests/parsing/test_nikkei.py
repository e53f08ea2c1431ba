"""The Nikkei-style text format: the seed (issue acceptance), variants, bad input, dev corpus."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Article
from bot.parsing import parse_bytes

from .conftest import DEV_CORPUS, TOKYO

LEAD = "【ワシントン=坂口幸裕】トランプ米大統領は12日、ロシアのプーチン大統領と電話協議した。"
SECOND = "両首脳は相互訪問でも合意した。"


def make(
    *,
    head: str = "トランプ氏、交渉開始で合意",
    sub: str | None = None,
    main: bool = True,
    source: str | None = "Source: Nikkei Online, 2025年2月13日 3:59更新",
    caption: str | None = "電話会談したトランプ米大統領=AP",
    body: tuple[str, ...] = (LEAD, SECOND),
    end: bool = True,
    sep: str = "\n\n",
) -> str:
    header = head + (f"\n {sub}" if sub else "")
    parts = [header]
    if main:
        parts.append("<<Return to Main")
    if source:
        parts.append(source)
    if caption:
        parts.append(caption)
    parts.extend(body)
    if end:
        parts.append("<<Return to pageTop")
    return sep.join(parts) + "\n"


def parse(text: str, name: str = "a.txt", **kw: object) -> tuple[list[Article], str | None]:
    outcome = parse_bytes(text.encode("utf-8"), name, **kw)  # type: ignore[arg-type]
    return list(outcome.articles), outcome.reason


# --- the acceptance: the seed file -------------------------------------------------


@pytest.fixture(scope="module")
def seed_articles(seed_bytes: bytes) -> list[Article]:
    outcome = parse_bytes(seed_bytes, "000_c0298d739a49e9f8.txt")
    assert outcome.reason is None
    assert outcome.encoding == "utf-8"
    return list(outcome.articles)


SEED_EXPECTED = [
    {
        "title": "トランプ氏、戦争終結へ交渉開始 プーチン氏と合意",
        "subtitle": None,
        "published": datetime(2025, 2, 13, 3, 59, tzinfo=TOKYO),
        "dateline": "ワシントン",
        "byline": "坂口幸裕",
        "caption": "トランプ米大統領はロシアのプーチン大統領と電話会談した=AP",
        "lead_start": "トランプ米大統領は12日、自身のSNSで",
        "headings": [
            "トランプ氏「直ちに交渉を開始」",
            "ゼレンスキー氏とも電話協議",
            "接触を継続、対面での会談探る",
            "ロシアは領土割譲要求、交渉は難航か",
        ],
        "paragraphs": 22,
        "last_start": "一方、ロシアによる再侵略を抑止するため",
    },
    {
        "title": "トランプ政権、ロシアと直接協議へ転換",
        "subtitle": "ウクライナ打撃",
        "published": datetime(2025, 2, 13, 8, 46, tzinfo=TOKYO),
        "dateline": "ウィーン",
        "byline": "田中孝幸",
        "caption": (
            "米ロ首脳は相互訪問をすることでも合意した(2018年7月、"
            "フィンランドで開いた会談で握手するトランプ氏㊧とプーチン氏)=AP"
        ),
        "lead_start": "トランプ米大統領がロシアが侵略するウクライナでの",
        "headings": [
            "トランプ氏とプーチン氏、まずサウジアラビアで会談へ",
            "ウクライナに譲歩求める圧力も",
        ],
        "paragraphs": 20,
        "last_start": "ロシア国内では戦時下の高インフレや",
    },
]


def test_seed_has_two_articles(seed_articles: list[Article]) -> None:
    assert [a.title for a in seed_articles] == [e["title"] for e in SEED_EXPECTED]


@pytest.mark.parametrize("index", [0, 1])
def test_seed_article_fields(seed_articles: list[Article], index: int) -> None:
    article, expected = seed_articles[index], SEED_EXPECTED[index]
    assert article.subtitle == expected["subtitle"]
    assert article.source == "Nikkei Online"
    assert article.published == expected["published"]
    assert article.published is not None and article.published.utcoffset() == timedelta(hours=9)
    assert article.dateline == expected["dateline"]
    assert article.byline == expected["byline"]
    assert article.caption == expected["caption"]
    assert article.lead.startswith(expected["lead_start"])
    assert len(article.paragraphs) == expected["paragraphs"]
    assert article.paragraphs[-1].text.startswith(expected["last_start"])


@pytest.mark.parametrize("index", [0, 1])
def test_seed_caption_byline_and_markers_not_in_body(
    seed_articles: list[Article], index: int
) -> None:
    body = seed_articles[index].body
    for leftover in ("=AP", "【", "Source:", "<<Return", "握手するトランプ氏㊧"):
        assert leftover not in body


@pytest.mark.parametrize("index", [0, 1])
def test_seed_headings(seed_articles: list[Article], index: int) -> None:
    article = seed_articles[index]
    assert [p.text for p in article.paragraphs if p.kind == "heading"] == SEED_EXPECTED[index][
        "headings"
    ]
    # Every other paragraph of the seed is real prose ending in 。 (or a quote closing it).
    for p in article.paragraphs:
        if p.kind == "p":
            assert p.text.endswith(("。", "」")), p.text


# --- variants of the format ----------------------------------------------------------------

SOURCE_VARIANTS = [
    ("Source: Nikkei Online, 2025年2月13日 3:59更新", "Nikkei Online", (2025, 2, 13, 3, 59)),
    ("Source: Nikkei Online, 2025年2月13日 3:59", "Nikkei Online", (2025, 2, 13, 3, 59)),
    ("Source:  Nikkei Online ,  2025年 2月13日  3:59 更新", "Nikkei Online", (2025, 2, 13, 3, 59)),
    (
        "Source：日経電子版、２０２５年２月１３日　１５：０７更新",
        "日経電子版",
        (2025, 2, 13, 15, 7),
    ),
    ("  source: Kyodo, 2024年12月1日 0:05更新", "Kyodo", (2024, 12, 1, 0, 5)),
    ("Source: Kyodo, 2024年12月1日", "Kyodo", (2024, 12, 1, 0, 0)),
    ("Source: Kyodo, 2024-12-01 09:30", "Kyodo", (2024, 12, 1, 9, 30)),
]


@pytest.mark.parametrize(("line", "outlet", "when"), SOURCE_VARIANTS)
def test_source_line_variants(line: str, outlet: str, when: tuple[int, ...]) -> None:
    articles, reason = parse(make(source=line))
    assert reason is None
    assert articles[0].source == outlet
    assert articles[0].published == datetime(*when, tzinfo=TOKYO)


def test_source_line_with_explicit_zone_overrides_tz() -> None:
    articles, _ = parse(make(source="Source: Reuters, 2025年2月13日 3:59 UTC"))
    assert articles[0].published == datetime(2025, 2, 13, 3, 59, tzinfo=UTC)


def test_tz_parameter_is_used_for_plain_times() -> None:
    from zoneinfo import ZoneInfo

    outcome = parse_bytes(make().encode(), "a.txt", tz=ZoneInfo("Europe/Kyiv"))
    assert outcome.articles[0].published == datetime(
        2025, 2, 13, 3, 59, tzinfo=ZoneInfo("Europe/Kyiv")
    )


def test_source_without_date_keeps_outlet() -> None:
    articles, reason = parse(make(source="Source: Nikkei Online"))
    assert articles[0].source == "Nikkei Online" and articles[0].published is None
    assert reason is None


def test_impossible_date_keeps_article_and_says_so() -> None:
    articles, reason = parse(make(source="Source: Nikkei Online, 2025年2月30日 3:59更新"))
    assert articles[0].published is None
    assert reason is not None and "date not valid" in reason


CAPTIONS = [
    ("会見するラブロフ外相=ロイター", "会見するラブロフ外相=ロイター"),
    ("捕虜交換で解放された司令官ら(21日、ウクライナ内務省提供)=AFP時事", None),
    ("解放されアブダビの空港に到着した(右、10日)=UAE外務省提供・ロイター", None),
    ("演説する金正恩総書記(15日、平壌)=朝鮮中央通信・共同", None),
    ("首脳会談の会場(2018年7月、\nフィンランド)=AP", "首脳会談の会場(2018年7月、フィンランド)=AP"),
    (
        "首脳会談の会場(2018年7月、\n\nフィンランド)=AP",
        "首脳会談の会場(2018年7月、フィンランド)=AP",
    ),
]


@pytest.mark.parametrize(("caption", "expected"), CAPTIONS)
def test_captions_are_kept_out_of_the_body(caption: str, expected: str | None) -> None:
    articles, reason = parse(make(caption=caption))
    assert reason is None
    assert articles[0].caption == (expected or caption)
    assert [p.text for p in articles[0].paragraphs] == [LEAD.split("】")[1], SECOND]


def test_line_between_source_and_dateline_is_a_caption_whatever_its_credit() -> None:
    articles, _ = parse(make(caption="握手する両首脳(12日、リヤド)(AP)"))
    assert articles[0].caption == "握手する両首脳(12日、リヤド)(AP)"
    assert articles[0].dateline == "ワシントン"
    assert len(articles[0].paragraphs) == 2


def test_no_caption_lead_right_after_source() -> None:
    articles, _ = parse(make(caption=None))
    assert articles[0].caption is None
    assert articles[0].dateline == "ワシントン"


def test_caption_later_in_body_with_agency_credit() -> None:
    body = (LEAD, "ヘグセス米国防長官(12日、ブリュッセル)=ロイター", SECOND)
    articles, _ = parse(make(caption=None, body=body))
    assert articles[0].caption == "ヘグセス米国防長官(12日、ブリュッセル)=ロイター"
    assert len(articles[0].paragraphs) == 2


DATELINES = [
    (LEAD, "ワシントン", "坂口幸裕"),
    ("【ロンドン=共同】英政府は1日、声明を出した。", "ロンドン", "共同"),
    (
        "【ワシントン=坂口幸裕、ブリュッセル=田中孝幸】米欧は協議した。",
        "ワシントン",
        "坂口幸裕、田中孝幸",
    ),
    ("【キーウ＝高畑真一】全角の等号でも読める。", "キーウ", "高畑真一"),
    ("【速報】これは日付行ではない。", None, None),
    ("ロシア外務省は21日、声明を発表した。", None, None),
]


@pytest.mark.parametrize(("lead", "dateline", "byline"), DATELINES)
def test_dateline_and_byline(lead: str, dateline: str | None, byline: str | None) -> None:
    articles, _ = parse(make(body=(lead, SECOND)))
    article = articles[0]
    assert (article.dateline, article.byline) == (dateline, byline)
    assert article.paragraphs[0].kind == "p"
    assert article.paragraphs[0].text == (lead.split("】", 1)[1] if dateline else lead)


def test_dateline_alone_on_its_line() -> None:
    articles, _ = parse(make(body=("【モスクワ=大野健司】", "ロシア外務省は声明を出した。")))
    assert articles[0].dateline == "モスクワ"
    assert [p.text for p in articles[0].paragraphs] == ["ロシア外務省は声明を出した。"]


HEADINGS = [
    ("トランプ氏「直ちに交渉を開始」", "heading"),
    ("「決定的な一歩」", "heading"),
    ("接触を継続、対面での会談探る", "heading"),
    ("NATO第5条に似た保証", "heading"),
    ("「プーチン氏と合意した。」", "p"),
    ("「感謝したい」。トランプ氏は述べた。", "p"),
    (
        "ロシアは11日、拘束していた米国人を解放し、米国は声明で歓迎の意を示したが詳細は明らかにしていない",
        "p",
    ),
]


@pytest.mark.parametrize(("line", "kind"), HEADINGS)
def test_subheadings(line: str, kind: str) -> None:
    articles, _ = parse(make(body=(LEAD, line, SECOND)))
    assert (articles[0].paragraphs[1].text, articles[0].paragraphs[1].kind) == (line, kind)


LAYOUTS = {
    "no Return to Main": {"main": False},
    "no blank lines at all": {"sep": "\n"},
    "many blank lines": {"sep": "\n\n\n\n"},
    "with an indented sub-headline": {"sub": "ウクライナ打撃"},
    "paragraphs indented with full-width spaces": {"body": (LEAD, "\u3000" + SECOND)},
    "no end marker (single article)": {"end": False},
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_layouts_parse_the_same(layout: dict[str, object]) -> None:
    expected, _ = parse(make())
    articles, reason = parse(make(**layout))  # type: ignore[arg-type]
    assert reason is None
    assert len(articles) == 1
    assert articles[0].paragraphs == expected[0].paragraphs
    assert articles[0].caption == expected[0].caption
    assert articles[0].published == expected[0].published


def test_full_width_space_indent_is_a_subheadline() -> None:
    text = "見出しの一行目\n\u3000サブ見出し\n\nSource: Kyodo, 2025年1月2日 3:04更新\n\n" + LEAD
    articles, _ = parse(text)
    assert articles[0].subtitle == "サブ見出し"


def test_two_sub_headline_lines() -> None:
    articles, _ = parse(make(sub="北方領土交流も停止\n 日本政府は抗議"))
    assert articles[0].subtitle == "北方領土交流も停止 日本政府は抗議"


def test_several_articles_and_end_marker_glued_to_a_paragraph() -> None:
    one = make(head="一本目の記事").replace(f"{SECOND}\n\n<<Return", f"{SECOND}<<Return")
    two = make(head="二本目の記事", main=False, sub="副見出し")
    articles, reason = parse(one + "\n\n\n" + two)
    assert reason is None
    assert [(a.title, a.subtitle) for a in articles] == [
        ("一本目の記事", None),
        ("二本目の記事", "副見出し"),
    ]
    assert articles[0].paragraphs[-1].text == SECOND


def test_missing_end_marker_between_articles_is_split_at_source() -> None:
    text = make(head="一本目の記事", end=False) + "\n" + make(head="二本目の記事", sub="副見出し")
    articles, _ = parse(text)
    assert [(a.title, a.subtitle) for a in articles] == [
        ("一本目の記事", None),
        ("二本目の記事", "副見出し"),
    ]
    assert [len(a.paragraphs) for a in articles] == [2, 2]


def test_crlf_and_cr_line_ends() -> None:
    expected, _ = parse(make())
    for newline in ("\r\n", "\r"):
        articles, _ = parse(make().replace("\n", newline))
        assert articles == expected


# --- bad and partial input -----------------------------------------------------------------


BAD_FILES = {
    "headline and Source only": (make(caption=None, body=()), "no body text"),
    "headline, Source and caption only": (make(body=()), "no body text"),
    "Source without headline": (make(head="").lstrip(), "no headline"),
    "headings only": (make(caption=None, body=("見出しだけ", "もう一つの見出し")), "no body text"),
    "markers only": ("<<Return to Main\n\n<<Return to pageTop\n", None),
    "body text where the headline should be": (
        make(head="ロシア外務省は21日、声明を発表した。", main=False, source=None, caption=None),
        "no headline (the first line is body text",
    ),
}


@pytest.mark.parametrize(("text", "fragment"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_no_article_found(text: str, fragment: str | None) -> None:
    articles, reason = parse(text)
    assert articles == []
    assert reason is not None and reason.startswith("no article found")
    assert "\n" not in reason
    if fragment:
        assert fragment in reason


def test_good_articles_kept_and_bad_ones_reported() -> None:
    bad = make(head="壊れた記事", caption=None, body=())
    text = make(head="一本目の記事") + "\n" + bad + "\n" + make(head="三本目の記事")
    articles, reason = parse(text)
    assert [a.title for a in articles] == ["一本目の記事", "三本目の記事"]
    assert reason is not None and "article 2" in reason and "壊れた記事" in reason
    assert "no body text" in reason


def test_truncated_last_article_is_kept_with_a_note(seed_text: str) -> None:
    cut = seed_text[: seed_text.index("米国はバイデン前政権時には")]
    articles, reason = parse(cut)
    assert [a.title for a in articles] == [e["title"] for e in SEED_EXPECTED]
    assert len(articles[1].paragraphs) == 1
    assert reason is not None and "article 2" in reason and "cut short" in reason


def test_max_articles_limits_and_says_so(seed_text: str) -> None:
    articles, reason = parse(seed_text, max_articles=1)
    assert len(articles) == 1
    assert reason == "only the first 1 articles were read (limit)"


# --- the dev corpus ------------------------------------------------------------------------


def _dev_files() -> list[tuple[str, list[dict[str, object]]]]:
    labels = DEV_CORPUS / "labels.json"
    if not labels.is_file():
        return []
    data = json.loads(labels.read_text(encoding="utf-8"))
    return [(f["file"], f["articles"]) for f in data["files"]]


DEV_FILES = _dev_files()


@pytest.mark.skipif(not DEV_FILES, reason=f"dev corpus not found at {DEV_CORPUS}")
def test_dev_corpus_has_eighteen_files() -> None:
    assert len(DEV_FILES) == 18


@pytest.mark.skipif(not DEV_FILES, reason=f"dev corpus not found at {DEV_CORPUS}")
@pytest.mark.parametrize(("name", "labelled"), DEV_FILES, ids=[f for f, _ in DEV_FILES])
def test_dev_corpus_file(name: str, labelled: list[dict[str, object]]) -> None:
    outcome = parse_bytes((DEV_CORPUS / name).read_bytes(), name)
    assert outcome.reason is None
    assert [a.title for a in outcome.articles] == [a["title"] for a in labelled]
    assert [a.published.isoformat() for a in outcome.articles if a.published] == [
        a["published"] for a in labelled
    ]
    for article in outcome.articles:
        assert article.source and article.dateline and article.byline
        assert "【" not in article.body and "Source:" not in article.body
        if article.caption:
            assert article.caption not in article.body


def _without_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if line.strip())


def _without_markers(text: str) -> str:
    return text.replace("<<Return to pageTop", "").replace("<<Return to Main", "")


DAMAGED_LAYOUTS = {
    "no blank lines": _without_blank_lines,
    "no markers": _without_markers,
    "no markers, no blank lines": lambda t: _without_blank_lines(_without_markers(t)),
    "blank lines doubled": lambda t: t.replace("\n\n", "\n\n\n\n"),
}


@pytest.mark.parametrize("change", DAMAGED_LAYOUTS.values(), ids=DAMAGED_LAYOUTS.keys())
def test_seed_layout_changes_give_the_same_articles(
    seed_articles: list[Article], seed_text: str, change: Callable[[str], str]
) -> None:
    articles, reason = parse(change(seed_text))
    assert reason is None
    assert articles == seed_articles


@pytest.mark.skipif(not DEV_FILES, reason=f"dev corpus not found at {DEV_CORPUS}")
@pytest.mark.parametrize("change", DAMAGED_LAYOUTS.values(), ids=DAMAGED_LAYOUTS.keys())
def test_dev_corpus_layout_changes_give_the_same_articles(change: Callable[[str], str]) -> None:
    for name, _ in DEV_FILES:
        text = (DEV_CORPUS / name).read_text(encoding="utf-8")
        expected, _ = parse(text)
        articles, _ = parse(change(text))
        assert articles == expected, name
