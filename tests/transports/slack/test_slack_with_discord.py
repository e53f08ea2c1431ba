"""One process, both platforms: the wired services deliver one outbox to Discord and Slack.

The real runtime container (delivery worker, digest schedule on the real
scheduler), the real discord.py bot against the Discord fake, and the real Bolt
app against the Slack fake; the seed file goes through the real ingest.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.ingest.job import IngestJob
from bot.nlp.pipeline import Pipeline
from bot.scheduling import Scheduler
from bot.services.runtime import Services as RuntimeServices
from bot.settings import Settings, load_secrets
from bot.storage import outbox
from bot.storage.db import Database
from bot.transports.discord.client import start_discord
from bot.transports.slack import start_slack
from tests.fakes.discord_fake import DiscordFake, running_fake
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import ADMIN, CHANNEL, SIGNING_SECRET, SlackClient

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_c0298d739a49e9f8.txt"


async def sent_rows(db: Database, expected: int) -> list[outbox.OutboxRow]:
    """The alert rows once ``expected`` of them are marked sent (the mark follows the post)."""
    for _ in range(600):
        rows = await outbox.list_rows(db, kind="alert")
        if sum(r.status == "sent" for r in rows) >= expected:
            return rows
        await asyncio.sleep(0.05)
    return await outbox.list_rows(db, kind="alert")


@pytest.fixture
async def discord_fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordFake]:
    async with running_fake(monkeypatch) as server:
        yield server


async def test_one_outbox_two_platforms(
    fake: SlackFake, discord_fake: DiscordFake, db: Database, settings: Settings
) -> None:
    pipeline = Pipeline.from_config(settings.config_dir)
    scheduler = Scheduler()
    scheduler.start()
    services = RuntimeServices(db, pipeline.topics, settings, scheduler)
    secrets = load_secrets(
        {
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
        }
    )
    d_channel = discord_fake.channel_ids[0]
    dc = await start_discord(
        services,
        "fake-token",
        discord_fake.api_base,
        discord_fake.gateway_url,
        guild_ready_timeout=0.1,
    )
    sl = await start_slack(services, secrets, host="127.0.0.1", port=0)
    try:
        await dc.wait_ready(timeout=15)
        services.add_transport(dc.transport)
        services.add_transport(sl.transport)
        await services.start()

        await services.subscriptions.subscribe(
            "discord", d_channel, discord_fake.guild_id, "ceasefire_talks", is_admin=True
        )
        async with aiohttp.ClientSession() as session:
            client = SlackClient(f"http://127.0.0.1:{sl.port}/slack/events", fake, session)
            reply = await client.command("subscribe ceasefire_talks", user=ADMIN)
        assert reply["response_type"] == "in_channel"

        job = IngestJob(settings, db, pipeline, on_alerts=services.wake_delivery)
        summary = await job.ingest_paths([SEED])
        assert [r.outcome for r in summary.files] == ["ingested"]

        await fake.wait_for(lambda: len(fake.posts(CHANNEL)) == 2, timeout=30)
        await discord_fake.wait_for(lambda: len(discord_fake.messages_in(d_channel)) == 2, 30)
        rows = await sent_rows(db, expected=4)
        assert sorted((r.platform, r.status) for r in rows) == [
            ("discord", "sent"),
            ("discord", "sent"),
            ("slack", "sent"),
            ("slack", "sent"),
        ]
    finally:
        await services.stop()
        await sl.close()
        await dc.close()
        scheduler.shutdown()
