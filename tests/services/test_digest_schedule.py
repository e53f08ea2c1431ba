"""The digest jobs on the real APScheduler wrapper: built from the table, rebuilt on change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling import Scheduler
from bot.services.digest import next_slot
from bot.services.digest_schedule import SWEEP_JOB, DigestScheduler, job_id
from bot.services.subscriptions import SubscriptionService
from bot.storage import outbox
from bot.storage.db import Database

JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture
async def scheduler() -> AsyncIterator[Scheduler]:
    s = Scheduler()
    s.start()
    try:
        yield s
    finally:
        s.shutdown()


async def test_jobs_follow_the_subscriptions(db: Database, catalog, scheduler: Scheduler):
    subs = SubscriptionService(db, catalog)
    digests = DigestScheduler(db, catalog, scheduler, sweep_seconds=None)
    subs.on_change(digests.rebuild)
    await subs.subscribe("discord", "c1", None, "nato", is_admin=True)
    await subs.subscribe("slack", "C2", None, "all", "both", "21:30", "Europe/Kyiv", is_admin=True)
    await subs.subscribe("discord", "c3", None, "nato", "alerts", is_admin=True)  # no digest
    assert scheduler.job_ids() == [job_id("discord", "c1"), job_id("slack", "C2")]
    run = scheduler.next_run(job_id("slack", "C2"))
    assert run is not None
    assert run == next_slot(datetime.now(UTC), "21:30", "Europe/Kyiv")
    assert run.astimezone(ZoneInfo("Europe/Kyiv")).strftime("%H:%M") == "21:30"

    await subs.subscribe("discord", "c1", None, "nato", "both", "06:15", is_admin=True)
    run = scheduler.next_run(job_id("discord", "c1"))
    assert run is not None and run.astimezone(JST).strftime("%H:%M") == "06:15"
    await subs.pause("slack", "C2", "HTTP 404")
    await subs.unsubscribe("discord", "c1", None, is_admin=True)
    assert scheduler.job_ids() == []


async def test_start_catches_up_once_and_wakes_delivery(
    db: Database, catalog, scheduler: Scheduler
) -> None:
    created = datetime(2025, 2, 10, tzinfo=UTC)
    await SubscriptionService(db, catalog, clock=lambda: created).subscribe(
        "discord", "c1", None, "all", is_admin=True
    )
    now = datetime(2025, 2, 13, 9, 30, tzinfo=JST)  # the 08:00 digest was missed
    woken: list[int] = []
    digests = DigestScheduler(
        db, catalog, scheduler, clock=lambda: now, on_owed=lambda: woken.append(1)
    )
    owed = await digests.start()
    assert len(owed) == 1 and woken == [1]
    assert SWEEP_JOB in scheduler.job_ids()
    assert await digests.run_due() == [] and woken == [1]  # the sweep or a job again: nothing
    again = DigestScheduler(db, catalog, scheduler, clock=lambda: now)  # a second start-up
    assert await again.start() == []
    assert [r.digest_date for r in await outbox.list_rows(db)] == ["2025-02-13"]
    digests.stop()
    assert scheduler.job_ids() == []
