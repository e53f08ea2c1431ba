"""The services of a running bot, wired together; what every transport is given.

:class:`Services` has the attributes the transports read (``db``, ``topics``,
``settings``, ``subscriptions``, ``wake_delivery``, ``clock``) and owns the
delivery worker and the digest schedule:

- a subscription change rebuilds the digest jobs;
- a digest owed, or :meth:`Services.wake_delivery` (call it when an ingest
  owed alerts), sends at once instead of at the next sweep;
- :meth:`Services.start` owes the digests missed while the bot was down, then
  starts the delivery loop, which first sends whatever was left pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.scheduling import Scheduler
from bot.settings import Settings
from bot.storage.db import Database

from .delivery import DeliveryWorker
from .digest_schedule import DigestScheduler
from .subscriptions import SubscriptionService, TopicCatalog
from .transport import Transport

log = logging.getLogger(__name__)


class Services:
    def __init__(
        self,
        db: Database,
        topics: TopicCatalog,
        settings: Settings,
        scheduler: Scheduler,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.topics = topics
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))
        self.subscriptions = SubscriptionService(
            db,
            topics,
            default_time=settings.digest_time,
            default_timezone=settings.timezone,
            clock=self.clock,
        )
        self.delivery = DeliveryWorker(
            db, {}, topics, clock=self.clock, subscriptions=self.subscriptions
        )
        self.digests = DigestScheduler(
            db,
            topics,
            scheduler,
            grace_hours=settings.digest_grace_hours,
            on_owed=self.delivery.wake,
            clock=self.clock,
        )
        self.subscriptions.on_change(self.digests.rebuild)
        self._delivery_task: asyncio.Task[None] | None = None

    def wake_delivery(self) -> None:
        self.delivery.wake()

    def add_transport(self, transport: Transport) -> None:
        """Deliver ``transport.platform``'s rows through ``transport`` (once it is connected)."""
        self.delivery.transports[transport.platform] = transport
        self.delivery.wake()

    async def start(self) -> None:
        """Build the digest jobs, owe missed digests once, start delivering."""
        await self.digests.start()
        if self._delivery_task is None:
            self._delivery_task = asyncio.create_task(
                self.delivery.run_forever(self.settings.delivery_interval), name="delivery"
            )

    async def stop(self) -> None:
        """Stop delivering (a send in flight is cancelled; its row stays pending) and the jobs."""
        task, self._delivery_task = self._delivery_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.digests.stop()
