"""Read-side queries the chat commands share: alert views, /search and /why.

Everything returns the platform-neutral views of :mod:`bot.services.views`
or raises :class:`UserError` with a plain-words message.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.nlp.tokenizer import Tokenizer, get_tokenizer
from bot.storage import search as search_store
from bot.storage import subscriptions as sub_store
from bot.storage.db import Database
from bot.storage.search import SearchHit

from .errors import UserError
from .subscriptions import TopicCatalog, topic_label
from .views import ActorChip, AlertView, TopicChip, WhyTopic, WhyView, cut_text, parse_colour

LEAD_LIMIT = 300
MAX_ALERT_ACTORS = 5
ARTICLE_TZ = ZoneInfo("Asia/Tokyo")
_ID_REF = re.compile(r"^\s*#?(\d{1,12})\s*$")


def topic_chip(catalog: TopicCatalog, topic_id: str) -> TopicChip:
    topic = catalog.get(topic_id)
    colour = parse_colour(getattr(topic, "colour", None)) if topic is not None else None
    return TopicChip(topic_id, topic_label(catalog, topic_id), colour)


def published_of(text: str | None) -> datetime | None:
    """An article's stored ``published`` as an aware datetime (naive means Japan time)."""
    if not text:
        return None
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=ARTICLE_TZ)


def lead_of(row: Any, limit: int = LEAD_LIMIT) -> str:
    """The first real paragraph of an ``articles`` row, cut at a sentence end."""
    try:
        paragraphs = json.loads(row["paragraphs"])
    except (TypeError, ValueError):
        paragraphs = []
    for kind, text in paragraphs:
        if kind == "p" and text.strip():
            return cut_text(text, limit)
    return cut_text((row["body"] or "").split("\n\n")[0], limit)


async def article_topics(db: Database, article_id: int) -> list[tuple[str, float, dict]]:
    rows = await db.fetchall(
        "SELECT topic_id, score, evidence FROM article_topics WHERE article_id = ?"
        " ORDER BY score DESC, topic_id",
        (article_id,),
    )
    out = []
    for r in rows:
        try:
            evidence = json.loads(r["evidence"]) or {}
        except ValueError:
            evidence = {}
        out.append((r["topic_id"], float(r["score"]), evidence))
    return out


async def alert_view(db: Database, catalog: TopicCatalog, article_id: int) -> AlertView | None:
    """The alert for one stored article, or None when the article no longer exists."""
    row = await db.fetchone("SELECT * FROM articles WHERE id = ?", (article_id,))
    if row is None:
        return None
    topics = [topic_chip(catalog, t) for t, _, _ in await article_topics(db, article_id)]
    actor_rows = await db.fetchall(
        """
        SELECT aa.name_ja AS written, a.name_ja, a.name_en, aa.role
        FROM article_actors AS aa JOIN actors AS a ON a.id = aa.actor_id
        WHERE aa.article_id = ?
        ORDER BY aa.mentions DESC, a.in_gazetteer DESC, a.id
        LIMIT ?
        """,
        (article_id, MAX_ALERT_ACTORS),
    )
    actors = [ActorChip(r["name_ja"] or r["written"], r["name_en"], r["role"]) for r in actor_rows]
    return AlertView(
        article_id=article_id,
        title=row["title"],
        subtitle=row["subtitle"],
        lead=lead_of(row),
        topics=topics,
        actors=actors,
        source=row["source"] or "",
        published=published_of(row["published"]),
        url=row["url"],
    )


async def search(
    db: Database, query: str, limit: int = 10, tokenizer: Tokenizer | None = None
) -> list[SearchHit]:
    """Full-text search (bot/storage/search.py); UserError for an empty query."""
    if not query or not query.strip():
        raise UserError("Type something to search for, e.g. /search 停戦.")
    limit = max(1, min(int(limit), 50))
    return await search_store.search(db, query, tokenizer or get_tokenizer(), limit=limit)


async def resolve_article(db: Database, ref: str | int) -> int:
    """An article id from ``12``, ``#12`` or a fragment of its headline."""
    text = str(ref).strip()
    m = _ID_REF.match(text)
    if m:
        row = await db.fetchone("SELECT id FROM articles WHERE id = ?", (int(m.group(1)),))
        if row is None:
            raise UserError(f"There is no article #{m.group(1)}.")
        return int(row[0])
    if not text:
        raise UserError("Give an article number (as shown in alerts) or part of its headline.")
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = await db.fetchall(
        "SELECT id, title FROM articles WHERE title LIKE ? ESCAPE '\\'"
        " ORDER BY published_utc DESC, id DESC LIMIT 6",
        (pattern,),
    )
    if not rows:
        raise UserError(f"No article headline contains {text!r}.")
    exact = [r for r in rows if r["title"] == text]
    if len(rows) == 1 or len(exact) == 1:
        return int((exact or rows)[0]["id"])
    listing = "; ".join(f"#{r['id']} {cut_text(r['title'], 40)}" for r in rows[:5])
    raise UserError(f"Several headlines contain {text!r}: {listing}. Use the number.")


async def why(
    db: Database, catalog: TopicCatalog, ref: str | int, platform: str, channel_id: str
) -> WhyView:
    """Why an article carries its topics, and which of this channel's topics it matched."""
    article_id = await resolve_article(db, ref)
    row = await db.fetchone(
        "SELECT id, title, source, published FROM articles WHERE id = ?", (article_id,)
    )
    assert row is not None
    sub = await sub_store.get(db, platform, channel_id)
    topics = []
    for topic_id, score, evidence in await article_topics(db, article_id):
        topics.append(
            WhyTopic(
                topic=topic_chip(catalog, topic_id),
                score=score,
                sentences=[str(s) for s in evidence.get("sentences", [])],
                terms=[str(t) for t in evidence.get("terms", [])],
                subscribed=bool(sub and sub.matches(topic_id)),
            )
        )
    status_row = await db.fetchone(
        "SELECT status FROM outbox WHERE kind = 'alert' AND platform = ? AND channel_id = ?"
        " AND article_id = ?",
        (platform, channel_id, article_id),
    )
    return WhyView(
        article_id=article_id,
        title=row["title"],
        source=row["source"] or "",
        published=published_of(row["published"]),
        topics=topics,
        channel_topics=list(sub.topics) if sub else [],
        alerts_on=bool(sub and sub.alerts and not sub.paused),
        alert_status=status_row["status"] if status_row else None,
    )


__all__ = [
    "SearchHit",
    "alert_view",
    "article_topics",
    "lead_of",
    "published_of",
    "resolve_article",
    "search",
    "topic_chip",
    "why",
]
