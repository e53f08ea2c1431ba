"""Articles with their parts, topics, people and search index.

An article's identity is its outlet + headline (``UNIQUE (source, title)``):
the same pair arriving again is the same article. What happens then depends
on the content hash and the 更新 time:

* same content hash → ``unchanged`` (a re-sent file stores nothing new);
* different content with a later time → ``updated`` (text, topics, people
  and search row replaced, ``revision`` bumped; no new alert);
* different content with an earlier or equal time, or no time to compare →
  ``unchanged`` (the stored, newer version is kept; logged as stale).

Every function here runs inside the caller's ``db.transaction()``, so the
ingest can store a whole file, its topics, people, owed alerts and the
``files`` row atomically.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal

from bot.models import Article, Paragraph
from bot.nlp.pipeline import Analyzed
from bot.storage.db import Database
from bot.storage.outbox import enqueue_alerts_sync, parse_utc, utc_iso
from bot.storage.people import save_people_sync
from bot.storage.search import index_article_sync

log = logging.getLogger(__name__)

StoreStatus = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True, slots=True)
class StoreResult:
    article_id: int
    status: StoreStatus
    alerts: int = 0
    stale: bool = False
    """True when an older (or same-time) version with different text was ignored."""


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    article: Article
    content_hash: str
    file_id: int | None
    revision: int
    published_utc: str | None
    created_at: str
    updated_at: str
    topics: dict[str, float]


def _paragraphs_json(article: Article) -> str:
    return json.dumps([[p.kind, p.text] for p in article.paragraphs], ensure_ascii=False)


def _article_values(article: Article) -> dict[str, Any]:
    return {
        "source": article.source or "",
        "title": article.title,
        "subtitle": article.subtitle,
        "published": article.published.isoformat() if article.published else None,
        "published_utc": utc_iso(article.published) if article.published else None,
        "dateline": article.dateline,
        "byline": article.byline,
        "caption": article.caption,
        "url": article.url,
        "external_id": article.external_id,
        "body": article.body,
        "paragraphs": _paragraphs_json(article),
        "content_hash": article.content_hash,
    }


def _is_newer(new: datetime | None, stored_utc: str | None) -> bool:
    """True only when ``new`` is a time strictly after the stored one (or the stored has none)."""
    if new is None:
        return False
    old = parse_utc(stored_utc)
    return old is None or new.astimezone(UTC) > old


def store_analyzed_sync(
    conn: sqlite3.Connection,
    article: Article,
    analyzed: Analyzed,
    file_id: int | None,
    now: datetime | None = None,
) -> StoreResult:
    """:func:`store_analyzed` on the connection's thread (see :meth:`Database.run`)."""
    stamp = utc_iso(now or datetime.now(UTC))
    values = _article_values(article)
    existing = conn.execute(
        "SELECT id, content_hash, published_utc FROM articles WHERE source = ? AND title = ?",
        (values["source"], values["title"]),
    ).fetchone()
    if existing is None:
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        cur = conn.execute(
            f"INSERT INTO articles ({columns}, file_id, created_at, updated_at)"
            f" VALUES ({marks}, :file_id, :now, :now)",
            {**values, "file_id": file_id, "now": stamp},
        )
        assert cur.lastrowid is not None
        article_id = int(cur.lastrowid)
        write_analysis_sync(
            conn, article_id, article, analyzed, seen_at=values["published_utc"], new=True
        )
        alerts = enqueue_alerts_sync(conn, article_id, analyzed.analysis.topic_ids, now=now)
        return StoreResult(article_id, "new", alerts=alerts)

    article_id = int(existing["id"])
    if existing["content_hash"] == values["content_hash"]:
        return StoreResult(article_id, "unchanged")
    if not _is_newer(article.published, existing["published_utc"]):
        log.info(
            "kept the stored version of %r (%s): the arriving one is not newer",
            article.title,
            values["source"] or "no source",
        )
        return StoreResult(article_id, "unchanged", stale=True)
    sets = ", ".join(f"{k} = :{k}" for k in values)
    conn.execute(
        f"UPDATE articles SET {sets}, file_id = :file_id, revision = revision + 1,"
        " updated_at = :now WHERE id = :id",
        {**values, "file_id": file_id, "now": stamp, "id": article_id},
    )
    write_analysis_sync(conn, article_id, article, analyzed, seen_at=values["published_utc"])
    return StoreResult(article_id, "updated")


