"""Digests: when they are due (time zones, grace, restart), what goes in, how big, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.models import ActorRef, QuoteRef
from bot.services.delivery import DeliveryWorker
from bot.services.digest import (
    DEFAULT_LIMITS,
    compose,
    digest_now,
    due_for,
    enqueue_due,
    latest_slot,
    next_slot,
)
from bot.services.subscriptions import SubscriptionService
from bot.services.views import DigestView
from bot.storage import outbox
from bot.storage import subscriptions as sub_store
from bot.storage.db import Database
from bot.storage.subscriptions import Subscription
from tests.services.conftest import RecordingTransport, store_article

JST = ZoneInfo("Asia/Tokyo")
GRACE = timedelta(hours=12)
LONG_AGO = "2025-01-01T00:00:00+00:00"
TOPICS = ["ceasefire_talks", "nato", "territory", "prisoner_release"]


def jst(day: int, hh: int, mm: int = 0, month: int = 2) -> datetime:
    return datetime(2025, month, day, hh, mm, tzinfo=JST)


def _sub(**kw) -> Subscription:
    base = {"platform": "discord", "channel_id": "c1", "topics": ("*",), "created_at": LONG_AGO}
    return Subscription(**{**base, **kw})


@pytest.mark.parametrize(
    ("sub", "now", "expected"),
    [
        (_sub(), jst(13, 7, 59), None),  # yesterday's slot is 24 h old: past the grace
        (_sub(), jst(13, 8, 0), "2025-02-13"),
        (_sub(), jst(13, 19, 59), "2025-02-13"),  # down at 08:00, back within 12 h
        (_sub(), jst(13, 20, 1), None),  # back after the grace window: skipped
        (_sub(last_digest_date="2025-02-13"), jst(13, 9), None),  # already sent
        (_sub(last_digest_date="2025-02-12"), jst(13, 9), "2025-02-13"),
        (_sub(created_at="2025-02-13T00:30:00+00:00"), jst(13, 10), None),  # subscribed 09:30
        (_sub(paused=True), jst(13, 9), None),
        (_sub(digest=False), jst(13, 9), None),
        (_sub(timezone="Europe/London"), datetime(2025, 2, 13, 8, 0, tzinfo=UTC), "2025-02-13"),
        (_sub(timezone="Europe/London"), jst(13, 9), None),  # 00:00 in London
        # 21:00 in New York on the 13th is 02:00 UTC on the 14th: the local date counts.
        (
            _sub(timezone="America/New_York", digest_time="21:00"),
            datetime(2025, 2, 14, 2, 30, tzinfo=UTC),
            "2025-02-13",
        ),
        (_sub(timezone="Asia/Kolkata", digest_time="00:00"), jst(13, 3, 30), "2025-02-13"),
    ],
)
def test_due_for(sub: Subscription, now: datetime, expected: str | None) -> None:
    due = due_for(sub, now, GRACE)
    assert (due.digest_date if due else None) == expected


def test_slots_follow_local_time_across_dst() -> None:
    # Berlin moves to summer time on 2025-03-30: the 08:00 slot stays at 08:00 local.
    before = latest_slot(datetime(2025, 3, 29, 12, tzinfo=UTC), "08:00", "Europe/Berlin")
    after = next_slot(datetime(2025, 3, 29, 12, tzinfo=UTC), "08:00", "Europe/Berlin")
    assert before.astimezone(UTC).hour == 7 and after.astimezone(UTC).hour == 6
    assert after.date().isoformat() == "2025-03-30"


def test_since_is_last_digest_or_a_day_before_the_slot() -> None:
    due = due_for(_sub(), jst(13, 8), GRACE)
    assert due is not None and due.since_utc == jst(12, 8) and due.slot_utc == jst(13, 8)
    due = due_for(_sub(last_digest_at="2025-02-11T23:00:00+00:00"), jst(13, 8), GRACE)
    assert due is not None and due.since_utc == jst(12, 8)


async def _day_of_news(db: Database, start: datetime, count: int = 60) -> None:
    """``count`` articles over 24 h from ``start``, topics in turn, people and quotes."""
    peskov = ActorRef("peskov", "ペスコフ", "Dmitry Peskov", role="ロシア大統領報道官", mentions=2)
    rutte = ActorRef("rutte", "ルッテ", "Mark Rutte", role="NATO事務総長", mentions=1)
    for i in range(count):
        topic = TOPICS[i % 4]
        extra = {TOPICS[(i + 1) % 4]: ["副次的な根拠。"]} if i % 5 == 0 else {}
        who = [peskov] if i % 2 else [peskov, rutte]
        await store_article(
            db,
            f"記事{i:02d} ウクライナ情勢をめぐり各国の首脳が協議を重ねる長い見出し{topic}",
            start + timedelta(minutes=24 * i),
            {topic: [f"根拠の文{i}。"], **extra},
            body=f"第{i}報。ロシアとウクライナの協議について関係者が語った。詳細は続報で。\n\n二段落目。",
            actors=who,
            quotes=[QuoteRef(f"協議は前進している、と{i}回目の発言で述べた", "peskov", 1)],
        )


async def test_sixty_articles_a_day_fit_every_platform(db: Database, catalog) -> None:
    await _day_of_news(db, jst(12, 8))
    view = await compose(
        db, catalog, "discord", "c1", jst(12, 8), jst(13, 8), None, timezone="Asia/Tokyo"
    )
    assert view.total == 60 and view.date == "2025-02-13"
    assert [s.topic.id for s in view.sections] == TOPICS  # topics.toml order
    assert [s.total for s in view.sections] == [15, 15, 15, 15]  # each article listed once
    shown = sum(len(s.items) for s in view.sections)
    assert shown == DEFAULT_LIMITS.max_items and view.truncated == 60 - shown
    assert all(len(s.items) <= DEFAULT_LIMITS.per_topic for s in view.sections)
    newest = [i.published for i in view.sections[0].items]
    assert newest == sorted(newest, reverse=True)
    # Text volume within Discord's 6,000 characters a message (labels and links included),
    # and blocks within Slack's 50 (header, per topic, per item, people, quotes, footer).
    text = sum(
        len(i.title) + len(i.lead) + len(i.source) + 60 for s in view.sections for i in s.items
    )
    text += sum(len(s.topic.label) + 20 for s in view.sections)
    text += sum(len(p.display) + len(p.role or "") + 10 for p in view.people)
    text += sum(len(q.speaker) + len(q.text) + 10 for q in view.quotes)
    assert text <= 6000
    assert 1 + len(view.sections) + shown + 2 + 1 <= 50
    assert view.people[0].actor_id == "peskov" and view.people[0].article_count == 60
    assert view.people[0].role == "ロシア大統領報道官"
    assert [p.actor_id for p in view.people] == ["peskov", "rutte"]
    assert len(view.quotes) == 1 and view.quotes[0].speaker == "Dmitry Peskov (ペスコフ)"
    assert all(len(i.title) <= DEFAULT_LIMITS.title_chars for s in view.sections for i in s.items)
    assert DigestView.from_dict(view.to_dict()) == view


async def test_topics_filter_and_window(db: Database, catalog) -> None:
    await _day_of_news(db, jst(12, 8))
    view = await compose(db, catalog, "slack", "C1", jst(12, 8), jst(13, 8), ["nato"])
    assert [s.topic.id for s in view.sections] == ["nato"]
    # articles whose best topic is another one but which also carry nato are listed under nato
    assert view.total == 15 + 3
    early = await compose(db, catalog, "slack", "C1", jst(12, 8), jst(12, 9), None)
    assert early.total == 3  # 08:00, 08:24, 08:48


async def test_late_arrival_lands_in_exactly_one_digest(db: Database, catalog) -> None:
    service = SubscriptionService(db, catalog, clock=lambda: jst(10, 12))
    await service.subscribe("discord", "c1", None, "all", "digest", is_admin=True)
    on_time = await store_article(db, "間に合った記事", jst(13, 7), {"nato": ["根拠。"]})
    await enqueue_due(db, catalog, jst(13, 8), GRACE)
    # Published 07:59 but stored at 08:05, after the 08:00 digest was composed.
    late = await store_article(
        db, "遅れて届いた記事", jst(13, 7, 59), {"nato": ["根拠。"]}, now=jst(13, 8, 5)
    )
    # A backfill of old news arriving today must not flood the next digest.
    await store_article(
        db, "一年前の記事", jst(13, 9) - timedelta(days=365), {"nato": []}, now=jst(13, 9)
    )
    await enqueue_due(db, catalog, jst(14, 8), GRACE)
    views = [DigestView.from_dict(r.payload_json()) for r in await outbox.list_rows(db)]
    listed = [[i.article_id for s in v.sections for i in s.items] for v in views]
    assert listed == [[on_time], [late]]


async def test_missed_digest_sent_once_at_start_up_never_twice(db: Database, catalog) -> None:
    service = SubscriptionService(db, catalog, clock=lambda: jst(10, 12))
    await service.subscribe("discord", "c1", "g1", "all", "digest", is_admin=True)
    await _day_of_news(db, jst(12, 8), count=8)
    # The bot was down at 08:00 on the 13th; it starts at 10:30.
    start = jst(13, 10, 30)
    owed = await enqueue_due(db, catalog, start, GRACE)
    assert len(owed) == 1
    # A second start-up, or the daily job firing too: nothing more is owed.
    assert await enqueue_due(db, catalog, start + timedelta(minutes=5), GRACE) == []
    # Even if the bookkeeping were lost, the outbox refuses a second row for that date.
    await db.execute("UPDATE subscriptions SET last_digest_date = NULL, last_digest_at = NULL")
    assert await enqueue_due(db, catalog, start + timedelta(minutes=6), GRACE) == []
    await sub_store.record_digest(db, "discord", "c1", "2025-02-13", jst(13, 8))

    transport = RecordingTransport()
    worker = DeliveryWorker(db, {"discord": transport}, catalog, clock=lambda: start)
    assert (await worker.run_once()).sent == 1
    assert (await worker.run_once()).sent == 0
    ((channel, view, _),) = transport.digests
    assert channel == "c1" and view.date == "2025-02-13" and view.total == 8
    assert view.until == jst(13, 8)

    # Next day on time: the window starts where the last one ended.
    await store_article(db, "翌日の記事", jst(13, 12), {"territory": ["根拠。"]})
    (next_id,) = await enqueue_due(db, catalog, jst(14, 8), GRACE)
    row = await outbox.get(db, next_id)
    assert row is not None and row.digest_date == "2025-02-14"
    next_view = DigestView.from_dict(row.payload_json())
    assert next_view.since == jst(13, 8) and next_view.total == 1


async def test_down_past_the_grace_window_skips_that_day(db: Database, catalog) -> None:
    service = SubscriptionService(db, catalog, clock=lambda: jst(10, 12))
    await service.subscribe("discord", "c1", None, "all", is_admin=True)
    assert await enqueue_due(db, catalog, jst(13, 21), GRACE) == []
    assert await outbox.list_rows(db, kind="digest") == []
    assert len(await enqueue_due(db, catalog, jst(14, 8, 1), GRACE)) == 1


async def test_digest_now_uses_the_channel_topics(db: Database, catalog) -> None:
    service = SubscriptionService(db, catalog, clock=lambda: jst(10, 12))
    await service.subscribe("discord", "c1", None, "territory", is_admin=True)
    await _day_of_news(db, jst(12, 8), count=8)
    view = await digest_now(db, catalog, "discord", "c1", jst(13, 8))
    assert [s.topic.id for s in view.sections] == ["territory"] and view.total == 3
    unsubscribed = await digest_now(db, catalog, "discord", "c9", jst(13, 8))
    assert unsubscribed.total == 8
