"""The outbox: every message the bot owes a channel, written before it is sent.

Alerts are enqueued in the same transaction that stores an article's topics,
so an article is either stored with its alerts owed or not stored at all. The
unique indexes of schema v1 (one alert per platform × channel × article, one
digest per platform × channel × local date) make every enqueue idempotent:
re-ingesting or updating an article never owes an alert twice.

A delivery worker (:mod:`bot.services.delivery`) reads the pending rows that
are due, sends them and marks them sent; failures are retried with a
``next_try_at`` or marked failed. Timestamps are ISO 8601 UTC strings in one
fixed shape (:func:`utc_iso`) so they compare correctly as text.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, Literal

from bot.storage.db import Database

OutboxKind = Literal["alert", "digest"]


def utc_iso(dt: datetime) -> str:
    """``dt`` (timezone-aware) as ``YYYY-MM-DDTHH:MM:SS+00:00``, comparable as text."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime given where a UTC instant is needed")
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_utc(text: str | None) -> datetime | None:
    """Inverse of :func:`utc_iso`; also accepts a trailing ``Z``. Naive text is taken as UTC."""
    if not text:
        return None
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One owed message."""

    id: int
    platform: str
    channel_id: str
    kind: OutboxKind
    article_id: int | None
    digest_date: str | None
    payload: str | None
    status: str
    attempts: int
    next_try_at: str | None
    last_error: str | None
    message_id: str | None
    created_at: str

    @property
    def nonce(self) -> str:
        """Deterministic per row, so a resend after a crash can be deduplicated by the platform."""
        return f"nb{self.id}"

    def payload_json(self) -> Any:
        return json.loads(self.payload) if self.payload else None


_COLUMNS = (
    "id, platform, channel_id, kind, article_id, digest_date, payload, status, "
    "attempts, next_try_at, last_error, message_id, created_at"
)


def _row(r: Any) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        platform=r["platform"],
        channel_id=r["channel_id"],
        kind=r["kind"],
        article_id=r["article_id"],
        digest_date=r["digest_date"],
        payload=r["payload"],
        status=r["status"],
        attempts=r["attempts"],
        next_try_at=r["next_try_at"],
        last_error=r["last_error"],
        message_id=r["message_id"],
        created_at=r["created_at"],
    )


def enqueue_alerts_sync(
    conn: sqlite3.Connection, article_id: int, topic_ids: list[str], now: datetime | None = None
) -> int:
    """:func:`enqueue_alerts` on the connection's thread (see :meth:`Database.run`)."""
    topics = [t for t in dict.fromkeys(topic_ids) if t]
    if not topics:
        return 0
    stamp = utc_iso(now or datetime.now(UTC))
    cur = conn.execute(
        """
        INSERT OR IGNORE INTO outbox (platform, channel_id, kind, article_id, status, created_at)
        SELECT s.platform, s.channel_id, 'alert', ?, 'pending', ?
        FROM subscriptions AS s
        WHERE s.alerts = 1 AND s.paused = 0
          AND EXISTS (
              SELECT 1 FROM json_each(s.topics) AS j
              WHERE j.value = '*' OR j.value IN (SELECT value FROM json_each(?))
          )
        """,
        (article_id, stamp, json.dumps(topics)),
    )
    return max(0, cur.rowcount)


async def enqueue_alerts(
    db: Database, article_id: int, topic_ids: list[str], now: datetime | None = None
) -> int:
    """Owe one alert for ``article_id`` to every active subscription matching ``topic_ids``.

    A subscription matches when it has alerts on, is not paused, and its topics
    include one of ``topic_ids`` or ``"*"`` (all topics). An article with no
    topics owes nothing. Rows already owed (or sent) are ignored, so this is
    safe to call again for an updated article.

    Runs no transaction of its own: the ingest calls it inside the transaction
    that stores the article's topics. Returns the number of new rows.
    """
    return await db.run(
        partial(enqueue_alerts_sync, article_id=article_id, topic_ids=topic_ids, now=now)
    )


async def enqueue_digest(
    db: Database,
    platform: str,
    channel_id: str,
    digest_date: str,
    payload: Any,
    now: datetime | None = None,
) -> int | None:
    """Owe the digest of ``digest_date`` (local date) to a channel; None if already owed.

    The unique index on (platform, channel_id, digest_date) is what makes a
    digest go out at most once per channel per day, even across restarts.
    """
    stamp = utc_iso(now or datetime.now(UTC))
    cur = await db.execute(
        """
        INSERT OR IGNORE INTO outbox
            (platform, channel_id, kind, digest_date, payload, status, created_at)
        VALUES (?, ?, 'digest', ?, ?, 'pending', ?)
        """,
        (platform, channel_id, digest_date, json.dumps(payload, ensure_ascii=False), stamp),
    )
    if cur.rowcount <= 0 or cur.lastrowid is None:
        return None
    return int(cur.lastrowid)


async def due(db: Database, now: datetime, limit: int = 50, after_id: int = 0) -> list[OutboxRow]:
    """Pending rows whose next try is due, in the order they were owed.

    ``after_id`` pages through them (rows left pending on purpose, e.g. for a
    platform not running in this process, do not hide the ones after them).
    """
    rows = await db.fetchall(
        f"""
        SELECT {_COLUMNS} FROM outbox
        WHERE status = 'pending' AND (next_try_at IS NULL OR next_try_at <= ?) AND id > ?
        ORDER BY id
        LIMIT ?
        """,
        (utc_iso(now), after_id, limit),
    )
    return [_row(r) for r in rows]


async def get(db: Database, outbox_id: int) -> OutboxRow | None:
    r = await db.fetchone(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (outbox_id,))
    return _row(r) if r else None


async def list_rows(
    db: Database, status: str | None = None, kind: OutboxKind | None = None
) -> list[OutboxRow]:
    """Rows in id order, optionally filtered (for tests, status output and tools)."""
    where, params = [], []
    if status:
        where.append("status = ?")
        params.append(status)
    if kind:
        where.append("kind = ?")
        params.append(kind)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM outbox {clause} ORDER BY id", params)
    return [_row(r) for r in rows]


async def mark_sent(
    db: Database, outbox_id: int, message_id: str | None, now: datetime | None = None
) -> None:
    """Record a successful send; only a pending row changes (a second call is a no-op)."""
    await db.execute(
        """
        UPDATE outbox SET status = 'sent', message_id = ?, sent_at = ?,
                          attempts = attempts + 1, last_error = NULL
        WHERE id = ? AND status = 'pending'
        """,
        (message_id, utc_iso(now or datetime.now(UTC)), outbox_id),
    )


async def mark_retry(db: Database, outbox_id: int, error: str, next_try_at: datetime) -> None:
    """Count a failed attempt and schedule the next one."""
    await db.execute(
        """
        UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_try_at = ?
        WHERE id = ? AND status = 'pending'
        """,
        (error[:500], utc_iso(next_try_at), outbox_id),
    )


async def mark_failed(db: Database, outbox_id: int, error: str) -> None:
    """Give up on a row: it stays in the table with its reason, and is never retried."""
    await db.execute(
        """
        UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?
        WHERE id = ? AND status = 'pending'
        """,
        (error[:500], outbox_id),
    )


async def fail_pending_for_channel(db: Database, platform: str, channel_id: str, error: str) -> int:
    """Mark every pending row of a channel failed (the channel is gone or forbidden)."""
    cur = await db.execute(
        """
        UPDATE outbox SET status = 'failed', last_error = ?
        WHERE platform = ? AND channel_id = ? AND status = 'pending'
        """,
        (error[:500], platform, channel_id),
    )
    return max(0, cur.rowcount)