async def store_analyzed(
    db: Database,
    article: Article,
    analyzed: Analyzed,
    file_id: int | None,
    now: datetime | None = None,
) -> StoreResult:
    """Store one analysed article (inside the caller's transaction); see the module doc.

    All its statements run in one hop to the connection's thread.
    """
    return await db.run(
        partial(store_analyzed_sync, article=article, analyzed=analyzed, file_id=file_id, now=now)
    )


def write_analysis_sync(
    conn: sqlite3.Connection,
    article_id: int,
    article: Article,
    analyzed: Analyzed,
    seen_at: str | None,
    *,
    new: bool = False,
) -> None:
    """:func:`write_analysis` on the connection's thread (see :meth:`Database.run`)."""
    analysis = analyzed.analysis
    if not new:
        conn.execute("DELETE FROM article_topics WHERE article_id = ?", (article_id,))
    conn.executemany(
        "INSERT INTO article_topics (article_id, topic_id, score, evidence) VALUES (?, ?, ?, ?)",
        [
            (
                article_id,
                t.id,
                float(t.score),
                json.dumps({"sentences": t.evidence, "terms": t.terms}, ensure_ascii=False),
            )
            for t in analysis.topics
        ],
    )
    save_people_sync(conn, article_id, seen_at, analysis.actors, analysis.quotes)
    title_text, body_text = analyzed.search_columns(article.title)
    index_article_sync(conn, article_id, title_text, body_text, new=new)


async def write_analysis(
    db: Database,
    article_id: int,
    article: Article,
    analyzed: Analyzed,
    seen_at: str | None,
    *,
    new: bool = False,
) -> None:
    """Replace the article's topics, people, quotes and search row. Never owes an alert.

    ``new``: the article row was just inserted (no old rows to delete).
    """
    await db.run(
        partial(
            write_analysis_sync,
            article_id=article_id,
            article=article,
            analyzed=analyzed,
            seen_at=seen_at,
            new=new,
        )
    )


def article_from_row(row: Any) -> Article:
    """Rebuild the parsed :class:`Article` from an ``articles`` row."""
    published = datetime.fromisoformat(row["published"]) if row["published"] else None
    paragraphs = tuple(
        Paragraph(text=text, kind=kind) for kind, text in json.loads(row["paragraphs"])
    )
    return Article(
        title=row["title"],
        paragraphs=paragraphs,
        source=row["source"] or None,
        published=published,
        subtitle=row["subtitle"],
        dateline=row["dateline"],
        byline=row["byline"],
        caption=row["caption"],
        url=row["url"],
        external_id=row["external_id"],
    )


async def get_article(db: Database, article_id: int) -> StoredArticle | None:
    row = await db.fetchone("SELECT * FROM articles WHERE id = ?", (article_id,))
    if row is None:
        return None
    topics = await db.fetchall(
        "SELECT topic_id, score FROM article_topics WHERE article_id = ? ORDER BY score DESC",
        (article_id,),
    )
    return StoredArticle(
        id=row["id"],
        article=article_from_row(row),
        content_hash=row["content_hash"],
        file_id=row["file_id"],
        revision=row["revision"],
        published_utc=row["published_utc"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        topics={r["topic_id"]: float(r["score"]) for r in topics},
    )


async def find_article(db: Database, source: str | None, title: str) -> int | None:
    """The id of the article with this outlet + headline, if stored."""
    row = await db.fetchone(
        "SELECT id FROM articles WHERE source = ? AND title = ?", (source or "", title)
    )
    return int(row[0]) if row else None


async def topic_evidence(db: Database, article_id: int) -> dict[str, dict]:
    """``{topic_id: {"score", "sentences", "terms"}}`` — why the article carries each topic."""
    rows = await db.fetchall(
        "SELECT topic_id, score, evidence FROM article_topics WHERE article_id = ?"
        " ORDER BY score DESC",
        (article_id,),
    )
    return {r["topic_id"]: {"score": float(r["score"]), **json.loads(r["evidence"])} for r in rows}


async def count_articles(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM articles")
    return int(row[0]) if row else 0


async def iter_articles(
    db: Database, batch: int = 200
) -> AsyncIterator[tuple[int, Article, str | None]]:
    """Every stored article as (id, Article, published_utc), in id order, fetched in batches."""
    last = 0
    while True:
        rows = await db.fetchall(
            "SELECT * FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
        )
        if not rows:
            return
        for row in rows:
            yield int(row["id"]), article_from_row(row), row["published_utc"]
        last = int(rows[-1]["id"])
