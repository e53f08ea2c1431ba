"""A small Slack Web API on 127.0.0.1 for driving the real slack_sdk / slack_bolt clients.

It answers the methods newsbot uses (``auth.test``, ``chat.postMessage``,
``chat.postEphemeral``, ``users.info``, ``conversations.info``) and a
``response_url`` endpoint, records every call, and can be told to fail:
``rate_limit_next(n, retry_after)`` answers the next ``n`` ``chat.postMessage``
calls with 429 + ``Retry-After`` like Slack does; ``fail_channel`` makes a
channel answer with a Slack error code; ``fail_next_status`` returns 5xx.

Point a client at it with ``AsyncWebClient(base_url=fake.api_url)``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    """One recorded API call: method name, merged arguments, the bearer token used."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeUser:
    id: str
    name: str = "user"
    is_admin: bool = False
    is_owner: bool = False
    team_id: str = "T0001"


@dataclass
class SlackFake:
    """The fake server. Use ``async with SlackFake() as fake:`` (or start()/stop())."""

    bot_token: str = "xoxb-test-token"
    app_token: str = "xapp-test-token"
    team_id: str = "T0001"
    bot_user_id: str = "UBOT"
    users: dict[str, FakeUser] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    channel_errors: dict[str, str] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    history_error: str | None = None  # e.g. "missing_scope" for conversations.history
    _rate_limit: list[int] = field(default_factory=list)
    _fail_status: list[int] = field(default_factory=list)
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    port: int = 0
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    _envelopes: itertools.count = field(default_factory=lambda: itertools.count(1))

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> SlackFake:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/socket", self._socket)
        self._changed = asyncio.Condition()
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackFake:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``SLACK_API_URL`` / ``AsyncWebClient(base_url=...)`` should be (trailing /)."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base_url}/respond/{key}"

    # -- behaviour switches ----------------------------------------------------------

    def add_user(self, user_id: str, *, admin: bool = False, owner: bool = False) -> None:
        self.users[user_id] = FakeUser(id=user_id, is_admin=admin, is_owner=owner)

    def rate_limit_next(self, n: int, retry_after: int = 1) -> None:
        """The next ``n`` chat.postMessage calls answer 429 with ``Retry-After``."""
        self._rate_limit.extend([retry_after] * n)

    def fail_next_status(self, n: int, status: int = 503) -> None:
        """The next ``n`` chat.postMessage calls answer with an HTTP error status."""
        self._fail_status.extend([status] * n)

    def fail_channel(self, channel: str, error: str = "channel_not_found") -> None:
        self.channel_errors[channel] = error

    # -- queries for tests ------------------------------------------------------------

    def calls_to(self, method: str, status: int | None = 200) -> list[Call]:
        return [
            c for c in self.calls if c.method == method and (status is None or c.status == status)
        ]

    def posts(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Arguments of successful chat.postMessage calls, optionally for one channel."""
        return [
            c.args
            for c in self.calls_to("chat.postMessage")
            if c.response.get("ok") and (channel is None or c.args.get("channel") == channel)
        ]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds (re-checked after every request)."""
        assert self._changed is not None
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    # -- handlers -------------------------------------------------------------------

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.get("token")
        call = Call(method=method, args=args, token=token)
        self.calls.append(call)
        try:
            status, body, headers = self._answer(method, args, token)
            call.status, call.response = status, body
            return web.json_response(body, status=status, headers=headers)
        finally:
            await self._notify()

    def _answer(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method == "apps.connections.open":
            if token != self.app_token:
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            return 200, {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}, {}
        if token != self.bot_token:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        if method == "auth.test":
            return 200, self._auth_test(), {}
        if method == "chat.postMessage":
            if self._rate_limit:
                after = self._rate_limit.pop(0)
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(after)}
            if self._fail_status:
                return self._fail_status.pop(0), {"ok": False, "error": "internal_error"}, {}
            return self._post(args)
        if method == "chat.postEphemeral":
            if err := self._channel_error(args.get("channel", "")):
                return 200, {"ok": False, "error": err}, {}
            return 200, {"ok": True, "message_ts": self._next_ts()}, {}
        if method == "users.info":
            user = self.users.get(args.get("user", ""))
            if user is None:
                return 200, {"ok": False, "error": "user_not_found"}, {}
            return 200, {"ok": True, "user": self._user_json(user)}, {}
        if method == "conversations.history":
            channel = args.get("channel", "")
            if err := self._channel_error(channel) or self.history_error:
                return 200, {"ok": False, "error": err}, {}
            return 200, {"ok": True, "messages": self._history(channel, args)}, {}
        if method == "conversations.info":
            channel = args.get("channel", "")
            if err := self._channel_error(channel):
                return 200, {"ok": False, "error": err}, {}
            info = {"id": channel, "name": channel.lower(), "is_archived": channel in self.archived}
            return 200, {"ok": True, "channel": info}, {}
        return 200, {"ok": False, "error": "unknown_method"}, {}

    def _auth_test(self) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://newsbot-test.slack.com/",
            "team": "newsbot-test",
            "user": "newsbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "BBOT",
            "is_enterprise_install": False,
        }

    def _channel_error(self, channel: str) -> str | None:
        if channel in self.archived:
            return "is_archived"
        return self.channel_errors.get(channel)

    def _post(self, args: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        channel = args.get("channel", "")
        if err := self._channel_error(channel):
            return 200, {"ok": False, "error": err}, {}
        if not args.get("text") and not args.get("blocks"):
            return 200, {"ok": False, "error": "no_text"}, {}
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks is not None and len(blocks) > 50:
            return 200, {"ok": False, "error": "invalid_blocks"}, {}
        ts = self._next_ts()
        message = {"type": "message", "ts": ts, "text": args.get("text", ""), "blocks": blocks}
        if args.get("metadata"):
            message["metadata"] = args["metadata"]
        return 200, {"ok": True, "channel": channel, "ts": ts, "message": message}, {}

    def _history(self, channel: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        """Messages posted to ``channel``, newest first, metadata only when asked for."""
        with_meta = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        out = []
        for call in reversed(self.calls_to("chat.postMessage")):
            message = call.response.get("message")
            if call.response.get("ok") and call.args.get("channel") == channel and message:
                item = dict(message)
                if not with_meta:
                    item.pop("metadata", None)
                out.append(item)
        return out[: int(args.get("limit", 100))]

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _user_json(self, user: FakeUser) -> dict[str, Any]:
        return {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_primary_owner": False,
            "is_bot": False,
        }

    async def _respond(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        try:
            body = await request.json()
        except json.JSONDecodeError:
            body = {"raw": await request.text()}
        self.responses.setdefault(key, []).append(body)
        await self._notify()
        return web.Response(text="ok", content_type="text/plain")

    # -- Socket Mode ----------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.sockets.append(ws)
        await self._notify()
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        try:
            async for msg in ws:
                if msg.type == web.WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(msg.data))
                    await self._notify()
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send a Socket Mode envelope (e.g. ``slash_commands``) to the connected app."""
        envelope_id = f"env-{next(self._envelopes)}"
        message = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind == "slash_commands",
        }
        await self.sockets[-1].send_str(json.dumps(message))
        return envelope_id
