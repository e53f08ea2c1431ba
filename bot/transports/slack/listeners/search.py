"""``/newsbot search QUERY``: full-text search over stored articles."""

from __future__ import annotations

from typing import Any

from bot.services import queries

from ..blocks import Message, search_message
from .common import COMMAND, deps_of, handle, split, sub

RESULTS = 10


def register(app: Any) -> None:
    @app.command(COMMAND, matchers=[sub("search", "find")])
    async def newsbot_search(ack: Any, respond: Any, command: dict, context: Any) -> None:
        _, query = split(command.get("text"))

        async def work() -> Message:
            hits = await queries.search(deps_of(context).db, query, limit=RESULTS)
            return search_message(query, hits)

        await handle(ack, respond, command, context, work)
