"""Fixtures: the Slack Web API fake on 127.0.0.1 and the real Bolt app served over HTTP.

The app's Web API client points at the fake through ``SLACK_API_URL``; tests talk
to the app with signed requests (see slack_support.SlackClient).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.settings import load_secrets
from bot.storage.db import Database, open_database
from bot.transports.slack import SlackHandle, start_slack
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import (
    ADMIN,
    LISTED_ADMIN,
    MEMBER,
    SIGNING_SECRET,
    Catalog,
    Services,
    SlackClient,
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "newsbot.db")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def topics() -> Catalog:
    return Catalog()


@pytest.fixture
async def fake() -> AsyncIterator[SlackFake]:
    server = SlackFake()
    server.add_user(ADMIN, admin=True)
    server.add_user(LISTED_ADMIN)
    server.add_user(MEMBER)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def secrets(fake: SlackFake) -> Any:
    return load_secrets(
        {
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "SLACK_ADMINS": f"{LISTED_ADMIN}, UOTHER",
        }
    )


@pytest.fixture
async def slack(db: Database, topics: Catalog, secrets: Any) -> AsyncIterator[SlackHandle]:
    handle = await start_slack(Services(db, topics), secrets, host="127.0.0.1", port=0)
    try:
        yield handle
    finally:
        await handle.close()


@pytest.fixture
async def client(slack: SlackHandle, fake: SlackFake) -> AsyncIterator[SlackClient]:
    async with aiohttp.ClientSession() as session:
        yield SlackClient(f"http://127.0.0.1:{slack.port}/slack/events", fake, session)
