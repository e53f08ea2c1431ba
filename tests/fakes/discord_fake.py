"""A loopback fake of Discord (REST + gateway) for driving the real discord.py client.

It listens on 127.0.0.1 on a random port and answers what discord.py needs to log
in, connect, sync application commands, answer interactions and post messages.
Every REST request is recorded. A test can make the next N message posts to a
channel fail (500, 503, 404, 403, 429 …), optionally *after* the message was
created, the way a real outage can lose the response but not the message; with
``enforce_nonce`` the fake then returns the message already created for that nonce,
as Discord does, so a resend is not a duplicate.

See ``/work/shared/notes/testing-discord.md`` for the facts this is built on.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes import discord_payloads as payloads

JSON_TYPE = "application/json"
BODY: web.RequestKey[Any] = web.RequestKey("body", object)
MANAGE_CHANNELS = 1 << 4
ADMINISTRATOR = 1 << 3


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response with ``Content-Type`` exactly ``application/json`` (discord.py needs it)."""
    hdrs = {"Content-Type": JSON_TYPE}
    hdrs.update(headers or {})
    return web.Response(status=status, body=json.dumps(data).encode(), headers=hdrs)


@dataclass
class Recorded:
    """One REST request as the fake received it."""

    method: str
    path: str  # after /api/v10
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class Failure:
    status: int
    count: int
    after_create: bool = False
    retry_after: float = 0.05


