"""The delivery worker against a recording transport: once, retries, gone, restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services.delivery import DeliveryWorker
from bot.services.subscriptions import SubscriptionService
from bot.services.transport import DeliveryError, Transport, kind_for_status
from bot.services.views import AlertView, DigestView
from bot.storage import outbox
from bot.storage import subscriptions as sub_store
from bot.storage.db import Database, open_database
from tests.services.conftest import RecordingTransport, add_article

T0 = datetime(2025, 2, 13, 0, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def subs(db: Database, catalog, clock: Clock) -> SubscriptionService:
    service = SubscriptionService(db, catalog, clock=clock)
    await service.subscribe("discord", "c1", "g1", "nato", is_admin=True)
    await service.subscribe("discord", "c2", "g1", "all", is_admin=True)
    return service


async def _article_owed(db: Database, title: str = "NATO首脳会議", topics=("nato",)) -> int:
    aid = await add_article(db, title, T0, {t: ["根拠の文。"] for t in topics})
    async with db.transaction():
        await outbox.enqueue_alerts(db, aid, list(topics), now=T0)
    return aid


def _worker(db, transport, catalog, clock, subs=None, **kw) -> DeliveryWorker:
    return DeliveryWorker(
        db, {transport.platform: transport}, catalog, clock=clock, subscriptions=subs, **kw
    )


def test_recording_transport_satisfies_the_protocol() -> None:
    assert isinstance(RecordingTransport(), Transport)


@pytest.mark.parametrize(
    ("status", "kind"),
    [(None, "retry"), (500, "retry"), (503, "retry"), (429, "retry"), (408, "retry"),
     (403, "gone"), (404, "gone"), (400, "fatal"), (401, "fatal")],
)  # fmt: skip
def test_kind_for_status(status: int | None, kind: str) -> None:
    assert kind_for_status(status) == kind


async def test_each_alert_is_sent_once_with_a_deterministic_nonce(
    db: Database, catalog, clock: Clock, subs
) -> None:
    aid = await _article_owed(db)
    transport = RecordingTransport()
    worker = _worker(db, transport, catalog, clock, subs)
    result = await worker.run_once()
    assert result.sent == 2
    assert await worker.run_once() == type(result)()  # nothing left to do
    rows = await outbox.list_rows(db)
    assert {(ch, nonce) for ch, _, nonce in transport.alerts} == {
        (r.channel_id, f"nb{r.id}") for r in rows
    }
    assert all(r.status == "sent" and r.message_id for r in rows)
    view = transport.alerts[0][1]
    assert isinstance(view, AlertView)
    assert view.article_id == aid and view.title == "NATO首脳会議"
    assert [t.id for t in view.topics] == ["nato"] and view.topics[0].label == "NATO"
    assert view.published == T0


async def test_retry_backs_off_then_sends(db: Database, catalog, clock: Clock, subs) -> None:
    await sub_store.delete(db, "discord", "c2")
    await _article_owed(db)
    transport = RecordingTransport(
        failures=[DeliveryError("retry", 503), DeliveryError("retry", None, "timeout")]
    )
    worker = _worker(db, transport, catalog, clock, subs)
    assert (await worker.run_once()).retried == 1
    (row,) = await outbox.list_rows(db)
    assert row.next_try_at == outbox.utc_iso(T0 + timedelta(seconds=2))
    assert row.attempts == 1 and "503" in (row.last_error or "")
    assert (await worker.run_once()).retried == 0  # not due yet
    clock.advance(2)
    assert (await worker.run_once()).retried == 1
    (row,) = await outbox.list_rows(db)
    assert row.next_try_at == outbox.utc_iso(T0 + timedelta(seconds=2 + 4))
    clock.advance(4)
    assert (await worker.run_once()).sent == 1
    assert len(transport.alerts) == 1


async def test_retries_are_bounded(db: Database, catalog, clock: Clock, subs) -> None:
    await sub_store.delete(db, "discord", "c2")
    await _article_owed(db)
    transport = RecordingTransport(failures=[DeliveryError("retry", 502)] * 10)
    worker = _worker(db, transport, catalog, clock, subs, max_attempts=4, backoff_cap=5)
    delays = []
    for _ in range(10):
        await worker.run_once()
        (row,) = await outbox.list_rows(db)
        if row.status != "pending":
            break
        delays.append((outbox.parse_utc(row.next_try_at) - clock.now).total_seconds())
        clock.advance(3600)
    assert delays == [2, 4, 5]  # 2^n, capped
    assert (row.status, row.attempts) == ("failed", 4)
    assert "gave up after 4 tries" in (row.last_error or "")
    assert transport.alerts == []


class ForbiddenIn(RecordingTransport):
    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel

    async def send_alert(self, channel_id: str, alert, nonce: str) -> str:
        if channel_id == self.channel:
            raise DeliveryError("gone", 403, "Missing Access")
        return await super().send_alert(channel_id, alert, nonce)


async def test_gone_pauses_the_channel_and_tells_the_server(
    db: Database, catalog, clock: Clock, subs
) -> None:
    changes: list[str] = []
    subs.on_change(lambda: changes.append("changed"))
    await _article_owed(db, "一")
    await _article_owed(db, "二")
    transport = ForbiddenIn("c1")
    worker = _worker(db, transport, catalog, clock, subs)
    result = await worker.run_once()
    assert result.paused == 1
    c1 = await sub_store.get(db, "discord", "c1")
    assert c1 is not None and c1.paused and "HTTP 403" in (c1.paused_reason or "")
    assert changes == ["changed"]  # the digest schedule hears about it
    rows = await outbox.list_rows(db)
    assert {r.status for r in rows if r.channel_id == "c1"} == {"failed"}
    assert {r.status for r in rows if r.channel_id == "c2"} == {"sent"}
    ((channel, guild, text),) = transport.notices
    assert (channel, guild) == ("c1", "g1") and "<#c1>" in text and "/subscribe" in text
    # A paused channel is owed nothing new, and nothing is retried for it.
    aid = await add_article(db, "三", T0, {"nato": []})
    assert await outbox.enqueue_alerts(db, aid, ["nato"], now=T0) == 1  # c2 only
    await worker.run_once()
    assert [ch for ch, _, _ in transport.alerts] == ["c2", "c2", "c2"]


async def test_fatal_fails_at_once(db: Database, catalog, clock: Clock, subs) -> None:
    await sub_store.delete(db, "discord", "c2")
    await _article_owed(db)
    transport = RecordingTransport(failures=[DeliveryError("fatal", 400, "Invalid Form Body")])
    await _worker(db, transport, catalog, clock, subs).run_once()
    (row,) = await outbox.list_rows(db)
    assert row.status == "failed" and "400" in (row.last_error or "")


async def test_transport_bug_is_retried_not_fatal(db: Database, catalog, clock: Clock, subs):
    await sub_store.delete(db, "discord", "c2")
    await _article_owed(db)
    transport = RecordingTransport(failures=[KeyError("embed")])
    worker = _worker(db, transport, catalog, clock, subs)
    assert (await worker.run_once()).retried == 1
    clock.advance(2)
    assert (await worker.run_once()).sent == 1


async def test_unsubscribed_channel_and_missing_platform(db: Database, catalog, clock, subs):
    await _article_owed(db)
    await sub_store.delete(db, "discord", "c1")
    await sub_store.upsert(
        db, sub_store.Subscription("slack", "C9", ("*",), created_at=outbox.utc_iso(T0))
    )
    aid = await add_article(db, "別", T0, {"nato": []})
    await outbox.enqueue_alerts(db, aid, ["nato"], now=T0)
    transport = RecordingTransport()
    worker = _worker(db, transport, catalog, clock, subs, batch=1)
    result = await worker.run_once()
    assert (result.sent, result.failed, result.skipped) == (2, 1, 1)
    by_channel = {r.channel_id: r.status for r in await outbox.list_rows(db) if r.article_id}
    assert by_channel["c1"] == "failed"
    slack = [r for r in await outbox.list_rows(db) if r.platform == "slack"]
    assert [r.status for r in slack] == ["pending"]  # kept for a process running Slack


class Crash(BaseException):
    """Stands for the process dying between the post and the 'sent' mark."""


class CrashAfterPost(RecordingTransport):
    async def send_alert(self, channel_id: str, alert, nonce: str) -> str:
        await super().send_alert(channel_id, alert, nonce)
        raise Crash


async def test_restart_resends_pending_with_the_same_nonce_once(
    tmp_path: Path, catalog, clock: Clock
) -> None:
    path = tmp_path / "crash.db"
    db = await open_database(path)
    await SubscriptionService(db, catalog, clock=clock).subscribe(
        "discord", "c1", None, "nato", is_admin=True
    )
    await _article_owed(db)
    crashing = CrashAfterPost()
    with pytest.raises(Crash):
        await _worker(db, crashing, catalog, clock).run_once()
    await db.close()

    db = await open_database(path)  # the restart
    try:
        transport = RecordingTransport()
        assert (await _worker(db, transport, catalog, clock).run_once()).sent == 1
        assert [n for _, _, n in transport.alerts] == [n for _, _, n in crashing.alerts]
        again = RecordingTransport()
        assert (await _worker(db, again, catalog, clock).run_once()).sent == 0
        assert again.alerts == []
    finally:
        await db.close()


async def test_digest_rows_are_sent_from_their_payload(db, catalog, clock: Clock, subs) -> None:
    view = DigestView("discord", "c1", "2025-02-13", "Asia/Tokyo", T0 - timedelta(days=1), T0)
    await outbox.enqueue_digest(db, "discord", "c1", "2025-02-13", view.to_dict(), now=T0)
    transport = RecordingTransport()
    assert (await _worker(db, transport, catalog, clock, subs).run_once()).sent == 1
    ((channel, sent_view, nonce),) = transport.digests
    assert channel == "c1" and sent_view == view and nonce.startswith("nb")
    (row,) = await outbox.list_rows(db, kind="digest")
    assert (row.status, row.message_id) == ("sent", "d1")


async def test_wake_sends_without_waiting_for_the_sweep(db, catalog, clock: Clock, subs) -> None:
    transport = RecordingTransport()
    worker = _worker(db, transport, catalog, clock, subs)
    task = asyncio.create_task(worker.run_forever(interval=3600))
    try:
        for _ in range(10_000):
            if worker.sweeps:
                break
            await asyncio.sleep(0)
        assert worker.sweeps == 1  # the first sweep is over: only wake() can send now
        await _article_owed(db)
        worker.wake()
        await asyncio.wait_for(transport.sent.wait(), timeout=30)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert transport.alerts


async def test_rows_the_channel_no_longer_wants_or_cannot_be_read(
    db: Database, catalog, clock: Clock, subs
) -> None:
    await _article_owed(db)  # owes c1 and c2
    await subs.subscribe("discord", "c1", None, "nato", "digest", is_admin=True)  # alerts off
    await outbox.enqueue_digest(db, "discord", "c2", "2025-02-13", {"broken": True}, now=T0)
    transport = RecordingTransport()
    result = await _worker(db, transport, catalog, clock, subs).run_once()
    assert (result.sent, result.failed, result.retried) == (1, 2, 0)
    errors = {(r.channel_id, r.kind): r.last_error for r in await outbox.list_rows(db)}
    assert errors[("c1", "alert")] == "alerts turned off for the channel"
    assert "digest payload unreadable" in (errors[("c2", "digest")] or "")
    assert [ch for ch, _, _ in transport.alerts] == ["c2"]


async def test_an_alert_whose_article_was_deleted(db: Database, catalog, clock: Clock, subs):
    aid = await _article_owed(db)
    await db.execute("PRAGMA foreign_keys = OFF")
    await db.execute("DELETE FROM articles WHERE id = ?", (aid,))
    await db.execute("PRAGMA foreign_keys = ON")
    transport = RecordingTransport()
    assert (await _worker(db, transport, catalog, clock, subs).run_once()).failed == 2
    assert {r.last_error for r in await outbox.list_rows(db)} == {"article no longer stored"}
