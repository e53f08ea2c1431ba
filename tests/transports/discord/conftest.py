"""Fixtures: the Discord fake on 127.0.0.1 and the real bot connected to it, over the real
services (``bot.services.runtime.Services``), real topics.toml and a real SQLite file.

discord.py keeps its base URLs as class attributes; ``monkeypatch`` restores them after
each test. These tests share that global state, so they must not run in parallel in
one process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.nlp.topics import TopicSet, load_topics
from bot.scheduling import Scheduler
from bot.services.runtime import Services
from bot.settings import Settings
from bot.storage.db import Database
from bot.transports.discord.client import DiscordHandle, start_discord
from tests.fakes.discord_fake import DiscordFake, running_fake

REPO = Path(__file__).resolve().parents[3]


class Clock:
    """A clock the test moves by hand (the services and the delivery worker read it)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def topics() -> TopicSet:
    return load_topics(REPO / "config" / "topics.toml")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(db: Database, topics: TopicSet, settings: Settings, clock: Clock) -> Services:
    return Services(db, topics, settings, Scheduler(), clock=clock)


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordFake]:
    async with running_fake(monkeypatch) as server:
        yield server


@pytest.fixture
async def bot(fake: DiscordFake, services: Services) -> AsyncIterator[DiscordHandle]:
    """The real discord.py bot, logged in, commands synced, gateway READY; its transport
    is added to the services' delivery worker."""
    handle = await start_discord(
        services, "fake-token", fake.api_base, fake.gateway_url, guild_ready_timeout=0.1
    )
    try:
        await handle.wait_ready(timeout=15)
        services.add_transport(handle.transport)
        yield handle
    finally:
        await handle.close()
