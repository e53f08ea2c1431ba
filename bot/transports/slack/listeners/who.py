"""``/newsbot who NAME``: who a person is, their role, what they said lately, where."""

from __future__ import annotations

from typing import Any

from bot.services import who as who_service
from bot.services.errors import UserError

from ..blocks import Message, who_message
from .common import COMMAND, deps_of, handle, split, sub


def register(app: Any) -> None:
    @app.command(COMMAND, matchers=[sub("who")])
    async def newsbot_who(ack: Any, respond: Any, command: dict, context: Any) -> None:
        _, name = split(command.get("text"))

        async def work() -> Message:
            if not name:
                raise UserError(f"Whom should I look up? For example: {COMMAND} who Peskov")
            deps = deps_of(context)
            return who_message(await who_service.who(deps.db, name), deps.topics)

        await handle(ack, respond, command, context, work)
