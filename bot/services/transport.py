"""What every chat transport (Discord, Slack, console) provides to the services.

The delivery worker posts through :class:`Transport` and reads its failures
as :class:`DeliveryError` kinds; each transport maps its library's errors
once, like this:

- network errors, timeouts, HTTP 5xx, and a 429 the library gave up on → ``retry``
- HTTP 403 / 404 for the channel (no access, deleted, bot removed) → ``gone``
- anything else that will never succeed (400 bad payload …) → ``fatal``

429s are normally absorbed by the platform library's own rate limiter
(discord.py sleeps ``retry_after``; slack_sdk has a RateLimitErrorRetryHandler);
the worker never adds a second limiter on top.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from .views import AlertView, DigestView

DeliveryKind = Literal["retry", "gone", "fatal"]


class DeliveryError(Exception):
    """A failed post, classified for the delivery worker."""

    def __init__(self, kind: DeliveryKind, status: int | None = None, detail: str = "") -> None:
        self.kind: DeliveryKind = kind
        self.status = status
        self.detail = detail
        text = f"{kind}: HTTP {status}" if status is not None else kind
        super().__init__(f"{text}: {detail}" if detail else text)


def kind_for_status(status: int | None) -> DeliveryKind:
    """The delivery kind for an HTTP status (None = no response: a network error)."""
    if status is None or status >= 500 or status in (408, 429):
        return "retry"
    if status in (403, 404):
        return "gone"
    return "fatal"


@runtime_checkable
class Transport(Protocol):
    """A chat platform the services deliver through.

    ``nonce`` is deterministic per outbox row (``nb<outbox id>``): a transport
    passes it to the platform where it can (Discord ``nonce`` with
    ``enforce_nonce``) so a resend after a crash between posting and
    recording is not shown twice.
    """

    platform: str

    async def send_alert(self, channel_id: str, alert: AlertView, nonce: str) -> str:
        """Post one alert; return the platform's message id. Mentions must be disabled."""
        ...

    async def send_digest(self, channel_id: str, digest: DigestView, nonce: str) -> list[str]:
        """Post a digest (as one or more messages within the platform's limits); message ids."""
        ...

    async def notify(self, channel_id: str, guild_id: str | None, text: str) -> bool:
        """Tell a server's people something (e.g. "paused: no access to #x") where possible.

        Try the guild/workspace's system or another reachable channel; return
        False, never raise, when there is nowhere to say it.
        """
        ...
