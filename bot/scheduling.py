"""The one place that imports APScheduler: a small wrapper over AsyncIOScheduler.

Every job is a coroutine function run on the application's event loop, at
most one instance at a time (``max_instances=1``) with missed runs coalesced
into one (``coalesce=True``). A job that raises is logged in one line and
keeps its schedule: one bad run must not stop the inbox scans or digests.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JobFn = Callable[[], Awaitable[object]]

# APScheduler logs every run at INFO and every overlap it skips at WARNING; a
# 1-second inbox scan would flood the log. Our wrapper logs failures itself.
logging.getLogger("apscheduler").setLevel(logging.ERROR)

MISFIRE_GRACE_SECONDS = 3600


def _guarded(job_id: str, fn: JobFn) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await fn()
        except Exception as exc:  # noqa: BLE001 - a job failure must not kill the schedule
            log.error("job %s failed: %s: %s", job_id, type(exc).__name__, exc)
            log.debug("job %s failure details", job_id, exc_info=True)

    return run


class Scheduler:
    """Interval, daily and one-off coroutine jobs on the running event loop."""

    def __init__(self) -> None:
        self._scheduler = AsyncIOScheduler(
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            }
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def every(self, seconds: float, fn: JobFn, id: str, *, run_now: bool = False) -> None:
        """Run ``fn`` every ``seconds`` seconds (and once right away when ``run_now``)."""
        extra: dict[str, datetime] = {}
        if run_now:
            extra["next_run_time"] = datetime.now(UTC)
        self._scheduler.add_job(
            _guarded(id, fn),
            IntervalTrigger(seconds=seconds),
            id=id,
            replace_existing=True,
            **extra,
        )

    def daily(self, hh: int, mm: int, tz: str, fn: JobFn, id: str) -> None:
        """Run ``fn`` every day at hh:mm in time zone ``tz``."""
        self._scheduler.add_job(
            _guarded(id, fn),
            CronTrigger(hour=hh, minute=mm, timezone=ZoneInfo(tz)),
            id=id,
            replace_existing=True,
        )

    def at(self, when: datetime, fn: JobFn, id: str) -> None:
        """Run ``fn`` once at ``when`` (timezone-aware); a time in the past runs it now."""
        if when.tzinfo is None:
            raise ValueError("at() needs a timezone-aware datetime")
        self._scheduler.add_job(
            _guarded(id, fn), DateTrigger(run_date=when), id=id, replace_existing=True
        )

    def remove(self, id: str) -> bool:
        """Remove a job; False if there was none with that id."""
        try:
            self._scheduler.remove_job(id)
        except JobLookupError:
            return False
        return True

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self._scheduler.get_jobs())

    def next_run(self, id: str) -> datetime | None:
        job = self._scheduler.get_job(id)
        return job.next_run_time if job else None

    def start(self) -> None:
        """Start on the running event loop (call from a coroutine)."""
        self._scheduler.start()

    def shutdown(self) -> None:
        """Stop scheduling. Runs already in progress are cancelled at their next await."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
