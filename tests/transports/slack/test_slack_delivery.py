"""Alerts and notices through DeliveryWorker + SlackTransport to the Slack fake."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.services.delivery import DeliveryWorker
from bot.services.transport import DeliveryError
from bot.storage import outbox
from bot.storage import subscriptions as store
from bot.storage.db import Database
from bot.storage.outbox import utc_iso
from bot.storage.subscriptions import Subscription
from bot.transports.slack import SlackHandle, SlackTransport, make_client
from bot.transports.slack.blocks import MAX_BLOCKS, SECTION_TEXT
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import (
    ADMIN,
    CHANNEL,
    LISTED_ADMIN,
    Catalog,
    SlackClient,
    store_article,
)

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U0BOSS>", "<!subteam^S1>")


async def subscribe(db: Database, channel: str = CHANNEL, topics: tuple = ("*",)) -> None:
    now = utc_iso(datetime.now(UTC))
    sub = Subscription("slack", channel, topics, guild_id="T0001", created_at=now)
    async with db.transaction():
        await store.upsert(db, sub)


def worker(db: Database, topics: Catalog, transport: SlackTransport) -> DeliveryWorker:
    return DeliveryWorker(db, {"slack": transport}, topics)


def check_blocks(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= SECTION_TEXT
        if block["type"] == "header":
            assert len(text) <= 150
        for element in block.get("elements", []):
            assert len(element.get("text", "")) <= SECTION_TEXT


async def test_alert_subscribed_through_the_command_arrives_once(
    client: SlackClient, slack: SlackHandle, fake: SlackFake, db: Database, topics: Catalog
) -> None:
    await client.command("subscribe ceasefire_talks", user=ADMIN)
    await subscribe(db, "COTHER", ("nato",))  # another channel, another topic: gets nothing
    article_id = await store_article(
        db, "ウィトコフ氏、停戦案を提示", "米特使のウィトコフ氏は13日、停戦案を示した。"
    )
    w = worker(db, topics, slack.transport)
    first = await w.run_once()
    again = await w.run_once()
    assert (first.sent, again.sent) == (1, 0)
    posts = fake.posts()
    assert [p["channel"] for p in posts] == [CHANNEL]
    post = posts[0]
    check_blocks(post["blocks"])
    dumped = json.dumps(post["blocks"], ensure_ascii=False)
    assert "ウィトコフ氏、停戦案を提示" in dumped  # Japanese intact, not \u-escaped by us
    assert f"#{article_id}" in dumped
    assert "<!date^" in dumped  # readers see their local time
    assert "Ceasefire talks / 停戦交渉" in dumped
    assert "Dmitry Peskov (ペスコフ)" in dumped
    assert post["parse"] == "none" and post["link_names"] in (False, 0, "0", "false")
    row = (await outbox.list_rows(db, kind="alert"))[0]
    assert row.status == "sent"
    assert row.message_id == fake.calls_to("chat.postMessage")[0].response["ts"]


async def test_mentions_in_article_text_never_ping(
    slack: SlackHandle, fake: SlackFake, db: Database, topics: Catalog
) -> None:
    await subscribe(db)
    title = "速報 <!channel> 停戦 & 協議 <@U0BOSS>"
    lead = "ロシア側は<!here>と述べた。<!everyone> <!subteam^S1> <https://evil.example|click>"
    await store_article(db, title, lead)
    assert (await worker(db, topics, slack.transport).run_once()).sent == 1
    post = fake.posts(CHANNEL)[0]
    everything = post["text"] + json.dumps(post["blocks"], ensure_ascii=False)
    for ping in PINGS:
        assert ping not in everything
    assert "&lt;!channel&gt;" in everything
    assert "&lt;!here&gt;" in everything
    assert "&lt;@U0BOSS&gt;" in everything
    assert "&amp; 協議" in everything
    assert "<https://evil.example" not in everything


async def test_rate_limit_is_waited_out_and_the_alert_arrives_once(
    slack: SlackHandle, fake: SlackFake, db: Database, topics: Catalog
) -> None:
    await subscribe(db)
    await store_article(db, "停戦協議、再開へ", "両国は停戦協議を再開する。")
    fake.rate_limit_next(2, retry_after=1)
    result = await worker(db, topics, slack.transport).run_once()
    assert result.sent == 1
    assert len(fake.calls_to("chat.postMessage", status=429)) == 2
    assert len(fake.posts(CHANNEL)) == 1
    row = (await outbox.list_rows(db, kind="alert"))[0]
    assert (row.status, row.attempts) == ("sent", 1)


async def test_long_retry_after_goes_back_to_the_worker(
    fake: SlackFake, db: Database, topics: Catalog
) -> None:
    await subscribe(db)
    await store_article(db, "停戦協議、再開へ", "両国は停戦協議を再開する。")
    transport = SlackTransport(make_client(fake.bot_token, fake.api_url), max_wait=5)
    fake.rate_limit_next(1, retry_after=120)
    w = worker(db, topics, transport)
    result = await w.run_once()
    assert (result.sent, result.retried) == (0, 1)
    row = (await outbox.list_rows(db, kind="alert"))[0]
    assert row.status == "pending" and "ratelimited" in (row.last_error or "")
    assert fake.posts() == []


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_gone_channel_pauses_and_tells_the_admins(
    slack: SlackHandle, fake: SlackFake, db: Database, topics: Catalog, error: str
) -> None:
    await subscribe(db)
    fake.fail_channel(CHANNEL, error)
    await store_article(db, "停戦協議、再開へ", "両国は停戦協議を再開する。")
    result = await worker(db, topics, slack.transport).run_once()
    assert (result.sent, result.paused) == (0, 1)
    sub = await store.get(db, "slack", CHANNEL)
    assert sub is not None and sub.paused and error in (sub.paused_reason or "")
    told = {p["channel"] for p in fake.posts()}
    assert told == {LISTED_ADMIN, "UOTHER"}  # DMs to the SLACK_ADMINS ids


@pytest.mark.parametrize(
    ("setup", "kind"),
    [
        (lambda f: f.fail_next_status(1, 503), "retry"),
        (lambda f: f.fail_next_status(1, 500), "retry"),
        (lambda f: f.fail_channel(CHANNEL, "invalid_blocks"), "fatal"),
        (lambda f: f.fail_channel(CHANNEL, "not_in_channel"), "gone"),
    ],
)
async def test_error_mapping(slack: SlackHandle, fake: SlackFake, setup, kind: str) -> None:
    from bot.transports.slack.blocks import text_message

    setup(fake)
    with pytest.raises(DeliveryError) as info:
        await slack.transport.post(CHANNEL, text_message("hello"))
    assert info.value.kind == kind


async def test_network_error_is_retry(db: Database) -> None:
    transport = SlackTransport(make_client("xoxb-x", "http://127.0.0.1:9/api/"))
    from bot.transports.slack.blocks import text_message

    with pytest.raises(DeliveryError) as info:
        await transport.post(CHANNEL, text_message("hello"))
    assert info.value.kind == "retry"
