"""store_analyzed: new / updated / unchanged, topics with evidence, people, alerts only when new."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.models import ActorRef, Analysis, Article, Paragraph, QuoteRef, TopicTag
from bot.nlp.pipeline import Analyzed
from bot.nlp.tokenizer import get_tokenizer
from bot.storage.articles import (
    count_articles,
    get_article,
    iter_articles,
    store_analyzed,
    topic_evidence,
    write_analysis,
)
from bot.storage.db import Database
from bot.storage.files import record_file
from bot.storage.search import search

TOKYO = ZoneInfo("Asia/Tokyo")
T0 = datetime(2025, 2, 13, 3, 59, tzinfo=TOKYO)


def article(
    body: str = "ロシアとウクライナは停戦交渉を始めた。",
    *,
    title: str = "停戦交渉が始まる",
    published: datetime | None = T0,
    source: str | None = "Nikkei Online",
) -> Article:
    return Article(
        title=title,
        subtitle="双方が合意",
        paragraphs=(Paragraph("交渉の行方"), Paragraph(body, "p")),
        source=source,
        published=published,
        dateline="モスクワ",
        byline="記者",
        caption="会談する両首脳=AP",
    )


def analyzed(a: Article, topics: list[str] = ("ceasefire_talks",), people: bool = True) -> Analyzed:
    doc = get_tokenizer().parse(a.nlp_text())
    tags = [TopicTag(t, 0.9, evidence=[a.paragraphs[-1].text], terms=["停戦"]) for t in topics]
    actors = (
        [
            ActorRef(
                "peskov", "ペスコフ", "Dmitry Peskov", role="ロシア大統領報道官", names=["ペスコフ"]
            )
        ]
        if people
        else []
    )
    quotes = [QuoteRef("交渉を始める", speaker="peskov", sentence=3)] if people else []
    return Analyzed(Analysis(topics=tags, actors=actors, quotes=quotes), doc)


async def store(db: Database, a: Article, **kw) -> object:
    async with db.transaction():
        return await store_analyzed(db, a, analyzed(a, **kw), None)


async def subscribe(db: Database, channel: str, topics: list[str]) -> None:
    async with db.transaction():
        await db.execute(
            "INSERT INTO subscriptions (platform, channel_id, topics, created_at)"
            " VALUES ('console', ?, ?, '2025-01-01T00:00:00+00:00')",
            (channel, json.dumps(topics)),
        )


async def test_new_article_round_trips_with_its_parts(db: Database) -> None:
    a = article()
    res = await store(db, a)
    assert res.status == "new"
    stored = await get_article(db, res.article_id)
    assert stored is not None
    assert stored.article == a
    assert stored.content_hash == a.content_hash
    assert stored.published_utc == "2025-02-12T18:59:00+00:00"
    assert stored.revision == 1
    assert stored.topics == {"ceasefire_talks": 0.9}


async def test_file_id_is_recorded(db: Database) -> None:
    a = article()
    async with db.transaction():
        fid = await record_file(db, name="a.txt", sha256="s1", size=10, status="ingested")
        res = await store_analyzed(db, a, analyzed(a), fid)
    stored = await get_article(db, res.article_id)
    assert stored is not None and stored.file_id == fid


async def test_topic_evidence_is_json_with_sentences_and_terms(db: Database) -> None:
    res = await store(db, article())
    ev = await topic_evidence(db, res.article_id)
    assert ev == {
        "ceasefire_talks": {
            "score": 0.9,
            "sentences": ["ロシアとウクライナは停戦交渉を始めた。"],
            "terms": ["停戦"],
        }
    }


async def test_people_and_quotes_are_stored(db: Database) -> None:
    res = await store(db, article())
    actors = await db.fetchall("SELECT actor_id, role, seen_at FROM article_actors")
    assert [tuple(r) for r in actors] == [
        ("peskov", "ロシア大統領報道官", "2025-02-12T18:59:00+00:00")
    ]
    quotes = await db.fetchall("SELECT article_id, actor_id, text FROM quotes")
    assert [tuple(r) for r in quotes] == [(res.article_id, "peskov", "交渉を始める")]


# (second arrival relative to the first, expected status, expected stored body, stale)
CASES = [
    ("same", "unchanged", "first", False),
    ("later_new_text", "updated", "second", False),
    ("earlier_new_text", "unchanged", "first", True),
    ("same_time_new_text", "unchanged", "first", True),
    ("no_time_new_text", "unchanged", "first", True),
]


@pytest.mark.parametrize(("case", "status", "kept", "stale"), CASES)
async def test_second_arrival(db: Database, case: str, status: str, kept: str, stale: bool) -> None:
    bodies = {"first": "最初の版の本文である。", "second": "更新された本文で停戦に触れた。"}
    first = article(bodies["first"])
    second = {
        "same": article(bodies["first"]),
        "later_new_text": article(bodies["second"], published=T0 + timedelta(hours=2)),
        "earlier_new_text": article(bodies["second"], published=T0 - timedelta(hours=2)),
        "same_time_new_text": article(bodies["second"]),
        "no_time_new_text": article(bodies["second"], published=None),
    }[case]
    r1 = await store(db, first)
    r2 = await store(db, second)
    assert r2.article_id == r1.article_id
    assert (r2.status, r2.stale) == (status, stale)
    assert await count_articles(db) == 1
    stored = await get_article(db, r1.article_id)
    assert stored is not None
    assert stored.article.paragraphs[-1].text == bodies[kept]
    assert stored.revision == (2 if status == "updated" else 1)


async def test_update_replaces_search_row_topics_and_people(db: Database) -> None:
    first = article("最初の版で捕虜交換に触れた。")
    r1 = await store(db, first, topics=["prisoner_release"])
    later = article("北大西洋条約機構NATOの首脳会議が開かれた。", published=T0 + timedelta(hours=1))
    r2 = await store(db, later, topics=["nato"], people=False)
    assert r2.status == "updated"
    tok = get_tokenizer()
    assert [h.article_id for h in await search(db, "NATO", tok)] == [r1.article_id]
    assert await search(db, "捕虜交換", tok) == []
    stored = await get_article(db, r1.article_id)
    assert stored is not None and stored.topics == {"nato": 0.9}
    assert await db.fetchall("SELECT * FROM article_actors") == []
    fts = await db.fetchone("SELECT COUNT(*) FROM articles_fts")
    assert fts is not None and fts[0] == 1


async def test_different_outlet_same_headline_is_another_article(db: Database) -> None:
    await store(db, article(source="Nikkei Online"))
    res = await store(db, article(source="共同通信"))
    assert res.status == "new"
    assert await count_articles(db) == 2


async def test_alerts_owed_only_for_new_articles(db: Database) -> None:
    await subscribe(db, "c1", ["ceasefire_talks"])
    await subscribe(db, "c2", ["nato"])
    await subscribe(db, "c3", ["*"])
    r1 = await store(db, article())
    assert r1.alerts == 2
    later = article("更新版の本文。", published=T0 + timedelta(hours=1))
    r2 = await store(db, later, topics=["nato"])
    assert r2.status == "updated" and r2.alerts == 0
    rows = await db.fetchall("SELECT channel_id FROM outbox ORDER BY channel_id")
    assert [r[0] for r in rows] == ["c1", "c3"]


async def test_write_analysis_never_owes_alerts(db: Database) -> None:
    r1 = await store(db, article(), topics=[])
    await subscribe(db, "c1", ["nato"])
    a = article()
    async with db.transaction():
        await write_analysis(db, r1.article_id, a, analyzed(a, topics=["nato"]), seen_at=None)
    assert await db.fetchall("SELECT * FROM outbox") == []
    stored = await get_article(db, r1.article_id)
    assert stored is not None and stored.topics == {"nato": 0.9}


async def test_article_without_source_or_time(db: Database) -> None:
    a = article(source=None, published=None)
    res = await store(db, a)
    stored = await get_article(db, res.article_id)
    assert stored is not None
    assert stored.article.source is None and stored.article.published is None
    assert stored.published_utc is None


async def test_iter_articles_walks_all_in_batches(db: Database) -> None:
    ids = [(await store(db, article(title=f"見出し{i}"))).article_id for i in range(5)]
    seen = [i async for i, _, _ in iter_articles(db, batch=2)]
    assert seen == ids
