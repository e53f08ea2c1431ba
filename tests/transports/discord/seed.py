"""Articles stored the way the ingest stores them (real tokenizer, real storage), with the
topics and people given explicitly so these transport tests do not depend on the tagger."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.models import ActorRef, Analysis, Article, Paragraph, QuoteRef, TopicTag
from bot.nlp.pipeline import Analyzed
from bot.nlp.tokenizer import get_tokenizer
from bot.storage.articles import store_analyzed
from bot.storage.db import Database

JST = ZoneInfo("Asia/Tokyo")


async def store(
    db: Database,
    title: str,
    lead: str,
    topic: str = "nato",
    published: datetime | None = None,
    terms: tuple[str, ...] = ("NATO",),
) -> int:
    article = Article(
        title=title,
        paragraphs=(Paragraph(lead), Paragraph("北大西洋条約機構（NATO）の会合が開かれた。")),
        source="Nikkei Online",
        published=published or datetime(2025, 2, 13, 9, 30, tzinfo=JST),
    )
    doc = get_tokenizer().parse(article.nlp_text())
    analysis = Analysis(
        topics=[TopicTag(topic, 0.9, [lead], list(terms))],
        actors=[ActorRef("rutte", "ルッテ", "Mark Rutte", "NATO事務総長")],
        quotes=[QuoteRef("加盟国は結束している", "rutte", 1)],
    )
    async with db.transaction():
        result = await store_analyzed(db, article, Analyzed(analysis, doc), None)
    return result.article_id
