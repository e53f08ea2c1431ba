"""The APScheduler wrapper on a real AsyncIOScheduler: interval, one-off, daily, failures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.scheduling import Scheduler

PATIENCE = 30


@pytest.fixture
async def scheduler() -> AsyncIterator[Scheduler]:
    s = Scheduler()
    s.start()
    try:
        yield s
    finally:
        s.shutdown()
        await asyncio.sleep(0)


async def wait_until(cond, timeout: float = PATIENCE) -> None:
    async def poll() -> None:
        while not cond():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


async def test_every_with_run_now_runs_at_once_and_repeats(scheduler: Scheduler) -> None:
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    scheduler.every(0.05, job, "tick", run_now=True)
    await wait_until(lambda: len(runs) >= 3)
    assert scheduler.remove("tick") is True
    assert scheduler.remove("tick") is False
    assert "tick" not in scheduler.job_ids()


async def test_never_two_runs_of_one_job_at_once(scheduler: Scheduler) -> None:
    active = 0
    most = 0
    done = 0

    async def slow() -> None:
        nonlocal active, most, done
        active += 1
        most = max(most, active)
        await asyncio.sleep(0.15)
        active -= 1
        done += 1

    scheduler.every(0.01, slow, "slow", run_now=True)
    await wait_until(lambda: done >= 3)
    assert most == 1


async def test_failing_job_is_logged_in_one_line_and_keeps_running(
    scheduler: Scheduler, caplog: pytest.LogCaptureFixture
) -> None:
    calls = 0

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("disk full")

    with caplog.at_level(logging.ERROR, logger="bot.scheduling"):
        scheduler.every(0.02, flaky, "flaky", run_now=True)
        await wait_until(lambda: calls >= 2)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0].getMessage() == "job flaky failed: RuntimeError: disk full"
    assert all(r.exc_info is None for r in errors)


async def test_at_runs_once_even_if_the_time_has_passed(scheduler: Scheduler) -> None:
    runs: list[str] = []

    async def once() -> None:
        runs.append("x")

    scheduler.at(datetime.now(UTC) - timedelta(seconds=5), once, "once")
    await wait_until(lambda: runs == ["x"])
    await asyncio.sleep(0.05)
    assert runs == ["x"] and "once" not in scheduler.job_ids()


async def test_at_needs_an_aware_datetime(scheduler: Scheduler) -> None:
    async def noop() -> None:
        return None

    with pytest.raises(ValueError):
        scheduler.at(datetime(2030, 1, 1), noop, "naive")


async def test_daily_is_next_due_at_that_local_time(scheduler: Scheduler) -> None:
    async def noop() -> None:
        return None

    scheduler.daily(8, 0, "Asia/Tokyo", noop, "digest:x")
    nxt = scheduler.next_run("digest:x")
    assert nxt is not None
    local = nxt.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (8, 0)
    assert timedelta(0) < nxt - datetime.now(UTC) <= timedelta(days=1)
    # Same id again replaces the job instead of adding a second one.
    scheduler.daily(9, 30, "Europe/Berlin", noop, "digest:x")
    assert scheduler.job_ids() == ["digest:x"]
    local = scheduler.next_run("digest:x").astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (9, 30)


async def test_shutdown_twice_is_harmless() -> None:
    s = Scheduler()
    s.start()
    assert s.running
    s.shutdown()
    await asyncio.sleep(0)
    s.shutdown()
    assert not s.running
