"""The seed file through the real ingest (parser, fugashi pipeline, storage), then out to
the fake Discord as alerts, and /who over what was stored."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.ingest import IngestJob
from bot.nlp.pipeline import Pipeline
from bot.services.runtime import Services
from bot.settings import Settings, load_settings
from bot.storage import outbox
from tests.fakes.discord_fake import DiscordFake
from tests.transports.discord.conftest import REPO
from tests.transports.discord.limits import check_message


@pytest.fixture
def settings(config_dir) -> Settings:
    return load_settings(config_dir, env={"NEWSBOT_SEEDS": "", "NEWSBOT_SETTLE_SECONDS": "0"})


@pytest.fixture
async def seeded(bot, fake: DiscordFake, services: Services, settings: Settings) -> AsyncIterator:
    """Channel 1 subscribed to every topic's alerts, then the seeds ingested."""
    await services.subscriptions.subscribe(
        "discord", fake.channel_ids[1], fake.guild_id, "all", "alerts", is_admin=True
    )
    pipeline = Pipeline.from_config(settings.config_dir)
    job = IngestJob(settings, services.db, pipeline, on_alerts=services.wake_delivery)
    summary = await job.ingest_paths([REPO / "seeds"])
    assert summary.new >= 2, summary.one_line()
    yield summary


async def test_seed_alerts_reach_discord_once_within_limits(
    fake: DiscordFake, seeded, services: Services
) -> None:
    owed = await outbox.list_rows(services.db)
    assert owed, "the seed articles carry topics, so alerts are owed"
    result = await services.delivery.run_once()
    assert result.sent == len(owed)
    messages = fake.messages_in(fake.channel_ids[1])
    assert len(messages) == len(owed)
    colours = {t.colour for t in services.topics.topics}
    for m in messages:
        assert m["allowed_mentions"] == {"parse": []}
        check_message(m["embeds"])
        assert m["embeds"][0]["color"] in colours
    titles = {m["embeds"][0]["title"] for m in messages}
    assert "トランプ氏、戦争終結へ交渉開始 プーチン氏と合意" in titles
    again = await services.delivery.run_once()
    assert again.sent == 0 and len(fake.messages_in(fake.channel_ids[1])) == len(owed)


def opt(name: str, value: str, **extra: object) -> dict:
    return {"name": name, "type": 3, "value": value, **extra}


@pytest.mark.parametrize("query", ["Peskov", "peskov", "ペスコフ", "Peskow"])
async def test_who_answers_with_role_and_quotes(fake: DiscordFake, seeded, query: str) -> None:
    inter = await fake.slash("who", [opt("name", query)])
    (answer,) = await fake.answered(inter)
    assert inter.deferred
    assert answer["allowed_mentions"] == {"parse": []}
    (embed,) = answer["embeds"]
    check_message([embed])
    assert embed["title"] == "Dmitry Peskov (ペスコフ)"
    assert "ロシア大統領報道官" in embed["description"]
    quotes = [f for f in embed["fields"] if f["name"].startswith("Said in:")]
    assert any("ウクライナ問題の解決について話しあった" in f["value"] for f in quotes)
    assert all("<t:" in f["name"] for f in quotes)
    assert embed["footer"]["text"] == "id: peskov"


async def test_who_unknown_name_says_so_plainly(fake: DiscordFake, seeded) -> None:
    inter = await fake.slash("who", [opt("name", "Zzyzx Qwerty")])
    (answer,) = await fake.answered(inter)
    (embed,) = answer["embeds"]
    assert embed["description"].startswith("No one called 'Zzyzx Qwerty' is in the articles")


@pytest.mark.parametrize("typed", ["pes", "Pes", "ペス", "ペスコ"])
async def test_who_autocomplete_offers_peskov(fake: DiscordFake, seeded, typed: str) -> None:
    inter = await fake.slash("who", [opt("name", typed, focused=True)], autocomplete=True)
    choices = await fake.autocompleted(inter)
    assert {"name": "Dmitry Peskov (ペスコフ)", "value": "peskov"} in [
        {"name": c["name"], "value": c["value"]} for c in choices
    ]
    assert len(choices) <= 25


async def test_who_by_autocomplete_value(fake: DiscordFake, seeded) -> None:
    inter = await fake.slash("who", [opt("name", "peskov")])
    (answer,) = await fake.answered(inter)
    assert answer["embeds"][0]["footer"]["text"] == "id: peskov"
