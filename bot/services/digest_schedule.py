"""Digest timing glue: one daily job per channel on :class:`bot.scheduling.Scheduler`.

The jobs are a cache of the subscriptions table: :meth:`DigestScheduler.rebuild`
recreates them from the database at start-up and whenever a subscription
changes (``SubscriptionService.on_change``). Every job runs the same idempotent
:meth:`~DigestScheduler.run_due`, which owes whatever digests are due — so a
job firing twice, a restart, and the start-up catch-up can never owe one twice
(see :mod:`bot.services.digest`). A slow sweep (``sweep_seconds``) backs the
daily jobs up if the host slept through one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.scheduling import Scheduler
from bot.settings import parse_hhmm
from bot.storage import subscriptions as sub_store
from bot.storage.db import Database

from .digest import DEFAULT_LIMITS, DigestLimits, enqueue_due
from .subscriptions import TopicCatalog

log = logging.getLogger(__name__)

JOB_PREFIX = "digest:"
SWEEP_JOB = "digest-sweep"


def job_id(platform: str, channel_id: str) -> str:
    return f"{JOB_PREFIX}{platform}:{channel_id}"


class DigestScheduler:
    def __init__(
        self,
        db: Database,
        catalog: TopicCatalog,
        scheduler: Scheduler,
        *,
        grace_hours: float = 12.0,
        on_owed: Callable[[], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        limits: DigestLimits = DEFAULT_LIMITS,
        sweep_seconds: float | None = 60.0,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.scheduler = scheduler
        self.grace = timedelta(hours=grace_hours)
        self.on_owed = on_owed
        self.clock = clock or (lambda: datetime.now(UTC))
        self.limits = limits
        self.sweep_seconds = sweep_seconds
        self._jobs: set[str] = set()
        self._lock = asyncio.Lock()

    async def start(self) -> list[int]:
        """Build the jobs and owe any digest missed while the bot was down (once)."""
        await self.rebuild()
        if self.sweep_seconds:
            self.scheduler.every(self.sweep_seconds, self.run_due, SWEEP_JOB)
        return await self.startup_catch_up()

    async def rebuild(self) -> list[str]:
        """Make the daily jobs match the subscriptions table; returns the job ids."""
        subs = await sub_store.list_all(self.db, digest_only=True, active_only=True)
        wanted: dict[str, tuple[int, int, str]] = {}
        for sub in subs:
            h, m = parse_hhmm(sub.digest_time)
            wanted[job_id(sub.platform, sub.channel_id)] = (h, m, sub.timezone)
        for stale in self._jobs - set(wanted):
            self.scheduler.remove(stale)
        for jid, (h, m, tz) in wanted.items():
            self.scheduler.daily(h, m, tz, self.run_due, jid)
        self._jobs = set(wanted)
        log.debug("digest jobs: %d", len(self._jobs))
        return sorted(self._jobs)

    async def run_due(self) -> list[int]:
        """Owe every digest due now; wakes delivery when something was owed."""
        async with self._lock:
            owed = await enqueue_due(self.db, self.catalog, self.clock(), self.grace, self.limits)
        if owed and self.on_owed is not None:
            self.on_owed()
        return owed

    async def startup_catch_up(self) -> list[int]:
        """Digests whose time passed while the bot was down (within the grace window)."""
        owed = await self.run_due()
        if owed:
            log.info("start-up: %d missed digest(s) owed", len(owed))
        return owed

    def stop(self) -> None:
        for jid in self._jobs:
            self.scheduler.remove(jid)
        self.scheduler.remove(SWEEP_JOB)
        self._jobs.clear()
