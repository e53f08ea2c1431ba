"""Fixtures for the service tests: a real SQLite database on a temp file, and articles."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pytest

from bot.models import ActorRef, Analysis, Article, Paragraph, QuoteRef, TopicTag
from bot.nlp.pipeline import Analyzed
from bot.nlp.tokenizer import get_tokenizer
from bot.nlp.topics import TopicSet, load_topics
from bot.storage.articles import store_analyzed
from bot.storage.db import Database, open_database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "newsbot.db")
    try:
        yield database
    finally:
        await database.close()


async def add_article(
    db: Database,
    title: str,
    published: datetime,
    topics: dict[str, list[str]] | None = None,
    body: str = "本文。",
    source: str = "Nikkei Online",
) -> int:
    """Insert an article (and its topic rows) directly with SQL; returns its id."""
    now = datetime.now(UTC).isoformat()
    cur = await db.execute(
        """
        INSERT INTO articles (source, title, published, published_utc, body, paragraphs,
                              content_hash, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            source,
            title,
            published.isoformat(),
            published.astimezone(UTC).replace(microsecond=0).isoformat(),
            body,
            json.dumps([["p", p] for p in body.split("\n\n")], ensure_ascii=False),
            f"hash-{title}",
            now,
            now,
        ),
    )
    article_id = int(cur.lastrowid)
    for topic_id, sentences in (topics or {}).items():
        await db.execute(
            "INSERT INTO article_topics (article_id, topic_id, score, evidence) VALUES (?,?,?,?)",
            (
                article_id,
                topic_id,
                0.9,
                json.dumps({"sentences": sentences, "terms": []}, ensure_ascii=False),
            ),
        )
    return article_id


REPO = Path(__file__).resolve().parents[2]


@lru_cache(maxsize=1)
def default_topics() -> TopicSet:
    """The repository's config/topics.toml, loaded once (the four default topics)."""
    return load_topics(REPO / "config" / "topics.toml")


@pytest.fixture
def catalog() -> TopicSet:
    return default_topics()


class RecordingTransport:
    """A Transport that records what it is asked to post and fails as scripted.

    ``failures`` is consumed one per send: an exception instance is raised,
    None lets the send succeed.
    """

    def __init__(self, platform: str = "discord", failures: list | None = None) -> None:
        self.platform = platform
        self.failures = list(failures or [])
        self.alerts: list[tuple[str, object, str]] = []
        self.digests: list[tuple[str, object, str]] = []
        self.notices: list[tuple[str, str | None, str]] = []
        self.sent = asyncio.Event()

    def _maybe_fail(self) -> None:
        if self.failures:
            failure = self.failures.pop(0)
            if failure is not None:
                raise failure

    async def send_alert(self, channel_id: str, alert, nonce: str) -> str:
        self._maybe_fail()
        self.alerts.append((channel_id, alert, nonce))
        self.sent.set()
        return f"m{len(self.alerts)}"

    async def send_digest(self, channel_id: str, digest, nonce: str) -> list[str]:
        self._maybe_fail()
        self.digests.append((channel_id, digest, nonce))
        self.sent.set()
        return [f"d{len(self.digests)}"]

    async def notify(self, channel_id: str, guild_id: str | None, text: str) -> bool:
        self.notices.append((channel_id, guild_id, text))
        return guild_id is not None


async def store_article(
    db: Database,
    title: str,
    published: datetime,
    topics: dict[str, list[str]] | None = None,
    *,
    body: str = "本文の一文目。二文目。",
    source: str = "Nikkei Online",
    actors: list[ActorRef] | None = None,
    quotes: list[QuoteRef] | None = None,
    now: datetime | None = None,
) -> int:
    """Store an article the way the ingest does (bot/storage/articles.py, real tokenizer)."""
    article = Article(
        title=title,
        paragraphs=tuple(Paragraph(p) for p in body.split("\n\n")),
        source=source,
        published=published,
    )
    analysis = Analysis(
        topics=[
            TopicTag(t, 0.9 - 0.1 * i, ev, ["語"])
            for i, (t, ev) in enumerate((topics or {}).items())
        ],
        actors=list(actors or []),
        quotes=list(quotes or []),
    )
    doc = get_tokenizer().parse(article.nlp_text())
    async with db.transaction():
        result = await store_analyzed(db, article, Analyzed(analysis, doc), None, now=now)
    return result.article_id
