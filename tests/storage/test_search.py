"""Full-text search over fugashi tokens: two-character words, Latin terms, phrases, ranking."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.models import Analysis, Article, Paragraph
from bot.nlp.pipeline import Analyzed
from bot.nlp.tokenizer import get_tokenizer
from bot.storage.articles import store_analyzed
from bot.storage.db import Database
from bot.storage.search import build_match, make_snippet, search

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))

CORPUS = {
    "talks": (
        "トランプ氏、戦争終結へ交渉開始",
        "ロシアのペスコフ大統領報道官は記者団に説明した。ウクライナ停戦に向けた協議が続く。"
        "捕虜の扱いも議題になった。ゼレンスキー大統領も歓迎した。",
    ),
    "nato": (
        "NATO首脳会議が開幕",
        "北大西洋条約機構（ＮＡＴＯ）の首脳会議で加盟国は国防費の増額を議論した。",
    ),
    "wages": ("春闘、賃上げ交渉が本格化", "労使の賃上げ交渉が山場を迎えた。"),
    "swap": (
        "捕虜交換を実施",
        "ロシアとウクライナは捕虜を交換した。ただし停戦は見通せない。",
    ),
}


@pytest.fixture
async def ids(db: Database) -> dict[str, int]:
    out = {}
    async with db.transaction():
        for i, (key, (title, body)) in enumerate(CORPUS.items()):
            a = Article(
                title=title,
                paragraphs=(Paragraph(body),),
                source="Nikkei Online",
                published=T0 + timedelta(hours=i),
            )
            analyzed = Analyzed(Analysis(), get_tokenizer().parse(a.nlp_text()))
            out[key] = (await store_analyzed(db, a, analyzed, None)).article_id
    return out


QUERIES = [
    ("停戦", {"talks", "swap"}),  # two characters
    ("捕虜", {"talks", "swap"}),
    ("NATO", {"nato"}),
    ("nato", {"nato"}),  # Latin case folded
    ("ＮＡＴＯ", {"nato"}),  # full-width, NFKC
    ("ペスコフ", {"talks"}),  # unknown name split differently when alone
    ("ウクライナ停戦", {"talks"}),  # phrase: adjacent tokens only
    ("停戦 捕虜", {"talks", "swap"}),  # parts ANDed
    ("停戦 NATO", set()),
    ("賃上げ交渉", {"wages"}),
    ("交渉", {"talks", "wages"}),
    ("スキー", set()),  # inside ゼレンスキー, not a word of its own
    ("加盟国", {"nato"}),
    ("NATO OR 停戦", set()),  # operators are words, not syntax
    ('停戦"', {"talks", "swap"}),
    ("*", set()),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
async def test_query(db: Database, ids: dict[str, int], query: str, expected: set[str]) -> None:
    hits = await search(db, query, get_tokenizer(), limit=10)
    names = {k for k, v in ids.items() if v in {h.article_id for h in hits}}
    assert names == expected


async def test_title_match_ranks_first(db: Database, ids: dict[str, int]) -> None:
    hits = await search(db, "捕虜", get_tokenizer())
    assert [h.article_id for h in hits] == [ids["swap"], ids["talks"]]


async def test_limit(db: Database, ids: dict[str, int]) -> None:
    assert len(await search(db, "交渉", get_tokenizer(), limit=1)) == 1


async def test_hit_fields_and_snippet_from_original_text(db: Database, ids: dict[str, int]) -> None:
    (hit,) = await search(db, "ペスコフ", get_tokenizer())
    assert hit.title == "トランプ氏、戦争終結へ交渉開始"
    assert hit.source == "Nikkei Online"
    assert hit.published == T0.isoformat()
    assert "ロシアのペスコフ大統領報道官" in hit.snippet
    assert hit.as_json()["id"] == ids["talks"]


@pytest.mark.parametrize("query", ["", "   ", "「」、。", "・"])
def test_nothing_searchable(query: str) -> None:
    assert build_match(query, get_tokenizer()) is None


@pytest.mark.parametrize(
    ("body", "query", "expected"),
    [
        ("あ" * 100 + "停戦" + "い" * 100, "停戦", "…" + "あ" * 30 + "停戦" + "い" * 68 + "…"),
        ("短い本文。", "無関係", "短い本文。"),
        ("ＮＡＴＯは\n\n加盟を", "nato", "ＮＡＴＯは 加盟を"),
    ],
)
def test_make_snippet(body: str, query: str, expected: str) -> None:
    assert make_snippet(body, query) == expected
