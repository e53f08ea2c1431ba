"""``/newsbot digest``: this channel's digest now (not recorded as the daily one)."""

from __future__ import annotations

from typing import Any

from bot.services import digest as digest_service

from ..blocks import Message, digest_messages
from .common import COMMAND, PLATFORM, deps_of, handle, sub


def register(app: Any) -> None:
    @app.command(COMMAND, matchers=[sub("digest")])
    async def newsbot_digest(ack: Any, respond: Any, command: dict, context: Any) -> None:
        async def work() -> list[Message]:
            deps = deps_of(context)
            view = await digest_service.digest_now(
                deps.db,
                deps.topics,
                PLATFORM,
                command["channel_id"],
                deps.clock(),
                default_timezone=getattr(deps.settings, "timezone", "Asia/Tokyo"),
            )
            return digest_messages(view)

        await handle(ack, respond, command, context, work)
