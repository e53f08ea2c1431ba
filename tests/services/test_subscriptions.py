"""Subscribing channels: validation in plain words, merging, admin check, change events."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import pytest

from bot.services.errors import UserError
from bot.services.subscriptions import SubscriptionService, describe
from bot.storage import subscriptions as store
from bot.storage.db import Database
from bot.storage.subscriptions import Subscription

NOW = datetime(2025, 2, 13, tzinfo=UTC)


@pytest.fixture
def service(db: Database, catalog) -> SubscriptionService:
    return SubscriptionService(db, catalog, default_time="08:00", clock=lambda: NOW)


async def test_new_subscription_defaults_to_both_at_8_tokyo(service: SubscriptionService) -> None:
    sub = await service.subscribe("discord", "c1", "g1", "nato", is_admin=True)
    assert (sub.topics, sub.alerts, sub.digest) == (("nato",), True, True)
    assert (sub.digest_time, sub.timezone, sub.guild_id) == ("08:00", "Asia/Tokyo", "g1")
    assert await service.get("discord", "c1") == sub


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        ("nato", ("nato",)),
        ("nato, territory", ("nato", "territory")),
        (["nato", "territory", "nato"], ("nato", "territory")),
        ("all", ("*",)),
        ("ALL", ("*",)),
        ("NATO", ("nato",)),  # English label, any case
        ("停戦交渉", ("ceasefire_talks",)),  # Japanese label
    ],
)
async def test_topic_words_accepted(service: SubscriptionService, topics, expected) -> None:
    sub = await service.subscribe("discord", "c1", None, topics, is_admin=True)
    assert sub.topics == expected


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"topics": "sanctions"}, ["'sanctions'", "ceasefire_talks", "nato", "prisoner_release"]),
        ({"topics": ""}, ["at least one topic"]),
        ({"topics": "nato", "mode": "sometimes"}, ["alerts, digest, both"]),
        ({"topics": "nato", "digest_time": "25:00"}, ["'25:00'", "08:00"]),
        ({"topics": "nato", "digest_time": "eight"}, ["'eight'"]),
        ({"topics": "nato", "timezone": "Mars/Olympus"}, ["'Mars/Olympus'", "IANA"]),
        ({"topics": "nato", "timezone": "../etc/passwd"}, ["IANA"]),
    ],
)
async def test_bad_input_is_a_plain_words_error(
    service: SubscriptionService, db: Database, kwargs, words
) -> None:
    with pytest.raises(UserError) as err:
        await service.subscribe("discord", "c1", None, is_admin=True, **kwargs)
    for word in words:
        assert word in err.value.message
    assert "\n" not in err.value.message
    assert await store.get(db, "discord", "c1") is None


async def test_non_admin_is_refused_server_side(service: SubscriptionService, db: Database):
    with pytest.raises(UserError, match="manage"):
        await service.subscribe("discord", "c1", None, "nato", is_admin=False)
    assert await store.get(db, "discord", "c1") is None
    await service.subscribe("discord", "c1", None, "nato", is_admin=True)
    with pytest.raises(UserError):
        await service.unsubscribe("discord", "c1", None, is_admin=False)
    assert await store.get(db, "discord", "c1") is not None


async def test_topics_accumulate_and_settings_replace(service: SubscriptionService) -> None:
    await service.subscribe("discord", "c1", "g1", "nato", "alerts", is_admin=True)
    sub = await service.subscribe(
        "discord", "c1", None, "territory", None, "7:30", "Europe/Kyiv", is_admin=True
    )
    assert sub.topics == ("nato", "territory")
    assert (sub.alerts, sub.digest) == (True, False)  # mode kept when not given
    assert (sub.digest_time, sub.timezone, sub.guild_id) == ("07:30", "Europe/Kyiv", "g1")
    sub = await service.subscribe("discord", "c1", None, "all", "digest", is_admin=True)
    assert sub.topics == ("*",) and (sub.alerts, sub.digest) == (False, True)
    sub = await service.subscribe("discord", "c1", None, "", None, "06:00", is_admin=True)
    assert sub.topics == ("*",) and sub.digest_time == "06:00"  # no topics: keep them


async def test_subscribe_again_resumes_a_paused_channel(service: SubscriptionService) -> None:
    await service.subscribe("discord", "c1", None, "nato", is_admin=True)
    assert await service.pause("discord", "c1", "403 Missing Access")
    paused = await service.get("discord", "c1")
    assert paused is not None and paused.paused and paused.paused_reason == "403 Missing Access"
    assert "PAUSED: 403 Missing Access" in describe(paused, service.catalog)
    resumed = await service.subscribe("discord", "c1", None, "nato", is_admin=True)
    assert not resumed.paused and resumed.paused_reason is None


async def test_unsubscribe_some_topics_then_all(service: SubscriptionService) -> None:
    await service.subscribe("slack", "C1", None, "all", is_admin=True)
    left = await service.unsubscribe("slack", "C1", "nato", is_admin=True)
    assert left is not None
    assert left.topics == ("ceasefire_talks", "territory", "prisoner_release")
    with pytest.raises(UserError, match="not subscribed to nato"):
        await service.unsubscribe("slack", "C1", "nato", is_admin=True)
    left = await service.unsubscribe("slack", "C1", "territory prisoner_release", is_admin=True)
    assert left is not None and left.topics == ("ceasefire_talks",)
    assert await service.unsubscribe("slack", "C1", "ceasefire_talks", is_admin=True) is None
    assert await service.get("slack", "C1") is None
    with pytest.raises(UserError, match="no subscription"):
        await service.unsubscribe("slack", "C1", None, is_admin=True)


async def test_listeners_hear_every_change(service: SubscriptionService) -> None:
    heard: list[str] = []

    async def async_listener() -> None:
        heard.append("async")

    service.on_change(lambda: heard.append("sync"))
    service.on_change(async_listener)
    await service.subscribe("discord", "c1", None, "nato", is_admin=True)
    await service.unsubscribe("discord", "c1", None, is_admin=True)
    assert heard == ["sync", "async", "sync", "async"]
    with pytest.raises(UserError):
        await service.subscribe("discord", "c1", None, "bogus", is_admin=True)
    assert len(heard) == 4  # a refused change is not a change


async def test_describe_in_plain_words(service: SubscriptionService) -> None:
    assert "no subscription" in describe(None, service.catalog)
    sub = await service.subscribe(
        "discord", "c1", None, "nato ceasefire_talks", "both", "21:15", "UTC", is_admin=True
    )
    text = describe(sub, service.catalog)
    assert "NATO" in text and "Ceasefire talks / 停戦交渉" in text
    assert "alerts and a daily digest at 21:15 UTC" in text


async def test_changes_while_another_task_holds_a_transaction(
    service: SubscriptionService, db: Database
) -> None:
    """The connection is shared with the ingest: a change mid-ingest waits, then lands.

    It must neither fail nor join the ingest's transaction (and vanish with its rollback).
    """
    started, release = asyncio.Event(), asyncio.Event()

    async def ingest() -> None:
        with contextlib.suppress(RuntimeError):
            async with db.transaction():
                started.set()
                await release.wait()
                raise RuntimeError("ingest failed and rolls back")

    async def change() -> Subscription:
        sub = await service.subscribe("discord", "c1", None, "nato", is_admin=True)
        assert await service.pause("discord", "c1", "HTTP 403")
        return sub

    task = asyncio.create_task(ingest())
    await started.wait()
    changing = asyncio.create_task(change())
    await asyncio.sleep(0.05)
    assert not changing.done()
    release.set()
    await task
    sub = await changing
    stored = await service.get("discord", "c1")
    assert stored is not None and stored.topics == sub.topics and stored.paused
