"""SlackTransport: posts alerts, digests and notices through the Slack Web API.

Implements :class:`bot.services.transport.Transport`. Slack's errors are mapped
once, here:

- HTTP 429 / ``ratelimited``: wait ``Retry-After`` seconds and try again, inside
  the transport (Slack did not post the message, so a retry cannot duplicate);
  after :attr:`SlackTransport.max_rate_retries` waits, or when Slack asks for a
  wait longer than :attr:`SlackTransport.max_wait`, → ``DeliveryError('retry')``
  so the delivery worker backs off instead of blocking every channel.
- ``channel_not_found``, ``not_in_channel``, ``is_archived`` … → ``'gone'``
  (the subscription is paused and the workspace told).
- HTTP 5xx, ``internal_error``/``fatal_error``/``service_unavailable``, network
  errors and timeouts → ``'retry'``.
- anything else (``invalid_blocks``, ``invalid_auth`` …) → ``'fatal'``.

Slack has no nonce, so a crash between a successful post and the outbox's
``sent`` mark would repost after a restart. Each message therefore carries
the outbox nonce in its message metadata, and for rows that were already
owed when this process started (``nb<id>`` with id ≤ :attr:`resume_below`)
the transport first looks for that nonce in the channel's recent history and
returns the existing message instead of posting again. Without the history
scopes the check is skipped (logged once) and the post goes ahead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.transport import DeliveryError
from bot.services.views import AlertView, DigestView

from .blocks import Message, alert_message, digest_messages, text_message

log = logging.getLogger(__name__)

GONE_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "team_access_not_granted",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_non_threadable_channel",
        "ekm_access_denied",
        "team_not_found",
        "org_login_required",
        "cannot_reply_to_message",
    }
)
EVENT_TYPE = "newsbot_delivery"
HISTORY_LIMIT = 200
RETRY_ERRORS = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
    }
)


def error_code(response: Any) -> str:
    """Slack's ``error`` field of a response ('' when there is none or no JSON body)."""
    if response is None:
        return ""
    try:
        return str(response.get("error") or "")
    except (AttributeError, TypeError):
        return ""


def classify(err: SlackApiError) -> DeliveryError:
    """The delivery kind for a Slack API error (429 handled by the caller first)."""
    response = err.response
    status = getattr(response, "status_code", None)
    code = error_code(response)
    if status == 200:
        status = None  # an ``ok: false`` answer: the code says it all, "HTTP 200" would confuse
    if code in GONE_ERRORS:
        return DeliveryError("gone", status, code)
    if code in RETRY_ERRORS or (status is not None and (status >= 500 or status == 429)):
        return DeliveryError("retry", status, code or f"HTTP {status}")
    return DeliveryError("fatal", status, code or str(err))


def retry_after(err: SlackApiError) -> float | None:
    """Seconds Slack asked to wait when ``err`` is a rate limit, else None."""
    response = err.response
    if response is None:
        return None
    status = getattr(response, "status_code", None)
    code = error_code(response)
    if status != 429 and code not in ("ratelimited", "rate_limited"):
        return None
    headers = getattr(response, "headers", None) or {}
    value = None
    for key, val in dict(headers).items():
        if str(key).lower() == "retry-after":
            value = val
            break
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


