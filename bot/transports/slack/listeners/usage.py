"""``/newsbot help`` and the usage message for anything the other listeners did not take."""

from __future__ import annotations

from typing import Any

from ..blocks import Message, section
from .common import COMMAND, handle, split

USAGE = f"""*newsbot* — Japanese news on the war in Ukraine, by topic and by person.
`{COMMAND} who NAME` — who is this person: role, recent quotes, articles (English or Japanese)
`{COMMAND} search QUERY` — full-text search over stored articles
`{COMMAND} digest` — the digest for this channel's topics, now
`{COMMAND} topics` — the topics and what each covers
`{COMMAND} why ARTICLE` — why an article (number or headline words) was tagged and sent here
`{COMMAND} subscriptions` — what this channel gets
`{COMMAND} subscribe TOPIC… [alerts|digest|both] [HH:MM] [TIME/ZONE]` — admins only
`{COMMAND} unsubscribe [TOPIC…|all]` — admins only"""


def usage_message(unknown: str | None = None) -> Message:
    blocks = []
    if unknown:
        word = unknown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")[:50]
        blocks.append(section(f"Unknown sub-command `{word}`."))
    blocks.append(section(USAGE))
    return Message(f"Usage: {COMMAND} who|search|digest|subscribe|unsubscribe|…", blocks)


def register(app: Any) -> None:
    @app.command(COMMAND)
    async def newsbot_usage(ack: Any, respond: Any, command: dict, context: Any) -> None:
        word, _ = split(command.get("text"))

        async def work() -> Message:
            return usage_message(None if word in ("", "help") else word)

        await handle(ack, respond, command, context, work, public=False)
