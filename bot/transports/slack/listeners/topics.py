"""``/newsbot topics``: the configured topics and their definitions."""

from __future__ import annotations

from typing import Any

from ..blocks import Message, topics_message
from .common import COMMAND, deps_of, handle, sub


def register(app: Any) -> None:
    @app.command(COMMAND, matchers=[sub("topics")])
    async def newsbot_topics(ack: Any, respond: Any, command: dict, context: Any) -> None:
        async def work() -> Message:
            return topics_message(list(deps_of(context).topics.topics))

        await handle(ack, respond, command, context, work, public=False)