class SlackTransport:
    """The Slack side of delivery; ``client`` is an ``AsyncWebClient`` with the bot token."""

    platform = "slack"

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        max_rate_retries: int = 3,
        max_wait: float = 30.0,
        notice_users: list[str] | None = None,
        resume_below: int = 0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.client = client
        self.notice_users = list(notice_users or [])
        self.resume_below = resume_below
        self._history_ok = True
        self.max_rate_retries = max_rate_retries
        self.max_wait = max_wait
        self._sleep = sleep

    async def _call(self, method: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
        """Call a Web API method, honouring Retry-After and mapping failures."""
        waits = 0
        while True:
            try:
                return await method(**kwargs)
            except SlackApiError as err:
                wait = retry_after(err)
                if wait is not None and waits < self.max_rate_retries and wait <= self.max_wait:
                    waits += 1
                    log.info("slack rate limit: waiting %.1f s (Retry-After)", wait)
                    await self._sleep(wait)
                    continue
                raise classify(err) from err
            except (TimeoutError, aiohttp.ClientError, OSError) as err:
                raise DeliveryError("retry", None, f"{type(err).__name__}: {err}") from err

    async def post(self, channel_id: str, message: Message, nonce: str | None = None) -> str:
        """Post a message with mentions and link-unfurling off; returns the message ts.

        ``nonce`` (an outbox nonce) goes into the message metadata; when the row
        may have been posted before a restart, an existing message is reused.
        """
        if nonce is not None and self._may_be_posted(nonce):
            found = await self._find_posted(channel_id, nonce)
            if found is not None:
                log.info("slack: %s was already posted to %s before a restart", nonce, channel_id)
                return found
        extra: dict[str, Any] = {}
        if nonce is not None:
            extra["metadata"] = {"event_type": EVENT_TYPE, "event_payload": {"nonce": nonce}}
        response = await self._call(
            self.client.chat_postMessage,
            channel=channel_id,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
            unfurl_media=False,
            link_names=False,
            parse="none",
            **extra,
        )
        return str(response.get("ts") or "")

    def _may_be_posted(self, nonce: str) -> bool:
        """True for rows owed before this process started (a crash may have hit mid-send)."""
        number = nonce.removeprefix("nb").split("-", 1)[0]
        return self._history_ok and number.isdigit() and int(number) <= self.resume_below

    async def _find_posted(self, channel_id: str, nonce: str) -> str | None:
        """The ts of a recent message in the channel that carries ``nonce``, if any."""
        try:
            response = await self._call(
                self.client.conversations_history,
                channel=channel_id,
                limit=HISTORY_LIMIT,
                include_all_metadata=True,
            )
        except DeliveryError as err:
            if err.detail == "missing_scope":
                self._history_ok = False
                log.warning(
                    "slack: no channels:history/groups:history scope; after a crash a message"
                    " sent just before it may be posted twice"
                )
            return None
        for msg in response.get("messages") or []:
            meta = msg.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == EVENT_TYPE and payload.get("nonce") == nonce:
                return str(msg.get("ts") or "")
        return None

    async def send_alert(self, channel_id: str, alert: AlertView, nonce: str) -> str:
        return await self.post(channel_id, alert_message(alert), nonce)

    async def send_digest(self, channel_id: str, digest: DigestView, nonce: str) -> list[str]:
        """Post every part of the digest; part ``i`` carries the nonce ``<nonce>-<i>``."""
        messages = digest_messages(digest)
        return [await self.post(channel_id, m, f"{nonce}-{i}") for i, m in enumerate(messages)]

    async def notify(self, channel_id: str, guild_id: str | None, text: str) -> bool:
        """Tell the workspace's configured admins by direct message; False when there are none.

        Slack gives bots no "system channel", and the channel in question is the
        one the bot cannot post to, so the admin ids of ``SLACK_ADMINS`` are the
        reliable audience. Never raises.
        """
        told = False
        for user_id in self.notice_users:
            try:
                await self.post(user_id, text_message(text))
            except DeliveryError as err:
                log.warning("slack notice to %s not delivered: %s", user_id, err)
                continue
            told = True
        return told

    async def ephemeral(self, channel_id: str, user_id: str, message: Message) -> bool:
        """An ephemeral message to one user (used when there is no response_url)."""
        try:
            await self._call(
                self.client.chat_postEphemeral,
                channel=channel_id,
                user=user_id,
                text=message.text,
                blocks=message.blocks,
            )
        except DeliveryError as err:
            log.warning("ephemeral reply to %s in %s failed: %s", user_id, channel_id, err)
            return False
        return True
