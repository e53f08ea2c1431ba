"""Start-up, reconnects and failures of the bot itself."""

from __future__ import annotations

import discord
import discord.gateway
import discord.http
import pytest

from bot.services.runtime import Services
from bot.transports.discord.client import start_discord
from tests.fakes.discord_fake import DiscordFake

EPHEMERAL = 64


async def test_start_points_discord_py_at_the_configured_hosts(fake: DiscordFake, bot) -> None:
    assert fake.api_base == discord.http.Route.BASE
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == fake.gateway_url
    assert fake.connections == 1


async def test_bad_token_fails_start_with_login_failure(fake: DiscordFake, services: Services):
    with pytest.raises(discord.LoginFailure):
        await start_discord(services, "wrong", fake.api_base, fake.gateway_url)
    assert fake.connections == 0 and fake.command_puts == 0


async def test_gateway_reconnect_resumes_and_commands_still_work(fake: DiscordFake, bot) -> None:
    await fake.ask_reconnect()
    await fake.wait_for(lambda: fake.connections == 2 and fake.resumes == 1)
    inter = await fake.slash("topics")
    (answer,) = await fake.answered(inter)
    assert answer["embeds"]
    assert fake.command_puts == 1  # no second sync on a resume


async def test_a_bug_shows_a_plain_private_message(fake: DiscordFake, bot, db) -> None:
    await db.execute("DROP TABLE articles_fts")
    inter = await fake.slash("search", [{"name": "query", "type": 3, "value": "停戦"}])
    (answer,) = await fake.answered(inter)
    assert int(answer["flags"]) & EPHEMERAL
    assert answer["content"].startswith("Something went wrong on the bot's side")
    assert "Traceback" not in answer["content"] and "articles_fts" not in answer["content"]
