"""Daily digests through the real discord.py client, on a clock the test moves by hand:
posted at the channel's local time (not before), once; a digest missed while the bot
was down goes out once at the next start-up, and never again on later start-ups."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.scheduling import Scheduler
from bot.services.runtime import Services
from tests.fakes.discord_fake import DiscordFake
from tests.transports.discord.limits import check_message
from tests.transports.discord.seed import store

LONDON = ZoneInfo("Europe/London")


def digest_posts(fake: DiscordFake, channel: str) -> list[dict]:
    return [p.body for p in fake.posts_to(channel) if str(p.body.get("nonce", "")).count("-")]


async def test_digest_at_channel_time_once_and_after_a_missed_slot(
    fake: DiscordFake, bot, db, services: Services, clock, settings, topics
) -> None:
    channel = fake.channel_ids[0]
    clock.now = datetime(2025, 2, 12, 18, 0, tzinfo=LONDON)
    await services.subscriptions.subscribe(
        "discord", channel, fake.guild_id, "all", "digest", "07:30", "Europe/London", is_admin=True
    )
    for i in range(60):
        await store(
            db,
            f"停戦交渉の記事{i}",
            "ウクライナ和平を巡り、米ロの高官が協議した。",
            published=clock.now - timedelta(minutes=10 * i),
        )

    clock.now = datetime(2025, 2, 13, 7, 29, tzinfo=LONDON)
    assert await services.digests.run_due() == []
    await services.delivery.run_once()
    assert digest_posts(fake, channel) == []

    clock.now = datetime(2025, 2, 13, 7, 30, 5, tzinfo=LONDON)
    owed = await services.digests.run_due()
    assert len(owed) == 1
    assert (await services.delivery.run_once()).sent == 1
    first_day = digest_posts(fake, channel)
    assert first_day, "the digest was posted"
    for body in first_day:
        check_message(body["embeds"])
        assert body["allowed_mentions"] == {"parse": []}
    assert "60 articles" in first_day[0]["embeds"][0]["description"]
    assert await services.digests.run_due() == []  # the job firing again owes nothing

    # Down over the next morning's 07:30; a new process (new Services) starts at 09:10.
    await store(db, "翌日の停戦協議", "停戦交渉が再開された。", published=clock.now)
    clock.now = datetime(2025, 2, 14, 9, 10, tzinfo=LONDON)
    for _ in range(2):
        restarted = Services(db, topics, settings, Scheduler(), clock=clock)
        restarted.add_transport(bot.transport)
        await restarted.digests.start()
        await restarted.delivery.run_once()
        restarted.digests.stop()
    second_day = digest_posts(fake, channel)[len(first_day) :]
    assert second_day, "the missed digest went out at start-up"
    assert len({b["nonce"].split("-")[0] for b in second_day}) == 1, "once, not per start-up"
    assert "1 article" in second_day[0]["embeds"][0]["description"]
