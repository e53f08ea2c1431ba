"""/subscribe, /unsubscribe, /subscriptions through the real client and the fake."""

from __future__ import annotations

import pytest

from bot.storage import subscriptions as store
from tests.fakes.discord_fake import ADMINISTRATOR, MANAGE_CHANNELS, DiscordFake

EPHEMERAL = 64
SEND_MESSAGES = 1 << 11


def opt(name: str, value: str, **extra: object) -> dict:
    return {"name": name, "type": 3, "value": value, **extra}


def text_of(message: dict) -> str:
    return message.get("content") or ""


@pytest.mark.parametrize("permissions", [0, SEND_MESSAGES])
async def test_subscribe_without_manage_channels_is_refused(
    fake: DiscordFake, bot, db, permissions: int
) -> None:
    inter = await fake.slash("subscribe", [opt("topics", "nato")], permissions=permissions)
    (answer,) = await fake.answered(inter)
    assert int(answer["flags"]) & EPHEMERAL
    assert "Manage Channels" in text_of(answer)
    assert "Traceback" not in text_of(answer)
    assert await store.get(db, "discord", fake.channel_ids[0]) is None


@pytest.mark.parametrize("permissions", [MANAGE_CHANNELS, ADMINISTRATOR])
async def test_subscribe_with_permission_then_subscriptions_shows_it(
    fake: DiscordFake, bot, db, permissions: int
) -> None:
    channel = fake.channel_ids[1]
    inter = await fake.slash(
        "subscribe",
        [opt("topics", "nato, territory"), opt("mode", "alerts"), opt("time", "7:30")],
        permissions=permissions,
        channel_id=channel,
    )
    (answer,) = await fake.answered(inter)
    assert not int(answer.get("flags") or 0) & EPHEMERAL
    assert answer["allowed_mentions"] == {"parse": []}
    sub = await store.get(db, "discord", channel)
    assert sub is not None
    assert sub.topics == ("nato", "territory")
    assert sub.alerts and not sub.digest
    assert sub.guild_id == fake.guild_id

    listing = await fake.slash("subscriptions", channel_id=channel)
    (shown,) = await fake.answered(listing)
    assert "NATO" in text_of(shown) and "Territory" in text_of(shown)
    assert "alerts" in text_of(shown)

    other = await fake.slash("subscriptions", channel_id=fake.channel_ids[0])
    (nothing,) = await fake.answered(other)
    assert "no subscription" in text_of(nothing)


async def test_unknown_topic_is_a_plain_ephemeral_error(fake: DiscordFake, bot, db) -> None:
    inter = await fake.slash("subscribe", [opt("topics", "sanctions")], permissions=MANAGE_CHANNELS)
    (answer,) = await fake.answered(inter)
    assert int(answer["flags"]) & EPHEMERAL
    assert "sanctions" in text_of(answer) and "nato" in text_of(answer)
    assert await store.get(db, "discord", fake.channel_ids[0]) is None


async def test_unsubscribe_needs_permission_and_removes(fake: DiscordFake, bot, db) -> None:
    sub = await fake.slash("subscribe", [opt("topics", "all")], permissions=MANAGE_CHANNELS)
    await fake.answered(sub)
    refused = await fake.slash("unsubscribe", [], permissions=0)
    (no,) = await fake.answered(refused)
    assert int(no["flags"]) & EPHEMERAL
    assert await store.get(db, "discord", fake.channel_ids[0]) is not None

    done = await fake.slash("unsubscribe", [], permissions=MANAGE_CHANNELS)
    (yes,) = await fake.answered(done)
    assert "nothing" in text_of(yes)
    assert await store.get(db, "discord", fake.channel_ids[0]) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ter", ["territory"]),
        ("nato, pri", ["nato, prisoner_release"]),
        ("停戦", ["ceasefire_talks"]),
    ],
)
async def test_topic_autocomplete(fake: DiscordFake, bot, typed: str, expected: list[str]) -> None:
    inter = await fake.slash(
        "subscribe",
        [opt("topics", typed, focused=True)],
        autocomplete=True,
        permissions=MANAGE_CHANNELS,
    )
    choices = await fake.autocompleted(inter)
    assert [c["value"] for c in choices] == expected
