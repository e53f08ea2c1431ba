"""Alerts through DeliveryWorker + DiscordTransport to the fake: mentions off, nonce dedupe,
5xx retried, 429 left to discord.py, 403/404 pause the subscription."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.digest import compose
from bot.services.transport import DeliveryError
from bot.services.views import AlertView
from bot.storage import outbox
from bot.storage import subscriptions as sub_store
from bot.transports.discord.render import DESCRIPTION, TITLE
from tests.fakes.discord_fake import DiscordFake
from tests.transports.discord.limits import check_message
from tests.transports.discord.seed import store

JST = ZoneInfo("Asia/Tokyo")


async def subscribe(services, channel: str, guild: str, what: str = "nato") -> None:
    await services.subscriptions.subscribe("discord", channel, guild, what, "alerts", is_admin=True)


async def test_alert_has_mentions_off_nonce_limits_and_topic_colour(
    fake: DiscordFake, bot, db, services, clock
) -> None:
    channel = fake.channel_ids[1]
    await subscribe(services, channel, fake.guild_id)
    article_id = await store(
        db,
        "@everyone NATO緊急会合 <@123> に注目",
        "NATO加盟国は@everyoneと<@123>に会合を呼びかけた。",
    )
    result = await services.delivery.run_once()
    assert result.sent == 1

    (posted,) = fake.posts_to(channel)
    body = posted.body
    assert body["allowed_mentions"] == {"parse": []}
    (row,) = await outbox.list_rows(db)
    assert body["nonce"] == row.nonce and body["enforce_nonce"] is True
    assert row.status == "sent" and row.message_id == fake.messages_in(channel)[0]["id"]
    (embed,) = body["embeds"]
    assert "@everyone" in embed["title"] and "<@123>" in embed["description"]
    assert embed["color"] == services.topics.get("nato").colour
    assert len(embed["title"]) <= TITLE and len(embed["description"]) <= DESCRIPTION
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "NATO" in fields["Topics"]
    assert "Mark Rutte (ルッテ) — NATO事務総長" in fields["Key people"]
    assert "<t:" in fields["Source"] and "Nikkei Online" in fields["Source"]
    assert str(article_id) in embed["footer"]["text"]

    again = await services.delivery.run_once()
    assert again.sent == 0
    assert len(fake.messages_in(channel)) == 1


async def test_500_after_create_is_retried_and_arrives_once(
    fake: DiscordFake, bot, db, services, clock
):
    """discord.py retries the 500 itself; the resend carries the same nonce, so the message
    the failed attempt already created is returned instead of a second one."""
    channel = fake.channel_ids[1]
    await subscribe(services, channel, fake.guild_id)
    await store(db, "NATO首脳会議", "NATOは首脳会議を開いた。")
    fake.fail_next_posts(channel, 500, after_create=True)
    result = await services.delivery.run_once()
    assert result.sent == 1
    assert len(fake.posts_to(channel)) == 2
    assert [p.status for p in fake.posts_to(channel)] == [500, 200]
    assert len(fake.messages_in(channel)) == 1


async def test_503_becomes_a_retry_of_the_worker_and_arrives_once(
    fake: DiscordFake, bot, db, services, clock
) -> None:
    channel = fake.channel_ids[1]
    await subscribe(services, channel, fake.guild_id)
    await store(db, "NATO首脳会議", "NATOは首脳会議を開いた。")
    fake.fail_next_posts(channel, 503, after_create=True)
    first = await services.delivery.run_once()
    assert first.retried == 1 and first.sent == 0
    (row,) = await outbox.list_rows(db)
    assert row.status == "pending" and "503" in (row.last_error or "")
    clock.now += timedelta(minutes=10)
    second = await services.delivery.run_once()
    assert second.sent == 1
    assert len(fake.posts_to(channel)) == 2
    assert len(fake.messages_in(channel)) == 1


async def test_429_is_left_to_discord_py(fake: DiscordFake, bot, db, services, clock) -> None:
    channel = fake.channel_ids[1]
    await subscribe(services, channel, fake.guild_id)
    await store(db, "NATO首脳会議", "NATOは首脳会議を開いた。")
    fake.fail_next_posts(channel, 429, retry_after=0.01)
    result = await services.delivery.run_once()
    assert result.sent == 1 and result.retried == 0
    assert [p.status for p in fake.posts_to(channel)] == [429, 200]
    assert len(fake.messages_in(channel)) == 1


@pytest.mark.parametrize("status", [404, 403])
async def test_gone_channel_pauses_the_subscription_and_tells_the_server(
    fake: DiscordFake, bot, db, services, clock, status: int
) -> None:
    channel, other = fake.channel_ids[1], fake.channel_ids[0]
    await subscribe(services, channel, fake.guild_id)
    await store(db, "NATO首脳会議", "NATOは首脳会議を開いた。")
    await store(db, "NATO国防相会合", "NATOは国防相会合を開いた。")
    fake.fail_next_posts(channel, status)
    result = await services.delivery.run_once()
    assert result.paused == 1 and result.sent == 0
    sub = await sub_store.get(db, "discord", channel)
    assert sub is not None and sub.paused and str(status) in (sub.paused_reason or "")
    assert len(fake.posts_to(channel)) == 1  # the second alert was not tried
    assert {r.status for r in await outbox.list_rows(db)} == {"failed"}
    (note,) = fake.messages_in(other)
    assert "paused" in note["content"] and note["allowed_mentions"] == {"parse": []}


async def test_digest_of_a_day_with_sixty_articles_goes_out_within_limits(
    fake: DiscordFake, bot, db, services, clock
) -> None:
    channel = fake.channel_ids[1]
    await services.subscriptions.subscribe(
        "discord", channel, fake.guild_id, "all", "digest", is_admin=True
    )
    ids = list(services.topics.ids)
    until = clock.now
    for i in range(60):
        await store(
            db,
            f"記事{i}: 停戦交渉とNATOの動き" + "、各国の反応" * (i % 7),
            "ウクライナ和平を巡り、米ロの高官が協議した。" * (1 + i % 4),
            topic=ids[i % len(ids)],
            published=until - timedelta(minutes=20 * (i + 1)),
        )
    view = await compose(
        db, services.topics, "discord", channel, until - timedelta(days=1), until, None
    )
    assert view.total == 60
    outbox_id = await outbox.enqueue_digest(db, "discord", channel, view.date, view.to_dict())
    assert outbox_id is not None
    result = await services.delivery.run_once()
    assert result.sent == 1
    posts = fake.posts_to(channel)
    assert [p.body["nonce"] for p in posts] == [f"nb{outbox_id}-{n}" for n in range(len(posts))]
    embeds = []
    for p in posts:
        check_message(p.body["embeds"])
        assert p.body["allowed_mentions"] == {"parse": []}
        embeds.extend(p.body["embeds"])
    assert "60 articles" in embeds[0]["description"]
    sections = {e["title"].split(" (")[0]: e for e in embeds[1:]}
    assert len(sections) == len(ids)
    for topic in services.topics.topics:
        section = next(e for title, e in sections.items() if title.startswith(topic.label_en))
        assert section["color"] == topic.colour
        assert "more on this topic" in section["description"]
    (row,) = await outbox.list_rows(db)
    assert row.status == "sent" and row.message_id == ",".join(
        m["id"] for m in fake.messages_in(channel)
    )


async def test_transport_maps_errors_to_delivery_kinds(fake: DiscordFake, bot) -> None:
    view = AlertView(article_id=1, title="見出し", lead="本文。")
    channel = fake.channel_ids[0]
    fake.fail_next_posts(channel, 400)
    with pytest.raises(DeliveryError) as bad:
        await bot.transport.send_alert(channel, view, "nb1")
    assert bad.value.kind == "fatal" and bad.value.status == 400
    with pytest.raises(DeliveryError) as not_id:
        await bot.transport.send_alert("general", view, "nb1")
    assert not_id.value.kind == "fatal"
    await fake.close()  # the API is unreachable now
    with pytest.raises(DeliveryError) as down:
        await bot.transport.send_alert(channel, view, "nb2")
    assert down.value.kind == "retry" and down.value.status is None
