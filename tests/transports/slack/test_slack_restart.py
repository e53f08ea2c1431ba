"""A crash between posting and the outbox's ``sent`` mark does not post the alert twice.

Slack has no nonce: each message carries its outbox nonce in message metadata, and
rows already owed when the process started are looked up in the channel history first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.services.delivery import DeliveryWorker
from bot.services.queries import alert_view
from bot.storage import outbox
from bot.storage import subscriptions as store
from bot.storage.db import Database
from bot.storage.outbox import utc_iso
from bot.storage.subscriptions import Subscription
from bot.transports.slack import SlackTransport, make_client, start_slack
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import CHANNEL, Catalog, Services, store_article


async def owe_one_alert(db: Database) -> None:
    sub = Subscription("slack", CHANNEL, ("*",), created_at=utc_iso(datetime.now(UTC)))
    async with db.transaction():
        await store.upsert(db, sub)
    await store_article(db, "停戦協議、再開へ", "両国は停戦協議を再開する。")


async def post_then_crash(db: Database, topics: Catalog, transport: SlackTransport) -> str:
    """What the worker does up to the crash: post the pending row, never mark it sent."""
    row = (await outbox.list_rows(db, status="pending"))[0]
    view = await alert_view(db, topics, row.article_id or 0)
    assert view is not None
    return await transport.send_alert(row.channel_id, view, row.nonce)


def transport(fake: SlackFake, resume_below: int) -> SlackTransport:
    return SlackTransport(make_client(fake.bot_token, fake.api_url), resume_below=resume_below)


async def test_restart_after_post_does_not_repost(
    fake: SlackFake, db: Database, topics: Catalog
) -> None:
    await owe_one_alert(db)
    first_ts = await post_then_crash(db, topics, transport(fake, resume_below=0))
    assert fake.calls_to("conversations.history") == []  # a new row: no look-up

    after_restart = transport(fake, resume_below=1)
    result = await DeliveryWorker(db, {"slack": after_restart}, topics).run_once()
    assert result.sent == 1
    assert len(fake.posts(CHANNEL)) == 1
    row = (await outbox.list_rows(db, kind="alert"))[0]
    assert (row.status, row.message_id) == ("sent", first_ts)
    assert fake.posts(CHANNEL)[0]["metadata"]["event_payload"] == {"nonce": row.nonce}


async def test_owed_before_start_but_never_posted_is_posted(
    fake: SlackFake, db: Database, topics: Catalog
) -> None:
    await owe_one_alert(db)
    after_restart = transport(fake, resume_below=1)
    assert (await DeliveryWorker(db, {"slack": after_restart}, topics).run_once()).sent == 1
    assert len(fake.calls_to("conversations.history")) == 1
    assert len(fake.posts(CHANNEL)) == 1


async def test_without_history_scope_it_still_posts(
    fake: SlackFake, db: Database, topics: Catalog
) -> None:
    await owe_one_alert(db)
    fake.history_error = "missing_scope"
    after_restart = transport(fake, resume_below=10)
    assert (await DeliveryWorker(db, {"slack": after_restart}, topics).run_once()).sent == 1
    await store_article(db, "NATO首脳会議", "加盟国が集まった。")
    assert (await DeliveryWorker(db, {"slack": after_restart}, topics).run_once()).sent == 1
    assert len(fake.calls_to("conversations.history", status=None)) == 1  # asked once only
    assert len(fake.posts(CHANNEL)) == 2


async def test_start_slack_sets_the_watermark(
    fake: SlackFake, db: Database, topics: Catalog, secrets: Any
) -> None:
    await owe_one_alert(db)
    await store_article(db, "NATO首脳会議", "加盟国が集まった。")
    handle = await start_slack(Services(db, topics), secrets, host="127.0.0.1", port=0)
    try:
        assert handle.transport.resume_below == 2
    finally:
        await handle.close()
