"""Subscribe and unsubscribe channels: validation, merging, and the server-side admin check.

Every change is one SQL statement (atomic on its own), so these services open
no transaction: the database connection is shared with the ingest, whose
transactions must not collide with ours.

Transports check the platform permission (Manage Channels on Discord, the
admin set on Slack) before calling, and pass the result as ``is_admin``; the
service refuses again when it is False, so a transport bug cannot open the
door. Every refusal is a :class:`UserError` with a plain-words message.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.settings import parse_hhmm
from bot.storage import subscriptions as store
from bot.storage.db import Database
from bot.storage.outbox import utc_iso
from bot.storage.subscriptions import ALL_TOPICS, Subscription

from .errors import UserError

log = logging.getLogger(__name__)

Mode = Literal["alerts", "digest", "both"]
MODES: tuple[Mode, ...] = ("alerts", "digest", "both")
ALL_WORDS = frozenset({"all", "*", "everything", "すべて", "全部"})


class TopicInfo(Protocol):
    """What the services read from a topic of bot/nlp/topics.py."""

    id: str
    label_en: str
    label_ja: str
    definition: str


class TopicCatalog(Protocol):
    """The configured topics (``bot.nlp.topics.TopicSet`` satisfies this)."""

    @property
    def topics(self) -> Sequence[Any]: ...

    def get(self, topic_id: str) -> Any | None: ...


def topic_label(catalog: TopicCatalog, topic_id: str) -> str:
    """``"Ceasefire talks / 停戦交渉"``, or the id itself for a topic no longer configured."""
    topic = catalog.get(topic_id)
    if topic is None:
        return topic_id
    en, ja = getattr(topic, "label_en", "") or "", getattr(topic, "label_ja", "") or ""
    if en and ja and en != ja:
        return f"{en} / {ja}"
    return en or ja or topic_id


def split_words(value: str | Iterable[str] | None) -> list[str]:
    """``"nato, territory"`` or ``["nato territory"]`` → ``["nato", "territory"]``."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    words: list[str] = []
    for item in items:
        for part in item.replace(",", " ").replace("、", " ").split():
            if part.strip():
                words.append(part.strip())
    return words


