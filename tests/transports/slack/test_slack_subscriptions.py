"""/newsbot subscribe | unsubscribe | subscriptions through signed HTTP requests.

The admin check is made on the server: the configured SLACK_ADMINS ids, or a
workspace admin/owner according to users.info on the fake.
"""

from __future__ import annotations

import pytest

from bot.storage import subscriptions as store
from bot.storage.db import Database
from bot.transports.slack.listeners.subscriptions import parse_args
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import (
    ADMIN,
    CHANNEL,
    LISTED_ADMIN,
    MEMBER,
    SlackClient,
)


def reply_text(reply: dict) -> str:
    return " ".join(b["text"]["text"] for b in reply["blocks"] if "text" in b)


async def test_non_admin_is_refused_ephemerally(client: SlackClient, db: Database) -> None:
    reply = await client.command("subscribe nato", user=MEMBER)
    assert reply["response_type"] == "ephemeral"
    assert "Only people allowed" in reply_text(reply)
    assert await store.get(db, "slack", CHANNEL) is None
    assert [c.args["user"] for c in client.fake.calls_to("users.info")] == [MEMBER]


@pytest.mark.parametrize("user", [ADMIN, LISTED_ADMIN], ids=["workspace-admin", "listed"])
async def test_admin_subscribes_the_channel(client: SlackClient, db: Database, user: str) -> None:
    reply = await client.command("subscribe nato territory alerts 07:30 Europe/London", user=user)
    assert reply["response_type"] == "in_channel"
    assert "Subscribed." in reply_text(reply)
    sub = await store.get(db, "slack", CHANNEL)
    assert sub is not None
    assert sub.topics == ("nato", "territory")
    assert (sub.alerts, sub.digest) == (True, False)
    assert (sub.digest_time, sub.timezone) == ("07:30", "Europe/London")
    assert sub.guild_id == client.fake.team_id
    assert sub.created_by == user


async def test_owner_counts_as_admin(client: SlackClient, fake: SlackFake, db: Database) -> None:
    fake.add_user("UOWNER", owner=True)
    await client.command("subscribe all", user="UOWNER")
    sub = await store.get(db, "slack", CHANNEL)
    assert sub is not None and sub.all_topics


async def test_unknown_topic_is_a_plain_error(client: SlackClient, db: Database) -> None:
    reply = await client.command("subscribe sanctions", user=ADMIN)
    assert reply["response_type"] == "ephemeral"
    assert "Unknown topic 'sanctions'" in reply_text(reply)
    assert await store.get(db, "slack", CHANNEL) is None


async def test_channel_the_bot_cannot_see_is_refused(
    client: SlackClient, fake: SlackFake, db: Database
) -> None:
    fake.fail_channel("CPRIVATE", "channel_not_found")
    reply = await client.command("subscribe nato", user=ADMIN, channel="CPRIVATE")
    assert reply["response_type"] == "ephemeral"
    assert "/invite" in reply_text(reply)
    assert await store.get(db, "slack", "CPRIVATE") is None


async def test_list_and_unsubscribe(client: SlackClient, db: Database) -> None:
    reply = await client.command("subscriptions")
    assert "no subscription" in reply_text(reply)
    await client.command("subscribe nato territory", user=ADMIN)
    reply = await client.command("subscriptions")
    assert reply["response_type"] == "ephemeral"
    assert "NATO" in reply_text(reply) and "Territory / 領土" in reply_text(reply)

    refused = await client.command("unsubscribe nato", user=MEMBER)
    assert "Only people allowed" in reply_text(refused)
    sub = await store.get(db, "slack", CHANNEL)
    assert sub is not None and sub.topics == ("nato", "territory")

    await client.command("unsubscribe nato", user=ADMIN)
    sub = await store.get(db, "slack", CHANNEL)
    assert sub is not None and sub.topics == ("territory",)
    reply = await client.command("unsubscribe", user=LISTED_ADMIN)
    assert "gets nothing" in reply_text(reply)
    assert await store.get(db, "slack", CHANNEL) is None


@pytest.mark.parametrize(
    ("text", "topics", "mode", "time", "zone"),
    [
        ("nato", ["nato"], None, None, None),
        ("nato, territory digest", ["nato", "territory"], "digest", None, None),
        ("all both 8:15 UTC", ["all"], "both", "8:15", "UTC"),
        ("nato mode=alerts time=06:00 tz=Asia/Tokyo", ["nato"], "alerts", "06:00", "Asia/Tokyo"),
        ("停戦交渉、領土", ["停戦交渉", "領土"], None, None, None),
    ],
)
def test_parse_args(
    text: str, topics: list[str], mode: str | None, time: str | None, zone: str | None
) -> None:
    args = parse_args(text)
    assert (args.topics, args.mode, args.time, args.timezone) == (topics, mode, time, zone)
