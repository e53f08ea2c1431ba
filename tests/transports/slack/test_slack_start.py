"""Starting Slack: Socket Mode with SLACK_APP_TOKEN, HTTP otherwise; token refusals fail fast."""

from __future__ import annotations

from typing import Any

import pytest

from bot.settings import load_secrets
from bot.storage import subscriptions as store
from bot.storage.db import Database
from bot.transports.slack import SlackConfigError, start_slack
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import (
    ADMIN,
    CHANNEL,
    SIGNING_SECRET,
    Catalog,
    Services,
)


def env(fake: SlackFake, **extra: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": fake.bot_token, "SLACK_API_URL": fake.api_url, **extra}


async def test_socket_mode_receives_and_acks_slash_commands(
    fake: SlackFake, db: Database, topics: Catalog
) -> None:
    secrets = load_secrets(env(fake, SLACK_APP_TOKEN=fake.app_token))
    handle = await start_slack(Services(db, topics), secrets)
    try:
        assert handle.mode == "socket" and handle.port is None
        await fake.wait_for(lambda: bool(fake.sockets))
        envelope = await fake.send_envelope(
            "slash_commands",
            {
                "command": "/newsbot",
                "text": "subscribe nato",
                "team_id": fake.team_id,
                "channel_id": CHANNEL,
                "user_id": ADMIN,
                "response_url": fake.response_url("sock"),
                "trigger_id": "1.2.3",
                "api_app_id": "A0NEWSBOT",
            },
        )
        await fake.wait_for(lambda: any(a.get("envelope_id") == envelope for a in fake.socket_acks))
        await fake.wait_for(lambda: bool(fake.responses.get("sock")))
        assert fake.responses["sock"][0]["response_type"] == "in_channel"
        sub = await store.get(db, "slack", CHANNEL)
        assert sub is not None and sub.topics == ("nato",)
        assert fake.calls_to("apps.connections.open")[0].token == fake.app_token
    finally:
        await handle.close()


async def test_http_mode_serves_on_the_given_port(
    fake: SlackFake, db: Database, topics: Catalog
) -> None:
    secrets = load_secrets(env(fake, SLACK_SIGNING_SECRET=SIGNING_SECRET))
    handle = await start_slack(Services(db, topics), secrets, host="127.0.0.1", port=0)
    try:
        assert handle.mode == "http" and handle.port
        assert fake.calls_to("auth.test")  # the bot token was checked at start
    finally:
        await handle.close()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-wrong", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-wrong"}, "SLACK_APP_TOKEN"),
        ({}, "SLACK_SIGNING_SECRET is required"),
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"),
    ],
)
async def test_bad_configuration_is_one_line(
    fake: SlackFake, db: Database, topics: Catalog, extra: dict[str, str], message: str
) -> None:
    secrets: Any = load_secrets(env(fake, **extra))
    with pytest.raises(SlackConfigError, match=message) as info:
        await start_slack(Services(db, topics), secrets, host="127.0.0.1", port=0)
    assert "\n" not in str(info.value)


async def test_busy_port_and_unreachable_api_are_one_line(
    fake: SlackFake, db: Database, topics: Catalog
) -> None:
    secrets = load_secrets(env(fake, SLACK_SIGNING_SECRET=SIGNING_SECRET))
    first = await start_slack(Services(db, topics), secrets, host="127.0.0.1", port=0)
    try:
        with pytest.raises(SlackConfigError, match="cannot listen on 127.0.0.1"):
            await start_slack(Services(db, topics), secrets, host="127.0.0.1", port=first.port)
    finally:
        await first.close()
    nowhere = load_secrets(
        {
            "SLACK_BOT_TOKEN": "xoxb-x",
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",
        }
    )
    with pytest.raises(SlackConfigError, match="cannot reach the Slack API"):
        await start_slack(Services(db, topics), nowhere, host="127.0.0.1", port=0)