@dataclass
class FakeInteraction:
    """An interaction the fake dispatched, and everything the bot answered to it."""

    id: str
    token: str
    name: str
    type: int
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted_original: bool = False

    @property
    def deferred(self) -> bool:
        return any(cb.get("type") == 5 for cb in self.callbacks)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Message bodies shown to the user: callback data, edits of the original (unless it
        was deleted), follow-ups."""
        out: list[dict[str, Any]] = []
        for cb in self.callbacks:
            if cb.get("type") in (4, 7) and cb.get("data"):
                out.append(cb["data"])
        if not self.deleted_original:
            out.extend(self.edits)
        out.extend(self.followups)
        return out


class DiscordFake:
    """The fake server. ``await start()``, point discord.py at ``api_base``/``gateway_url``."""

    def __init__(
        self,
        *,
        app_id: int = 900000000000000001,
        guild_id: int = 900000000000000100,
        channel_ids: tuple[int, ...] = (900000000000000201, 900000000000000202),
        token: str = "fake-token",
    ) -> None:
        self.token = token
        self.connections = 0
        self.resumes = 0
        self.app_id = str(app_id)
        self.guild_id = str(guild_id)
        self.channel_ids = [str(c) for c in channel_ids]
        self.requests: list[Recorded] = []
        self.channel_messages: dict[str, list[dict[str, Any]]] = {}
        self.commands: list[dict[str, Any]] = []
        self.command_puts = 0
        self.interactions: dict[str, FakeInteraction] = {}
        self.identify: dict[str, Any] | None = None
        self.gone_channels: set[str] = set()
        self._failures: dict[str, list[Failure]] = {}
        self._nonces: dict[tuple[str, str], dict[str, Any]] = {}
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self._seq = 0
        self._ws: web.WebSocketResponse | None = None
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/gateway", self._gateway)
        r = app.router
        p = "/api/v10"
        r.add_get(p + "/users/@me", self._me)
        r.add_get(p + "/oauth2/applications/@me", self._application)
        r.add_get(p + "/gateway", self._gateway_info)
        r.add_get(p + "/gateway/bot", self._gateway_info)
        r.add_put(p + "/applications/{app}/commands", self._put_commands)
        r.add_get(p + "/applications/{app}/commands", self._get_commands)
        r.add_put(p + "/applications/{app}/guilds/{guild}/commands", self._put_commands)
        r.add_post(p + "/interactions/{iid}/{token}/callback", self._callback)
        r.add_patch(p + "/webhooks/{app}/{token}/messages/@original", self._edit_original)
        r.add_get(p + "/webhooks/{app}/{token}/messages/@original", self._get_original)
        r.add_delete(p + "/webhooks/{app}/{token}/messages/@original", self._delete_original)
        r.add_post(p + "/webhooks/{app}/{token}", self._followup)
        r.add_post(p + "/channels/{channel}/messages", self._create_message)
        r.add_get(p + "/channels/{channel}", self._get_channel)
        r.add_route("*", p + "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ----------------------------------------------------------------- test controls
    def fail_next_posts(
        self,
        channel_id: int | str,
        status: int,
        count: int = 1,
        *,
        after_create: bool = False,
        retry_after: float = 0.05,
    ) -> None:
        """Answer the next ``count`` message posts to the channel with ``status``.

        ``after_create`` stores the message first (the response is what fails).
        A 429 carries a ``Via`` header and ``retry_after`` so discord.py retries it.
        """
        self._failures.setdefault(str(channel_id), []).append(
            Failure(status, count, after_create, retry_after)
        )

    def posts_to(self, channel_id: int | str) -> list[Recorded]:
        """Every POST of a message to the channel, including failed ones."""
        path = f"/channels/{channel_id}/messages"
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def messages_in(self, channel_id: int | str) -> list[dict[str, Any]]:
        """Messages that exist in the channel (deduplicated by nonce, like Discord)."""
        return list(self.channel_messages.get(str(channel_id), []))

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every request/event)."""

        async def _wait() -> Any:
            async with self._changed:
                while True:
                    value = predicate()
                    if value:
                        return value
                    await self._changed.wait()

        return await asyncio.wait_for(_wait(), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def slash(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        permissions: int = 0,
        channel_id: int | str | None = None,
        user_id: int = 800000000000000001,
        autocomplete: bool = False,
    ) -> FakeInteraction:
        """Dispatch INTERACTION_CREATE for a slash command (type 2) or autocomplete (type 4).

        ``options`` are Discord option objects: ``{"name", "type", "value"}`` (add
        ``"focused": True`` to the option being typed for autocomplete).
        """
        cmd = next((c for c in self.commands if c["name"] == name), None)
        if cmd is None:
            raise AssertionError(f"command /{name} was not synced")
        iid, token = str(next(self._ids)), f"tok{next(self._ids)}"
        itype = 4 if autocomplete else 2
        inter = FakeInteraction(iid, token, name, itype)
        self.interactions[token] = inter
        self.interactions[iid] = inter
        cid = str(channel_id or self.channel_ids[0])
        await self.dispatch(
            "INTERACTION_CREATE",
            {
                "id": iid,
                "application_id": self.app_id,
                "type": itype,
                "data": {
                    "id": cmd["id"],
                    "name": name,
                    "type": 1,
                    "options": options or [],
                    "guild_id": self.guild_id,
                },
                "guild_id": self.guild_id,
                "channel_id": cid,
                "channel": payloads.channel(self.guild_id, cid),
                "member": payloads.member(user_id, permissions),
                "token": token,
                "version": 1,
                "app_permissions": str((1 << 53) - 1),
                "locale": "en-US",
                "guild_locale": "en-US",
                "entitlements": [],
                "authorizing_integration_owners": {"0": self.guild_id},
                "context": 0,
                "attachment_size_limit": 8 * 1024 * 1024,
            },
        )
        return inter

    async def answered(
        self, inter: FakeInteraction, count: int = 1, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has shown ``count`` messages for the interaction; return them."""
        return await self.wait_for(
            lambda: inter.messages if len(inter.messages) >= count else None, timeout
        )

    async def autocompleted(self, inter: FakeInteraction, timeout: float = 10.0) -> list[dict]:
        """Wait for the autocomplete answer (callback type 8); return its choices."""
        cb = await self.wait_for(
            lambda: next((c for c in inter.callbacks if c.get("type") == 8), None), timeout
        )
        return cb["data"]["choices"]

    async def ask_reconnect(self) -> None:
        """Send op 7 RECONNECT, as Discord does before moving a session to another node."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_str(json.dumps({"op": 7, "d": None}))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        if self._ws is None or self._ws.closed:
            raise AssertionError("no gateway connection")
        self._seq += 1
        await self._ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    # ----------------------------------------------------------------- REST handlers
    @web.middleware
    async def _record(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        if request.path == "/gateway":
            return await handler(request)
        raw = await request.read()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        rec = Recorded(
            request.method,
            request.path.removeprefix("/api/v10"),
            dict(request.query),
            dict(request.headers),
            body,
        )
        self.requests.append(rec)
        request[BODY] = body
        bot_route = not request.path.startswith(("/api/v10/interactions/", "/api/v10/webhooks/"))
        if bot_route and request.headers.get("Authorization") != f"Bot {self.token}":
            rec.status = 401
            await self._notify()
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        try:
            resp = await handler(request)
        finally:
            await self._notify()
        rec.status = resp.status
        await self._notify()
        return resp

    async def _me(self, request: web.Request) -> web.Response:
        return _json(payloads.user(self.app_id, bot=True))

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": self.app_id,
                "name": "newsbot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": payloads.user(800000000000000999),
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    async def _gateway_info(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _put_commands(self, request: web.Request) -> web.Response:
        self.command_puts += 1
        out = []
        for cmd in request[BODY] or []:
            c = dict(cmd)
            c["id"] = str(next(self._ids))
            c["application_id"] = self.app_id
            c["version"] = str(next(self._ids))
            c.setdefault("type", 1)
            if c.get("default_member_permissions") is not None:
                c["default_member_permissions"] = str(c["default_member_permissions"])
            out.append(c)
        self.commands = out
        return _json(out)

    async def _get_commands(self, request: web.Request) -> web.Response:
        return _json(self.commands)

    def _new_message(
        self, channel_id: str, body: dict[str, Any], *, webhook: bool = False
    ) -> dict[str, Any]:
        msg_id = str(next(self._ids))
        return payloads.message(self.app_id, msg_id, channel_id, body, webhook=webhook)

    async def _create_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        body = request[BODY] or {}
        if channel_id in self.gone_channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        pending = self._failures.get(channel_id)
        failure = pending[0] if pending else None
        if failure is not None:
            failure.count -= 1
            if failure.count <= 0:
                pending.pop(0)
            if failure.after_create:
                self._store(channel_id, body)
            return self._failure_response(failure)
        return _json(self._store(channel_id, body))

    def _store(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            existing = self._nonces.get((channel_id, str(nonce)))
            if existing is not None:
                return existing
        msg = self._new_message(channel_id, body)
        self.channel_messages.setdefault(channel_id, []).append(msg)
        if nonce is not None:
            self._nonces[(channel_id, str(nonce))] = msg
        return msg

    @staticmethod
    def _failure_response(failure: Failure) -> web.Response:
        status = failure.status
        if status == 429:
            return _json(
                {
                    "message": "You are being rate limited.",
                    "retry_after": failure.retry_after,
                    "global": False,
                },
                429,
                {"Via": "1.1 google", "Retry-After": "1"},
            )
        messages = {403: ("Missing Access", 50001), 404: ("Unknown Channel", 10003)}
        text, code = messages.get(status, ("Internal Server Error", 0))
        return _json({"message": text, "code": code}, status)

    async def _get_channel(self, request: web.Request) -> web.Response:
        cid = request.match_info["channel"]
        if cid in self.gone_channels or cid not in self.channel_ids:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        return _json(payloads.channel(self.guild_id, cid))

    async def _callback(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(request.match_info["iid"])
        if inter is None:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        body = request[BODY] or {}
        if inter.callbacks:
            return _json(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        inter.callbacks.append(body)
        rtype = body.get("type")
        data = body.get("data") or {}
        answer: dict[str, Any] = {
            "interaction": {
                "id": inter.id,
                "type": inter.type,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
            }
        }
        if rtype in (4, 5):
            msg = self._new_message(self.channel_ids[0], data, webhook=True)
            answer["interaction"]["response_message_id"] = msg["id"]
            answer["resource"] = {"type": rtype, "message": msg}
        else:
            answer["resource"] = {"type": rtype}
        return _json(answer)

    async def _edit_original(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(request.match_info["token"])
        if inter is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        body = request[BODY] or {}
        inter.edits.append(body)
        return _json(self._new_message(self.channel_ids[0], body, webhook=True))

    async def _get_original(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(request.match_info["token"])
        if inter is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        body = inter.edits[-1] if inter.edits else {}
        return _json(self._new_message(self.channel_ids[0], body, webhook=True))

    async def _delete_original(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(request.match_info["token"])
        if inter is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        inter.deleted_original = True
        return web.Response(status=204)

    async def _followup(self, request: web.Request) -> web.Response:
        inter = self.interactions.get(request.match_info["token"])
        if inter is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        body = request[BODY] or {}
        inter.followups.append(body)
        return _json(self._new_message(self.channel_ids[0], body, webhook=True))

    async def _unknown(self, request: web.Request) -> web.Response:
        return _json({"message": "404: Not Found", "code": 0}, 404)

    # ----------------------------------------------------------------- gateway
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        self.connections += 1
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            op = data.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                self.identify = data.get("d")
                await self.dispatch(
                    "READY",
                    {
                        "v": 10,
                        "user": payloads.user(self.app_id, bot=True),
                        "guilds": [{"id": self.guild_id, "unavailable": True}],
                        "session_id": "fake-session",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": self.app_id, "flags": 0},
                    },
                )
                await self.dispatch("GUILD_CREATE", payloads.guild(self.guild_id, self.channel_ids))
                await self._notify()
            elif op == 6:
                self.resumes += 1
                await self.dispatch("RESUMED", {})
                await self._notify()
        return ws


@asynccontextmanager
async def running_fake(monkeypatch: Any = None) -> AsyncIterator[DiscordFake]:
    """A started :class:`DiscordFake`, closed afterwards.

    With pytest's ``monkeypatch``, discord.py's global base URLs (which the bot under
    test overwrites) are restored after the test as well.
    """
    if monkeypatch is not None:
        import discord.gateway
        import discord.http

        monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket,
            "DEFAULT_GATEWAY",
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        )
    server = DiscordFake()
    await server.start()
    try:
        yield server
    finally:
        await server.close()
