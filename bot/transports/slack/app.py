"""Build the Bolt ``AsyncApp`` and run it: Socket Mode or HTTP with request signing.

- ``SLACK_APP_TOKEN`` set → Socket Mode (``AsyncSocketModeHandler``); no public URL needed.
- otherwise → an aiohttp server on ``NEWSBOT_SLACK_PORT`` (default 3000) at
  ``/slack/events``; Bolt checks every request's ``X-Slack-Signature`` with
  ``SLACK_SIGNING_SECRET`` and refuses it (401) when the signature is wrong or
  the timestamp is more than five minutes old.

The Web API client uses ``SLACK_API_URL`` as its base URL (tests point it at a
loopback fake; proxies work the same way). The services reach the listeners
through a global middleware that puts a :class:`SlackDeps` into Bolt's
``context["newsbot"]``, so each listener module only needs ``register(app)``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.subscriptions import SubscriptionService

from .listeners import register_all
from .sender import SlackTransport

log = logging.getLogger(__name__)

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"
DEFAULT_API_URL = "https://slack.com/api/"


class SlackConfigError(Exception):
    """Slack settings that cannot work (for example HTTP mode without a signing secret)."""


def parse_admins(value: str | None) -> frozenset[str]:
    """``"U1, U2"`` → ``{"U1", "U2"}`` (the configured admin user ids)."""
    return frozenset(p.strip() for p in (value or "").replace(";", ",").split(",") if p.strip())


@dataclass
class SlackDeps:
    """Everything the listeners use; built from the app's services container."""

    db: Any
    topics: Any
    subscriptions: SubscriptionService
    settings: Any = None
    admins: frozenset[str] = field(default_factory=frozenset)
    transport: SlackTransport | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def deps_from(services: Any, admins: frozenset[str] = frozenset()) -> SlackDeps:
    """A :class:`SlackDeps` from any container with ``db`` and ``topics`` attributes.

    ``subscriptions`` is used when present (so the digest scheduler hears of
    changes); otherwise one is made from ``db`` and ``topics``.
    """
    settings = getattr(services, "settings", None)
    subs = getattr(services, "subscriptions", None)
    if subs is None:
        subs = SubscriptionService(
            services.db,
            services.topics,
            default_time=getattr(settings, "digest_time", "08:00"),
            default_timezone=getattr(settings, "timezone", "Asia/Tokyo"),
        )
    return SlackDeps(
        db=services.db,
        topics=services.topics,
        subscriptions=subs,
        settings=settings,
        admins=admins,
        clock=getattr(services, "clock", None) or (lambda: datetime.now(UTC)),
    )


def make_client(token: str, api_url: str | None = None) -> AsyncWebClient:
    """The Web API client; ``api_url`` (``SLACK_API_URL``) must end with '/' for slack_sdk."""
    base = (api_url or DEFAULT_API_URL).rstrip("/") + "/"
    return AsyncWebClient(token=token, base_url=base)


def build_app(
    deps: SlackDeps,
    client: AsyncWebClient,
    signing_secret: str | None,
    *,
    socket_mode: bool = False,
) -> AsyncApp:
    """The Bolt app with every listener registered (also what tests drive)."""
    if not socket_mode and not signing_secret:
        raise SlackConfigError("SLACK_SIGNING_SECRET is required when SLACK_APP_TOKEN is not set")
    if deps.transport is None:
        deps.transport = SlackTransport(client)
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        logger=logging.getLogger("bot.transports.slack.bolt"),
    )

    async def inject(context: Any, next: Callable[[], Awaitable[Any]]) -> Any:
        context["newsbot"] = deps
        return await next()

    app.use(inject)
    register_all(app)
    return app


@dataclass
class SlackHandle:
    """A running Slack connection: its transport for the delivery worker, and ``close()``."""

    app: AsyncApp
    client: AsyncWebClient
    transport: SlackTransport
    deps: SlackDeps
    mode: str  # "socket" or "http"
    port: int | None = None
    _runner: web.AppRunner | None = None
    _socket: AsyncSocketModeHandler | None = None

    async def close(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        session = getattr(self.client, "session", None)
        if session is not None and not session.closed:
            await session.close()


async def _check_token(call: Awaitable[Any], name: str) -> Any:
    """Await a Web API call made to check a token; a refusal becomes one clear line."""
    try:
        return await call
    except SlackApiError as err:
        code = err.response.get("error") if err.response is not None else "refused"
        raise SlackConfigError(f"{name} was refused by Slack ({code})") from None
    except (aiohttp.ClientError, OSError, TimeoutError) as err:
        raise SlackConfigError(
            f"cannot reach the Slack API to check {name}: {type(err).__name__}: {err}"
        ) from None


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    raw = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return raw or None


async def start_slack(
    services: Any,
    secrets: Any,
    *,
    host: str = "0.0.0.0",
    port: int | None = None,
) -> SlackHandle:
    """Start Slack from the services container and ``Secrets``; returns once listening.

    Socket Mode when ``secrets.slack_app_token`` is set, else HTTP on
    ``port`` (default ``secrets.slack_port``; 0 picks a free port, see
    ``handle.port``). Raises :class:`SlackConfigError` (one line) for a missing
    or refused token, an unreachable API, or a port that cannot be bound.
    """
    token = _secret(getattr(secrets, "slack_bot_token", None))
    if not token:
        raise SlackConfigError("SLACK_BOT_TOKEN is not set")
    app_token = _secret(getattr(secrets, "slack_app_token", None))
    signing_secret = _secret(getattr(secrets, "slack_signing_secret", None))
    if not app_token and not signing_secret:
        raise SlackConfigError("SLACK_SIGNING_SECRET is required when SLACK_APP_TOKEN is not set")
    client = make_client(token, getattr(secrets, "slack_api_url", None))
    await _check_token(client.auth_test(), "SLACK_BOT_TOKEN")
    deps = deps_from(services, parse_admins(getattr(secrets, "slack_admins", "")))
    row = await deps.db.fetchone("SELECT COALESCE(MAX(id), 0) FROM outbox")
    deps.transport = SlackTransport(
        client, notice_users=sorted(deps.admins), resume_below=int(row[0]) if row else 0
    )
    app = build_app(deps, client, signing_secret, socket_mode=bool(app_token))
    handle = SlackHandle(app=app, client=client, transport=deps.transport, deps=deps, mode="http")
    if app_token:
        handle.mode = "socket"
        # Ask for the WebSocket URL here: slack_sdk would retry a refused app token forever.
        opened = await _check_token(
            client.apps_connections_open(app_token=app_token), "SLACK_APP_TOKEN"
        )
        handle._socket = AsyncSocketModeHandler(app, app_token, web_client=client)
        handle._socket.client.wss_uri = opened["url"]
        try:
            await handle._socket.connect_async()
        except BaseException:
            await handle.close()
            raise
        log.info("slack: connected in Socket Mode")
        return handle
    runner = web.AppRunner(app.web_app(path=EVENTS_PATH), access_log=None)
    await runner.setup()
    listen = port if port is not None else int(getattr(secrets, "slack_port", 3000))
    site = web.TCPSite(runner, host, listen)
    try:
        await site.start()
    except OSError as err:
        await runner.cleanup()
        raise SlackConfigError(
            f"cannot listen on {host}:{listen} for Slack requests "
            f"(NEWSBOT_SLACK_PORT): {err.strerror or err}"
        ) from None
    handle._runner = runner
    handle.port = runner.addresses[0][1] if runner.addresses else None
    log.info("slack: listening for requests on %s:%s%s", host, handle.port, EVENTS_PATH)
    return handle
