"""The delivery worker: sends what the outbox owes, once, and copes with failures.

Why the outbox and not "post right after storing": an alert is owed in the
same transaction that stores the article, so a crash at any point either
loses nothing (the row is still pending at restart) or at worst resends a
row whose post succeeded but whose ``sent`` mark did not land. That resend
carries the same nonce (``nb<outbox id>``), which Discord deduplicates with
``enforce_nonce``.

Failures, by :class:`DeliveryError` kind:

- ``retry`` (network, 5xx): exponential backoff 2^n s capped at
  ``backoff_cap``, then ``failed`` after ``max_attempts`` — never forever.
  The defaults (20 tries, 5 min cap) ride out about an hour of outage.
- ``gone`` (403/404 for the channel): the subscription is paused with the
  reason, the channel's pending rows are failed, it is logged, and the
  transport is asked to tell the server.
- ``fatal``: the row is failed and logged.

429s never reach here as such: the platform library's rate limiter waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.storage import outbox
from bot.storage import subscriptions as sub_store
from bot.storage.db import Database
from bot.storage.outbox import OutboxRow
from bot.storage.subscriptions import Subscription

from .queries import alert_view
from .subscriptions import SubscriptionService, TopicCatalog
from .transport import DeliveryError, Transport
from .views import DigestView

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SweepResult:
    """What one :meth:`DeliveryWorker.run_once` did (for logs and tests)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    paused: int = 0
    skipped: int = 0


