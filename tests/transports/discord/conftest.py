"""Fixtures: the Discord fake on 127.0.0.1 and the real bot connected to it.

discord.py keeps its base URLs as class attributes; ``monkeypatch`` restores them after
each test. These tests share that global state, so they must not run in parallel in
one process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import discord.gateway
import discord.http
import pytest

from bot.storage.db import Database, open_database
from bot.transports.discord.client import DiscordHandle, Services, start_discord
from tests.fakes.discord_fake import DiscordFake


@dataclass(frozen=True)
class Topic:
    id: str
    label_en: str
    label_ja: str
    colour: str
    definition: str


@dataclass
class Catalog:
    topics: list[Topic] = field(
        default_factory=lambda: [
            Topic("ceasefire_talks", "Ceasefire talks", "停戦交渉", "#2E86DE", "ceasefire"),
            Topic("nato", "NATO", "NATO", "#1B4F72", "NATO as an institution"),
            Topic("territory", "Territory", "領土", "#B03A2E", "control of territory"),
            Topic("prisoner_release", "Prisoner release", "捕虜・拘束者の解放", "#239B56", "x"),
        ]
    )

    def get(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


@pytest.fixture
def topics() -> Catalog:
    return Catalog()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "newsbot.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordFake]:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    server = DiscordFake()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
def services(db: Database, topics: Catalog) -> Services:
    return Services(db=db, topics=topics)


@pytest.fixture
async def bot(fake: DiscordFake, services: Services) -> AsyncIterator[DiscordHandle]:
    """The real discord.py bot, logged in, commands synced, gateway READY."""
    handle = await start_discord(
        services, "fake-token", fake.api_base, fake.gateway_url, guild_ready_timeout=0.1
    )
    try:
        await handle.wait_ready(timeout=15)
        yield handle
    finally:
        await handle.close()
