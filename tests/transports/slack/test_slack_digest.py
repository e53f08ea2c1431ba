"""Daily digests to Slack: composed by the digest service, posted by the worker, in limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.services import digest as digest_service
from bot.services.delivery import DeliveryWorker
from bot.services.views import DigestView
from bot.storage import outbox
from bot.storage import subscriptions as store
from bot.storage.db import Database
from bot.storage.subscriptions import Subscription
from bot.transports.slack import SlackHandle
from bot.transports.slack.blocks import HEADER_TEXT, MAX_BLOCKS, SECTION_TEXT
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import CHANNEL, JST, Catalog, store_article

TOPICS = ["ceasefire_talks", "nato", "territory", "prisoner_release"]


def check_message(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    total = 0
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= (HEADER_TEXT if block["type"] == "header" else SECTION_TEXT)
        total += len(text)
        elements = block.get("elements", [])
        assert len(elements) <= 10
        for element in elements:
            assert len(element.get("text", "")) <= SECTION_TEXT
            total += len(element.get("text", ""))
    assert total < 12_000


async def test_daily_digest_of_sixty_articles(
    slack: SlackHandle, fake: SlackFake, db: Database, topics: Catalog
) -> None:
    sub = Subscription(
        "slack",
        CHANNEL,
        ("*",),
        guild_id="T0001",
        alerts=False,
        digest_time="08:00",
        timezone="Asia/Tokyo",
        created_at="2025-02-10T00:00:00+00:00",
    )
    async with db.transaction():
        await store.upsert(db, sub)
    start = datetime(2025, 2, 13, 8, 30, tzinfo=JST)
    for i in range(60):
        title = f"停戦交渉の行方 第{i}報：ロシアとウクライナ、<!here> 再協議へ" + "詳報" * (i % 7)
        lead = f"ロシアのペスコフ大統領報道官は{i}日、" + "交渉の継続を示唆した。" * 6
        await store_article(db, title, lead, TOPICS[i % 4], start + timedelta(minutes=20 * i))
    now = datetime(2025, 2, 14, 8, 1, tzinfo=JST).astimezone(UTC)
    owed = await digest_service.enqueue_due(db, topics, now, timedelta(hours=12))
    assert len(owed) == 1
    again = await digest_service.enqueue_due(db, topics, now, timedelta(hours=12))
    assert again == []

    w = DeliveryWorker(db, {"slack": slack.transport}, topics, clock=lambda: now)
    assert (await w.run_once()).sent == 1
    posts = fake.posts(CHANNEL)
    assert posts
    for post in posts:
        check_message(post["blocks"])
        dumped = json.dumps(post["blocks"], ensure_ascii=False)
        assert "<!here>" not in dumped
    first = posts[0]["blocks"]
    assert first[0]["type"] == "header" and "2025-02-14" in first[0]["text"]["text"]
    everything = json.dumps([p["blocks"] for p in posts], ensure_ascii=False)
    assert "60 articles" in everything
    assert "Ceasefire talks / 停戦交渉" in everything and "Territory / 領土" in everything
    row = (await outbox.list_rows(db, kind="digest"))[0]
    assert row.status == "sent" and row.message_id is not None
    assert len(row.message_id.split(",")) == len(posts)


async def test_unsized_digest_is_split_not_cut(
    slack: SlackHandle, fake: SlackFake, db: Database, topics: Catalog
) -> None:
    """A digest composed without the usual caps still goes out whole, over several messages."""
    start = datetime(2025, 2, 13, 8, 30, tzinfo=JST)
    for i in range(60):
        await store_article(
            db,
            f"見出し{i}：" + "長い見出し" * 15,
            "ロシアとウクライナの停戦をめぐる長い本文" * 20 + "。",
            TOPICS[i % 4],
            start + timedelta(minutes=i),
        )
    limits = digest_service.DigestLimits(
        per_topic=60, max_items=60, title_chars=150, lead_chars=150
    )
    view = await digest_service.compose(
        db,
        topics,
        "slack",
        CHANNEL,
        start - timedelta(hours=1),
        start + timedelta(days=1),
        None,
        limits=limits,
    )
    assert sum(len(s.items) for s in view.sections) == 60
    ids = await slack.transport.send_digest(CHANNEL, DigestView.from_dict(view.to_dict()), "nb1")
    posts = fake.posts(CHANNEL)
    assert len(ids) == len(posts) > 1
    nonces = [p["metadata"]["event_payload"]["nonce"] for p in posts]
    assert nonces == [f"nb1-{i}" for i in range(len(posts))]
    for post in posts:
        check_message(post["blocks"])
    everything = json.dumps([p["blocks"] for p in posts], ensure_ascii=False)
    for i in range(60):
        assert f"見出し{i}：" in everything
