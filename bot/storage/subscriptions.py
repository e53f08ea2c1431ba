"""Subscriptions table: what each channel gets (topics, alerts, digest, time, zone, paused).

One row per (platform, channel_id). ``topics`` is stored as a JSON list of
topic ids, where ``["*"]`` means every topic, including ones added to
topics.toml later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from bot.storage.db import Database
from bot.storage.outbox import utc_iso

ALL_TOPICS = "*"


@dataclass(frozen=True, slots=True)
class Subscription:
    platform: str
    channel_id: str
    topics: tuple[str, ...]
    guild_id: str | None = None
    alerts: bool = True
    digest: bool = True
    digest_time: str = "08:00"
    timezone: str = "Asia/Tokyo"
    paused: bool = False
    paused_reason: str | None = None
    created_by: str | None = None
    created_at: str = ""
    last_digest_at: str | None = None
    last_digest_date: str | None = None

    @property
    def all_topics(self) -> bool:
        return ALL_TOPICS in self.topics

    def matches(self, topic_id: str) -> bool:
        return self.all_topics or topic_id in self.topics

    def topic_filter(self) -> list[str] | None:
        """The topic ids to select articles by, or None for every topic."""
        return None if self.all_topics else list(self.topics)

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.channel_id)

    def with_(self, **changes: Any) -> Subscription:
        return replace(self, **changes)


_COLUMNS = (
    "platform, channel_id, guild_id, topics, alerts, digest, digest_time, timezone, paused, "
    "paused_reason, created_by, created_at, last_digest_at, last_digest_date"
)


def _sub(r: Any) -> Subscription:
    topics = json.loads(r["topics"]) if r["topics"] else []
    return Subscription(
        platform=r["platform"],
        channel_id=r["channel_id"],
        guild_id=r["guild_id"],
        topics=tuple(str(t) for t in topics),
        alerts=bool(r["alerts"]),
        digest=bool(r["digest"]),
        digest_time=r["digest_time"],
        timezone=r["timezone"],
        paused=bool(r["paused"]),
        paused_reason=r["paused_reason"],
        created_by=r["created_by"],
        created_at=r["created_at"],
        last_digest_at=r["last_digest_at"],
        last_digest_date=r["last_digest_date"],
    )


async def get(db: Database, platform: str, channel_id: str) -> Subscription | None:
    r = await db.fetchone(
        f"SELECT {_COLUMNS} FROM subscriptions WHERE platform = ? AND channel_id = ?",
        (platform, channel_id),
    )
    return _sub(r) if r else None


async def list_all(
    db: Database,
    platform: str | None = None,
    *,
    digest_only: bool = False,
    active_only: bool = False,
    guild_id: str | None = None,
) -> list[Subscription]:
    """Subscriptions in (platform, channel) order, filtered as asked."""
    where: list[str] = []
    params: list[Any] = []
    if platform is not None:
        where.append("platform = ?")
        params.append(platform)
    if guild_id is not None:
        where.append("guild_id = ?")
        params.append(guild_id)
    if digest_only:
        where.append("digest = 1")
    if active_only:
        where.append("paused = 0")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM subscriptions {clause} ORDER BY platform, channel_id", params
    )
    return [_sub(r) for r in rows]


async def upsert(db: Database, sub: Subscription) -> Subscription:
    """Insert or replace the settings of a channel, keeping its digest bookkeeping."""
    created_at = sub.created_at or utc_iso(datetime.now(UTC))
    await db.execute(
        """
        INSERT INTO subscriptions (platform, channel_id, guild_id, topics, alerts, digest,
                                   digest_time, timezone, paused, paused_reason, created_by,
                                   created_at, last_digest_at, last_digest_date)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (platform, channel_id) DO UPDATE SET
            guild_id = COALESCE(excluded.guild_id, guild_id),
            topics = excluded.topics,
            alerts = excluded.alerts,
            digest = excluded.digest,
            digest_time = excluded.digest_time,
            timezone = excluded.timezone,
            paused = excluded.paused,
            paused_reason = excluded.paused_reason
        """,
        (
            sub.platform,
            sub.channel_id,
            sub.guild_id,
            json.dumps(list(sub.topics)),
            int(sub.alerts),
            int(sub.digest),
            sub.digest_time,
            sub.timezone,
            int(sub.paused),
            sub.paused_reason,
            sub.created_by,
            created_at,
            sub.last_digest_at,
            sub.last_digest_date,
        ),
    )
    stored = await get(db, sub.platform, sub.channel_id)
    assert stored is not None
    return stored


async def delete(db: Database, platform: str, channel_id: str) -> bool:
    cur = await db.execute(
        "DELETE FROM subscriptions WHERE platform = ? AND channel_id = ?", (platform, channel_id)
    )
    return cur.rowcount > 0


async def set_paused(
    db: Database, platform: str, channel_id: str, paused: bool, reason: str | None = None
) -> bool:
    """Pause (with a reason) or resume a channel; False when it has no subscription."""
    cur = await db.execute(
        """UPDATE subscriptions SET paused = ?, paused_reason = ?
           WHERE platform = ? AND channel_id = ?""",
        (int(paused), reason if paused else None, platform, channel_id),
    )
    return cur.rowcount > 0


async def record_digest(
    db: Database, platform: str, channel_id: str, digest_date: str, until: datetime
) -> None:
    """Remember the local date and the UTC instant the latest digest covered up to."""
    await db.execute(
        """UPDATE subscriptions SET last_digest_date = ?, last_digest_at = ?
           WHERE platform = ? AND channel_id = ?""",
        (digest_date, utc_iso(until), platform, channel_id),
    )
