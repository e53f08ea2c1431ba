"""Daily digests: what is due, what goes in one, and owing it exactly once.

A subscription's digest *slot* is its ``digest_time`` on a local date in its
time zone. The latest slot at or before now is due when the subscription
existed at that slot, its ``last_digest_date`` is older than the slot's date,
and the slot is no more than ``grace`` in the past — which covers the bot
being down at digest time: at start-up the missed digest goes out once. The
outbox row is unique per (channel, local date), so no path sends it twice.

A digest covers the articles that were published, or arrived, between the
previous digest and the slot (``last_digest_at`` … slot), so an article that
arrives late still lands in the next digest and none falls between two.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.settings import parse_hhmm
from bot.storage import outbox
from bot.storage import subscriptions as sub_store
from bot.storage.db import Database
from bot.storage.outbox import parse_utc, utc_iso
from bot.storage.subscriptions import Subscription

from .queries import lead_of, published_of, topic_chip
from .subscriptions import TopicCatalog
from .views import (
    DigestItem,
    DigestSection,
    DigestView,
    KeyPerson,
    NotableQuote,
    cut_text,
    first_sentence,
)

log = logging.getLogger(__name__)

BACKFILL_SLACK = timedelta(days=1)
"""An article that *arrived* in the window is included only if published at most this long
before the window (a backfill of last year's archive must not flood tomorrow's digest)."""


@dataclass(frozen=True, slots=True)
class DigestLimits:
    """Sizing that every platform can render.

    With the defaults a digest has at most 20 items (≤ 5 per topic), 5 people
    and 3 quotes, with titles ≤ 100 and leads ≤ 90 characters: about 4,500
    characters of text, which fits Discord's 6,000 characters in ≤ 10 embeds
    (one per topic, one for people and quotes) and Slack's 50 blocks (a
    header and a block per item and per topic).
    """

    per_topic: int = 5
    max_items: int = 20
    title_chars: int = 100
    lead_chars: int = 90
    people: int = 5
    quotes: int = 3
    quote_chars: int = 120


DEFAULT_LIMITS = DigestLimits()


@dataclass(frozen=True, slots=True)
class DueDigest:
    subscription: Subscription
    digest_date: str  # local date of the slot
    slot_utc: datetime
    since_utc: datetime


def slot_on(day: date, digest_time: str, zone: ZoneInfo) -> datetime:
    """The aware instant of ``digest_time`` on local ``day`` in ``zone``."""
    h, m = parse_hhmm(digest_time)
    return datetime.combine(day, time(h, m), tzinfo=zone)


def latest_slot(now: datetime, digest_time: str, timezone: str) -> datetime:
    """The latest digest slot at or before ``now`` (aware, in the subscription's zone)."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    slot = slot_on(local.date(), digest_time, zone)
    if slot > local:
        slot = slot_on(local.date() - timedelta(days=1), digest_time, zone)
    return slot


def next_slot(now: datetime, digest_time: str, timezone: str) -> datetime:
    zone = ZoneInfo(timezone)
    last = latest_slot(now, digest_time, timezone)
    return slot_on(last.date() + timedelta(days=1), digest_time, zone)


def due_for(sub: Subscription, now: datetime, grace: timedelta) -> DueDigest | None:
    """The digest ``sub`` owes at ``now``, if any (see the module doc)."""
    if not sub.digest or sub.paused:
        return None
    slot = latest_slot(now, sub.digest_time, sub.timezone)
    day = slot.date().isoformat()
    if sub.last_digest_date and sub.last_digest_date >= day:
        return None
    created = parse_utc(sub.created_at)
    if created is not None and created > slot:
        return None  # subscribed after the slot: the first digest is the next one
    if now - slot > grace:
        return None  # missed by more than the grace window: skip it, never send stale news
    since = parse_utc(sub.last_digest_at) or (slot - timedelta(days=1))
    return DueDigest(sub, day, slot, since)


async def due_digests(db: Database, now: datetime, grace: timedelta) -> list[DueDigest]:
    subs = await sub_store.list_all(db, digest_only=True, active_only=True)
    return [d for s in subs if (d := due_for(s, now, grace)) is not None]


async def compose(
    db: Database,
    catalog: TopicCatalog,
    platform: str,
    channel_id: str,
    since_utc: datetime,
    until_utc: datetime,
    topics: list[str] | None,
    *,
    timezone: str = "Asia/Tokyo",
    digest_date: str | None = None,
    limits: DigestLimits = DEFAULT_LIMITS,
) -> DigestView:
    """The digest of the articles in [since, until) on ``topics`` (None = every topic)."""
    zone = ZoneInfo(timezone)
    lo, hi = utc_iso(since_utc), utc_iso(until_utc)
    oldest = utc_iso(since_utc - BACKFILL_SLACK)
    rows = await db.fetchall(
        """
        SELECT a.id, a.title, a.source, a.published, a.paragraphs, a.body,
               COALESCE(a.published_utc, a.created_at) AS at_utc
        FROM articles AS a
        WHERE (a.published_utc >= :lo AND a.published_utc < :hi)
           OR (a.created_at >= :lo AND a.created_at < :hi
               AND COALESCE(a.published_utc, a.created_at) >= :oldest)
        ORDER BY at_utc DESC, a.id DESC
        """,
        {"lo": lo, "hi": hi, "oldest": oldest},
    )
    by_id = {int(r["id"]): r for r in rows}
    best_topic = await _best_topics(db, list(by_id), topics)
    order = [t.id for t in catalog.topics]
    grouped: dict[str, list[int]] = defaultdict(list)
    for article_id in by_id:  # newest first
        topic_id = best_topic.get(article_id)
        if topic_id is not None:
            grouped[topic_id].append(article_id)
    topic_order = sorted(grouped, key=lambda t: (order.index(t) if t in order else len(order), t))

    sections: list[DigestSection] = []
    budget = limits.max_items
    shown: list[int] = []
    for topic_id in topic_order:
        ids = grouped[topic_id]
        take = ids[: max(0, min(limits.per_topic, budget))]
        budget -= len(take)
        shown.extend(take)
        items = [_item(by_id[i], limits) for i in take]
        sections.append(
            DigestSection(topic_chip(catalog, topic_id), items, more=len(ids) - len(take))
        )
    included = [i for ids in grouped.values() for i in ids]
    people = await _key_people(db, included, limits.people)
    quotes = await _quotes(db, included, [p.actor_id for p in people], limits)
    local_date = digest_date or until_utc.astimezone(zone).date().isoformat()
    return DigestView(
        platform=platform,
        channel_id=channel_id,
        date=local_date,
        timezone=timezone,
        since=since_utc,
        until=until_utc,
        sections=sections,
        people=people,
        quotes=quotes,
        total=len(included),
        truncated=len(included) - len(shown),
    )


def _item(row: Any, limits: DigestLimits) -> DigestItem:
    return DigestItem(
        article_id=int(row["id"]),
        title=cut_text(row["title"], limits.title_chars),
        source=row["source"] or "",
        published=published_of(row["published"]),
        lead=first_sentence(lead_of(row), limits.lead_chars),
    )


async def _best_topics(
    db: Database, article_ids: list[int], topics: list[str] | None
) -> dict[int, str]:
    """Each article's highest-scoring topic among ``topics``: it is listed once, there."""
    if not article_ids:
        return {}
    marks = ",".join("?" * len(article_ids))
    rows = await db.fetchall(
        f"SELECT article_id, topic_id, score FROM article_topics WHERE article_id IN ({marks})"
        " ORDER BY article_id, score DESC, topic_id",
        article_ids,
    )
    wanted = set(topics) if topics is not None else None
    best: dict[int, str] = {}
    for r in rows:
        if wanted is not None and r["topic_id"] not in wanted:
            continue
        best.setdefault(int(r["article_id"]), r["topic_id"])
    return best


async def _key_people(db: Database, article_ids: list[int], limit: int) -> list[KeyPerson]:
    if not article_ids or limit <= 0:
        return []
    marks = ",".join("?" * len(article_ids))
    rows = await db.fetchall(
        f"""
        SELECT aa.actor_id, a.name_ja, a.name_en, a.in_gazetteer,
               COUNT(*) AS n, SUM(aa.mentions) AS mentions,
               (SELECT role FROM article_actors AS r
                WHERE r.actor_id = aa.actor_id AND r.role IS NOT NULL
                  AND r.article_id IN ({marks})
                ORDER BY r.seen_at DESC LIMIT 1) AS role
        FROM article_actors AS aa JOIN actors AS a ON a.id = aa.actor_id
        WHERE aa.article_id IN ({marks})
        GROUP BY aa.actor_id
        ORDER BY n DESC, mentions DESC, a.in_gazetteer DESC, aa.actor_id
        LIMIT ?
        """,
        [*article_ids, *article_ids, limit],
    )
    return [
        KeyPerson(r["actor_id"], r["name_ja"], r["name_en"], r["role"], int(r["n"])) for r in rows
    ]


async def _quotes(
    db: Database, article_ids: list[int], people: list[str], limits: DigestLimits
) -> list[NotableQuote]:
    """One quote per speaker, key people first, from the digest's articles."""
    if not article_ids or limits.quotes <= 0:
        return []
    marks = ",".join("?" * len(article_ids))
    rows = await db.fetchall(
        f"""
        SELECT q.actor_id, q.text, q.article_id, art.title, a.name_ja, a.name_en
        FROM quotes AS q
        JOIN actors AS a ON a.id = q.actor_id
        JOIN articles AS art ON art.id = q.article_id
        WHERE q.article_id IN ({marks}) AND length(q.text) >= 8
        ORDER BY COALESCE(art.published_utc, art.created_at) DESC, q.id
        """,
        article_ids,
    )
    rank = {actor: i for i, actor in enumerate(people)}
    ordered = sorted(rows, key=lambda r: rank.get(r["actor_id"], len(rank)))
    seen: Counter[str] = Counter()
    out: list[NotableQuote] = []
    for r in ordered:
        if seen[r["actor_id"]]:
            continue
        seen[r["actor_id"]] += 1
        speaker = KeyPerson(r["actor_id"], r["name_ja"], r["name_en"], None, 0).display
        out.append(
            NotableQuote(
                speaker, cut_text(r["text"], limits.quote_chars), int(r["article_id"]), r["title"]
            )
        )
        if len(out) >= limits.quotes:
            break
    return out


async def enqueue_due(
    db: Database,
    catalog: TopicCatalog,
    now: datetime,
    grace: timedelta,
    limits: DigestLimits = DEFAULT_LIMITS,
) -> list[int]:
    """Compose and owe every digest due at ``now``; returns the new outbox ids."""
    owed: list[int] = []
    for due in await due_digests(db, now, grace):
        sub = due.subscription
        view = await compose(
            db,
            catalog,
            sub.platform,
            sub.channel_id,
            due.since_utc,
            due.slot_utc,
            sub.topic_filter(),
            timezone=sub.timezone,
            digest_date=due.digest_date,
            limits=limits,
        )
        # Two autocommit statements, in this order: should the process die between
        # them, the next run finds the digest due again, the unique outbox row
        # refuses a second copy, and the bookkeeping is completed then.
        outbox_id = await outbox.enqueue_digest(
            db, sub.platform, sub.channel_id, due.digest_date, view.to_dict(), now=now
        )
        await sub_store.record_digest(
            db, sub.platform, sub.channel_id, due.digest_date, due.slot_utc
        )
        if outbox_id is not None:
            late = now - due.slot_utc
            log.info(
                "digest %s for %s/%s owed (%d articles%s)",
                due.digest_date,
                sub.platform,
                sub.channel_id,
                view.total,
                f", {late.total_seconds() / 3600:.1f} h late"
                if late > timedelta(minutes=5)
                else "",
            )
            owed.append(outbox_id)
    return owed


async def digest_now(
    db: Database,
    catalog: TopicCatalog,
    platform: str,
    channel_id: str,
    now: datetime,
    *,
    default_timezone: str = "Asia/Tokyo",
    limits: DigestLimits = DEFAULT_LIMITS,
) -> DigestView:
    """The /digest answer: this channel's topics over the last day (or since its last digest)."""
    sub = await sub_store.get(db, platform, channel_id)
    since = now - timedelta(days=1)
    last = parse_utc(sub.last_digest_at) if sub else None
    if last is not None and last < since:
        since = last
    return await compose(
        db,
        catalog,
        platform,
        channel_id,
        since,
        now,
        sub.topic_filter() if sub else None,
        timezone=sub.timezone if sub else default_timezone,
        limits=limits,
    )
