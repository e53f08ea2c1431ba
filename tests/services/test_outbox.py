"""The outbox on a real SQLite file: alerts owed once per article × channel."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import outbox
from bot.storage.db import Database
from tests.services.conftest import add_article

NOW = datetime(2025, 2, 13, 0, 0, tzinfo=UTC)


async def _sub(
    db: Database,
    channel: str,
    topics: list[str],
    alerts: int = 1,
    paused: int = 0,
    platform: str = "discord",
) -> None:
    await db.execute(
        """INSERT INTO subscriptions (platform, channel_id, topics, alerts, paused, created_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (platform, channel, json.dumps(topics), alerts, paused, NOW.isoformat()),
    )


@pytest.mark.parametrize(
    ("sub_topics", "alerts", "paused", "article_topics", "owed"),
    [
        (["nato"], 1, 0, ["nato"], 1),
        (["nato", "territory"], 1, 0, ["territory", "ceasefire_talks"], 1),
        (["*"], 1, 0, ["prisoner_release"], 1),
        (["nato"], 1, 0, ["territory"], 0),
        (["nato"], 0, 0, ["nato"], 0),  # digest-only subscription
        (["nato"], 1, 1, ["nato"], 0),  # paused
        (["*"], 1, 0, [], 0),  # an article with no topics owes nothing
    ],
)
async def test_enqueue_alerts_matching(
    db: Database,
    sub_topics: list[str],
    alerts: int,
    paused: int,
    article_topics: list[str],
    owed: int,
) -> None:
    await _sub(db, "c1", sub_topics, alerts, paused)
    aid = await add_article(db, "記事", NOW)
    assert await outbox.enqueue_alerts(db, aid, article_topics, now=NOW) == owed
    rows = await outbox.list_rows(db, kind="alert")
    assert [(r.channel_id, r.article_id, r.status) for r in rows] == [("c1", aid, "pending")] * owed


async def test_enqueue_alerts_once_per_article_and_channel(db: Database) -> None:
    await _sub(db, "c1", ["nato"])
    await _sub(db, "c2", ["*"])
    await _sub(db, "c1", ["nato"], platform="slack")
    aid = await add_article(db, "記事", NOW)
    assert await outbox.enqueue_alerts(db, aid, ["nato", "nato"], now=NOW) == 3
    # The article is updated (更新) and re-tagged: nothing new is owed.
    assert await outbox.enqueue_alerts(db, aid, ["nato", "territory"], now=NOW) == 0
    rows = await outbox.list_rows(db)
    assert sorted((r.platform, r.channel_id) for r in rows) == [
        ("discord", "c1"),
        ("discord", "c2"),
        ("slack", "c1"),
    ]
    assert len({r.nonce for r in rows}) == 3


async def test_enqueue_inside_a_rolled_back_transaction_owes_nothing(db: Database) -> None:
    await _sub(db, "c1", ["*"])
    aid = await add_article(db, "記事", NOW)
    with pytest.raises(RuntimeError):
        async with db.transaction():
            assert await outbox.enqueue_alerts(db, aid, ["nato"], now=NOW) == 1
            raise RuntimeError("ingest failed after tagging")
    assert await outbox.list_rows(db) == []


async def test_due_retry_sent_failed_lifecycle(db: Database) -> None:
    await _sub(db, "c1", ["*"])
    a1 = await add_article(db, "一", NOW)
    a2 = await add_article(db, "二", NOW)
    await outbox.enqueue_alerts(db, a1, ["nato"], now=NOW)
    await outbox.enqueue_alerts(db, a2, ["nato"], now=NOW)
    first, second = await outbox.due(db, NOW)
    assert (first.article_id, second.article_id) == (a1, a2)

    await outbox.mark_retry(db, first.id, "HTTP 503", NOW + timedelta(seconds=4))
    assert [r.id for r in await outbox.due(db, NOW)] == [second.id]
    assert [r.id for r in await outbox.due(db, NOW + timedelta(seconds=4))] == [
        first.id,
        second.id,
    ]

    await outbox.mark_sent(db, second.id, "m-2", now=NOW)
    await outbox.mark_sent(db, second.id, "m-other", now=NOW)  # second call changes nothing
    sent = await outbox.get(db, second.id)
    assert sent is not None and (sent.status, sent.message_id, sent.attempts) == ("sent", "m-2", 1)

    await outbox.mark_failed(db, first.id, "gave up")
    failed = await outbox.get(db, first.id)
    assert failed is not None
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 2, "gave up")
    assert await outbox.due(db, NOW + timedelta(days=1)) == []


async def test_digest_owed_once_per_local_date(db: Database) -> None:
    first = await outbox.enqueue_digest(db, "discord", "c1", "2025-02-13", {"x": 1}, now=NOW)
    again = await outbox.enqueue_digest(db, "discord", "c1", "2025-02-13", {"x": 2}, now=NOW)
    other_day = await outbox.enqueue_digest(db, "discord", "c1", "2025-02-14", {}, now=NOW)
    assert first is not None and other_day is not None and again is None
    row = await outbox.get(db, first)
    assert row is not None and row.payload_json() == {"x": 1}


def test_utc_iso_is_fixed_shape_and_refuses_naive() -> None:
    jst = datetime.fromisoformat("2025-02-13T09:00:00.123+09:00")
    assert outbox.utc_iso(jst) == "2025-02-13T00:00:00+00:00"
    assert outbox.parse_utc("2025-02-13T00:00:00Z") == NOW
    with pytest.raises(ValueError):
        outbox.utc_iso(datetime(2025, 1, 1))
