"""Fixtures for the service tests: a real SQLite database on a temp file, and articles."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.models import ActorRef, Analysis, Article, Paragraph, QuoteRef, TopicTag
from bot.nlp.pipeline import Analyzed
from bot.nlp.tokenizer import get_tokenizer
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


@dataclass(frozen=True)
class _Topic:
    id: str
    label_en: str
    label_ja: str
    colour: int
    definition: str


@dataclass
class _Catalog:
    """The four default topics as plain data; the services only read id, labels and colour."""

    topics: list[_Topic] = field(
        default_factory=lambda: [
            _Topic("ceasefire_talks", "Ceasefire talks", "停戦交渉", 0x2E86DE, "ceasefire"),
            _Topic("nato", "NATO", "NATO", 0x1B4F72, "NATO as an institution"),
            _Topic("territory", "Territory", "領土", 0xB03A2E, "control of territory"),
            _Topic("prisoner_release", "Prisoner release", "捕虜・拘束者の解放", 0x239B56, "x"),
        ]
    )

    def get(self, topic_id: str) -> _Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


@pytest.fixture
def catalog() -> _Catalog:
    return _Catalog()


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
            TopicTag(t, 0.9 - 0.1 * i, ev, []) for i, (t, ev) in enumerate((topics or {}).items())
        ],
        actors=list(actors or []),
        quotes=list(quotes or []),
    )
    doc = get_tokenizer().parse(article.nlp_text())
    async with db.transaction():
        result = await store_analyzed(db, article, Analyzed(analysis, doc), None, now=now)
    return result.article_id
