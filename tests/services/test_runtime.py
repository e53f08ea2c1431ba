"""The wired services on the real scheduler: catch-up at start, alerts on wake, clean stop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling import Scheduler
from bot.services.digest_schedule import SWEEP_JOB, job_id
from bot.services.runtime import Services
from bot.settings import Settings
from bot.storage import outbox
from bot.storage.db import Database
from tests.services.conftest import RecordingTransport, store_article

JST = ZoneInfo("Asia/Tokyo")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def scheduler() -> AsyncIterator[Scheduler]:
    s = Scheduler()
    s.start()
    try:
        yield s
    finally:
        s.shutdown()


async def test_start_deliver_stop(
    db: Database, catalog, settings: Settings, scheduler: Scheduler
) -> None:
    clock = Clock(datetime(2025, 2, 10, tzinfo=UTC))
    services = Services(db, catalog, settings, scheduler, clock=clock)
    await services.subscriptions.subscribe("discord", "c1", "g1", "all", is_admin=True)
    assert scheduler.job_ids() == [job_id("discord", "c1")]  # the change rebuilt the jobs

    clock.now = datetime(2025, 2, 13, 9, 30, tzinfo=JST)  # down at 08:00, back at 09:30
    transport = RecordingTransport()
    services.add_transport(transport)
    await services.start()
    assert SWEEP_JOB in scheduler.job_ids()
    await asyncio.wait_for(transport.sent.wait(), timeout=30)
    assert [d.date for _, d, _ in transport.digests] == ["2025-02-13"]

    transport.sent.clear()
    await store_article(db, "NATO首脳会議", clock.now, {"nato": ["根拠。"]})
    services.wake_delivery()
    await asyncio.wait_for(transport.sent.wait(), timeout=30)
    assert [a.title for _, a, _ in transport.alerts] == ["NATO首脳会議"]

    await services.stop()
    assert scheduler.job_ids() == []
    await store_article(db, "停止後の記事", clock.now, {"nato": ["根拠。"]})
    services.wake_delivery()
    await asyncio.sleep(0)
    assert [r.status for r in await outbox.list_rows(db, kind="alert")] == ["sent", "pending"]