class DeliveryWorker:
    def __init__(
        self,
        db: Database,
        transports: Mapping[str, Transport],
        catalog: TopicCatalog,
        *,
        clock: Callable[[], datetime] | None = None,
        subscriptions: SubscriptionService | None = None,
        max_attempts: int = 20,
        backoff_cap: float = 300.0,
        batch: int = 50,
    ) -> None:
        self.db = db
        self.transports = dict(transports)
        self.catalog = catalog
        self.clock = clock or (lambda: datetime.now(UTC))
        self.subscriptions = subscriptions
        self.max_attempts = max_attempts
        self.backoff_cap = backoff_cap
        self.batch = batch
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self.sweeps = 0

    def wake(self) -> None:
        """Ask for a sweep now (called after an ingest owed alerts, or a digest was enqueued)."""
        self._wake.set()

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure: 2, 4, 8 … capped."""
        return float(min(self.backoff_cap, 2 ** max(1, attempts)))

    async def run_once(self) -> SweepResult:
        """Send every pending row that is due, until none are left (one sweep at a time)."""
        result = SweepResult()
        async with self._lock:
            last = 0
            while rows := await outbox.due(self.db, self.clock(), self.batch, after_id=last):
                for row in rows:
                    await self._deliver(row, result)
                last = rows[-1].id
            self.sweeps += 1
        if result.sent or result.failed or result.retried or result.paused:
            log.info(
                "delivery: %d sent, %d to retry, %d failed, %d channels paused",
                result.sent,
                result.retried,
                result.failed,
                result.paused,
            )
        return result

    async def run_forever(self, interval: float = 1.0) -> None:
        """Sweep every ``interval`` seconds, or at once when woken; stops when cancelled."""
        while True:
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:  # a bug must not stop delivery for good
                log.exception("delivery sweep failed; trying again in %.1f s", interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)

    async def _deliver(self, row: OutboxRow, result: SweepResult) -> None:
        transport = self.transports.get(row.platform)
        if transport is None:
            result.skipped += 1  # that platform is not running in this process: keep it owed
            return
        sub = await sub_store.get(self.db, row.platform, row.channel_id)
        why_not = _not_wanted(row, sub)
        if why_not is not None:
            await outbox.mark_failed(self.db, row.id, why_not)
            result.failed += 1
            return
        assert sub is not None
        try:
            message_id = await self._send(transport, row)
        except _Unsendable as err:
            log.error("outbox row %d cannot be sent: %s", row.id, err)
            await outbox.mark_failed(self.db, row.id, str(err))
            result.failed += 1
            return
        except DeliveryError as err:
            await self._failed(row, err, sub.guild_id, transport, result)
            return
        except Exception as exc:  # a transport bug: treat like a transient failure, bounded
            log.exception("transport %s raised on outbox row %d", row.platform, row.id)
            await self._failed(row, DeliveryError("retry", None, repr(exc)), None, None, result)
            return
        await outbox.mark_sent(self.db, row.id, message_id, now=self.clock())
        result.sent += 1

    async def _send(self, transport: Transport, row: OutboxRow) -> str | None:
        if row.kind == "alert":
            assert row.article_id is not None
            view = await alert_view(self.db, self.catalog, row.article_id)
            if view is None:
                raise _Unsendable("article no longer stored")
            return await transport.send_alert(row.channel_id, view, row.nonce)
        try:
            digest = DigestView.from_dict(row.payload_json())
        except (ValueError, KeyError, TypeError) as exc:
            raise _Unsendable(f"digest payload unreadable: {exc!r}") from exc
        ids = await transport.send_digest(row.channel_id, digest, row.nonce)
        return ",".join(ids) if ids else None

    async def _failed(
        self,
        row: OutboxRow,
        err: DeliveryError,
        guild_id: str | None,
        transport: Transport | None,
        result: SweepResult,
    ) -> None:
        if err.kind == "gone":
            await self._gone(row, err, guild_id, transport)
            result.paused += 1
            result.failed += 1
            return
        attempts = row.attempts + 1
        if err.kind == "fatal" or attempts >= self.max_attempts:
            reason = str(err) if err.kind == "fatal" else f"gave up after {attempts} tries: {err}"
            log.error(
                "outbox row %d (%s to %s) failed: %s", row.id, row.kind, row.channel_id, reason
            )
            await outbox.mark_failed(self.db, row.id, reason)
            result.failed += 1
            return
        delay = self.backoff(attempts)
        log.warning(
            "outbox row %d to %s/%s: %s; retry %d in %.0f s",
            row.id,
            row.platform,
            row.channel_id,
            err,
            attempts,
            delay,
        )
        await outbox.mark_retry(self.db, row.id, str(err), self.clock() + timedelta(seconds=delay))
        result.retried += 1

    async def _gone(
        self, row: OutboxRow, err: DeliveryError, guild_id: str | None, transport: Transport | None
    ) -> None:
        status = f"HTTP {err.status}" if err.status is not None else "no access"
        reason = f"cannot post here ({status}{': ' + err.detail if err.detail else ''})"
        if self.subscriptions is not None:
            await self.subscriptions.pause(row.platform, row.channel_id, reason)
        else:
            await sub_store.set_paused(self.db, row.platform, row.channel_id, True, reason)
            log.warning("paused %s/%s: %s", row.platform, row.channel_id, reason)
        await outbox.mark_failed(self.db, row.id, reason)
        await outbox.fail_pending_for_channel(self.db, row.platform, row.channel_id, reason)
        if transport is None:
            return
        where = f"<#{row.channel_id}>" if row.platform in ("discord", "slack") else row.channel_id
        text = (
            f"newsbot paused the subscription of {where}: it {reason}. "
            "Give the bot access to the channel, then run /subscribe there again to resume."
        )
        try:
            told = await transport.notify(row.channel_id, guild_id, text)
        except Exception:
            log.exception("could not tell the server that %s was paused", row.channel_id)
            told = False
        if not told:
            log.warning(
                "nowhere to tell the server that %s/%s was paused", row.platform, row.channel_id
            )


class _Unsendable(Exception):
    """A row that can never be sent (its article is gone, its payload is unreadable)."""


def _not_wanted(row: OutboxRow, sub: Subscription | None) -> str | None:
    """Why the channel no longer wants ``row`` (changed since it was owed), or None."""
    if sub is None:
        return "channel unsubscribed"
    if sub.paused:
        return f"channel paused: {sub.paused_reason}"
    if row.kind == "alert" and not sub.alerts:
        return "alerts turned off for the channel"
    if row.kind == "digest" and not sub.digest:
        return "digest turned off for the channel"
    return None