def parse_topics(catalog: TopicCatalog, value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Topic ids (or ``("*",)`` for all) from what a user typed; UserError when unknown."""
    words = split_words(value)
    if not words:
        raise UserError(f"Name at least one topic, or 'all'. Topics: {valid_ids(catalog)}.")
    if any(w.lower() in ALL_WORDS for w in words):
        return (ALL_TOPICS,)
    ids: list[str] = []
    unknown: list[str] = []
    for word in words:
        topic_id = _resolve(catalog, word)
        if topic_id is None:
            unknown.append(word)
        elif topic_id not in ids:
            ids.append(topic_id)
    if unknown:
        names = ", ".join(repr(u) for u in unknown)
        plural = "topics" if len(unknown) > 1 else "topic"
        raise UserError(f"Unknown {plural} {names}. Valid topics: {valid_ids(catalog)} (or 'all').")
    return tuple(ids)


def _resolve(catalog: TopicCatalog, word: str) -> str | None:
    if catalog.get(word) is not None:
        return word
    low = word.lower()
    for topic in catalog.topics:
        names = {topic.id.lower(), (topic.label_en or "").lower(), topic.label_ja or ""}
        if low in names or word in names:
            return str(topic.id)
    return None


def valid_ids(catalog: TopicCatalog) -> str:
    return ", ".join(t.id for t in catalog.topics) or "(none configured)"


def parse_mode(value: str | None) -> Mode | None:
    if value is None or value == "":
        return None
    low = value.strip().lower()
    if low in ("alert", "alerts"):
        return "alerts"
    if low in ("digest", "digests"):
        return "digest"
    if low in ("both", "all", "alerts+digest"):
        return "both"
    raise UserError(f"Mode {value!r} is not one of: alerts, digest, both.")


def check_time(value: str) -> str:
    """'8:00' → '08:00'; UserError when it is not a time of day."""
    try:
        h, m = parse_hhmm(value.strip())
    except ValueError:
        raise UserError(f"Digest time {value!r} is not a time like 08:00 (24-hour).") from None
    return f"{h:02d}:{m:02d}"


def check_timezone(value: str) -> str:
    name = value.strip()
    try:
        if not name or name.startswith("/") or ".." in name:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"Time zone {value!r} is not known. Use an IANA name such as Asia/Tokyo, "
            "Europe/London or UTC."
        ) from None
    return name


def _require_admin(is_admin: bool) -> None:
    if not is_admin:
        raise UserError(
            "Only people allowed to manage this channel can change its subscriptions "
            "(Manage Channels on Discord, a configured admin on Slack)."
        )


ChangeListener = Callable[[], Awaitable[None] | None]


class SubscriptionService:
    """Subscriptions of every channel; tells listeners (the digest scheduler) of each change."""

    def __init__(
        self,
        db: Database,
        catalog: TopicCatalog,
        *,
        default_time: str = "08:00",
        default_timezone: str = "Asia/Tokyo",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.default_time = default_time
        self.default_timezone = default_timezone
        self.clock = clock or (lambda: datetime.now(UTC))
        self._listeners: list[ChangeListener] = []

    def on_change(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    async def _changed(self) -> None:
        for listener in self._listeners:
            result = listener()
            if inspect.isawaitable(result):
                await result

    async def get(self, platform: str, channel_id: str) -> Subscription | None:
        return await store.get(self.db, platform, channel_id)

    async def subscribe(
        self,
        platform: str,
        channel_id: str,
        guild_id: str | None,
        topics: str | Iterable[str],
        mode: str | None = None,
        digest_time: str | None = None,
        timezone: str | None = None,
        *,
        is_admin: bool,
        created_by: str | None = None,
    ) -> Subscription:
        """Add topics to a channel (creating its subscription) and set what it receives.

        Topics accumulate over calls (``all`` replaces them; none given keeps
        them, for a channel already subscribed); ``mode``, time and zone
        replace the previous values when given. Subscribing again resumes
        a paused channel: it is how an admin says "the permissions are fixed".
        """
        _require_admin(is_admin)
        current = await store.get(self.db, platform, channel_id)
        if current is not None and not split_words(topics):
            wanted = current.topics  # only the mode, time or zone changes
        else:
            wanted = parse_topics(self.catalog, topics)
        parsed_mode = parse_mode(mode)
        time_ = check_time(digest_time) if digest_time else None
        zone = check_timezone(timezone) if timezone else None
        if current is None:
            parsed_mode = parsed_mode or "both"
            sub = Subscription(
                platform=platform,
                channel_id=channel_id,
                guild_id=guild_id,
                topics=wanted,
                alerts=parsed_mode in ("alerts", "both"),
                digest=parsed_mode in ("digest", "both"),
                digest_time=time_ or self.default_time,
                timezone=zone or self.default_timezone,
                created_by=created_by,
                created_at=utc_iso(self.clock()),
            )
        else:
            merged = _merge(current.topics, wanted)
            changes: dict[str, Any] = {"topics": merged, "paused": False, "paused_reason": None}
            if guild_id:
                changes["guild_id"] = guild_id
            if parsed_mode:
                changes["alerts"] = parsed_mode in ("alerts", "both")
                changes["digest"] = parsed_mode in ("digest", "both")
            if time_:
                changes["digest_time"] = time_
            if zone:
                changes["timezone"] = zone
            sub = current.with_(**changes)
        stored = await store.upsert(self.db, sub)
        log.info("subscription %s/%s: %s", platform, channel_id, describe(stored, self.catalog))
        await self._changed()
        return stored

    async def unsubscribe(
        self,
        platform: str,
        channel_id: str,
        topics: str | Iterable[str] | None = None,
        *,
        is_admin: bool,
    ) -> Subscription | None:
        """Remove some topics, or everything (``None``/``all``); returns what is left."""
        _require_admin(is_admin)
        current = await store.get(self.db, platform, channel_id)
        if current is None:
            raise UserError("This channel has no subscription.")
        words = split_words(topics)
        remove_all = not words or any(w.lower() in ALL_WORDS for w in words)
        remaining: tuple[str, ...] = ()
        if not remove_all:
            removing = parse_topics(self.catalog, words)
            not_there = [t for t in removing if not current.matches(t)]
            if not_there:
                raise UserError(
                    f"This channel is not subscribed to {', '.join(not_there)}; "
                    f"it gets: {_topics_text(current, self.catalog)}."
                )
            before = (
                tuple(t.id for t in self.catalog.topics) if current.all_topics else current.topics
            )
            remaining = tuple(t for t in before if t not in removing)
        if remaining:
            result: Subscription | None = await store.upsert(
                self.db, current.with_(topics=remaining)
            )
        else:
            await store.delete(self.db, platform, channel_id)
            result = None
        await self._changed()
        return result

    async def pause(self, platform: str, channel_id: str, reason: str) -> bool:
        """Pause a channel the bot cannot post to (no admin check: the bot itself does this)."""
        done = await store.set_paused(self.db, platform, channel_id, True, reason)
        if done:
            log.warning("paused %s/%s: %s", platform, channel_id, reason)
            await self._changed()
        return done

    async def list_for_guild(self, platform: str, guild_id: str) -> list[Subscription]:
        return await store.list_all(self.db, platform, guild_id=guild_id)


def _merge(current: tuple[str, ...], wanted: tuple[str, ...]) -> tuple[str, ...]:
    if ALL_TOPICS in wanted or ALL_TOPICS in current:
        return (ALL_TOPICS,)
    return tuple(dict.fromkeys([*current, *wanted]))


def _topics_text(sub: Subscription, catalog: TopicCatalog) -> str:
    if sub.all_topics:
        return "all topics"
    return ", ".join(topic_label(catalog, t) for t in sub.topics)


def describe(sub: Subscription | None, catalog: TopicCatalog) -> str:
    """One plain-words line saying what a channel gets (for /subscriptions and logs)."""
    if sub is None:
        return "This channel has no subscription. Use /subscribe to add topics."
    what = []
    if sub.alerts:
        what.append("alerts")
    if sub.digest:
        what.append(f"a daily digest at {sub.digest_time} {sub.timezone}")
    gets = " and ".join(what) if what else "nothing (alerts and digest are off)"
    line = f"Topics: {_topics_text(sub, catalog)}. Gets {gets}."
    if sub.paused:
        reason = sub.paused_reason or "no reason recorded"
        line += f" PAUSED: {reason} (/subscribe again to resume)."
    return line
