"""``/newsbot why ARTICLE``: why an article was tagged, and why it was (not) sent here."""

from __future__ import annotations

from typing import Any

from bot.services import queries

from ..blocks import Message, why_message
from .common import COMMAND, PLATFORM, deps_of, handle, split, sub


def register(app: Any) -> None:
    @app.command(COMMAND, matchers=[sub("why")])
    async def newsbot_why(ack: Any, respond: Any, command: dict, context: Any) -> None:
        _, ref = split(command.get("text"))

        async def work() -> Message:
            deps = deps_of(context)
            view = await queries.why(deps.db, deps.topics, ref, PLATFORM, command["channel_id"])
            return why_message(view)

        await handle(ack, respond, command, context, work)
