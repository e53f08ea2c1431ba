"""``/newsbot subscribe | unsubscribe | subscriptions`` for the channel the command ran in.

Changing a subscription needs a configured admin (``SLACK_ADMINS``) or a
workspace admin/owner (``users.info``); the check is made here on the server
and again by the service, which refuses when ``is_admin`` is False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.services.errors import UserError
from bot.services.subscriptions import MODES, describe

from ..blocks import Message, text_message
from .common import COMMAND, PLATFORM, deps_of, handle, is_slack_admin, split, sub

_TIME = re.compile(r"^\d{1,2}:\d{2}$")
_MODE_WORDS = {"alert": "alerts", "alerts": "alerts", "digest": "digest", "digests": "digest"}
_MODE_WORDS.update({m: m for m in MODES})
_KEYS = {"mode", "time", "at", "tz", "timezone", "zone"}


@dataclass
class SubscribeArgs:
    topics: list[str] = field(default_factory=list)
    mode: str | None = None
    time: str | None = None
    timezone: str | None = None


def parse_args(text: str) -> SubscribeArgs:
    """``nato territory digest 07:30 Europe/London`` (or ``mode=… time=… tz=…``)."""
    args = SubscribeArgs()
    for word in text.replace(",", " ").replace("、", " ").split():
        key, sep, value = word.partition("=")
        if sep and key.lower() in _KEYS:
            if not value:
                raise UserError(f"'{key}=' needs a value.")
            if key.lower() == "mode":
                args.mode = value
            elif key.lower() in ("time", "at"):
                args.time = value
            else:
                args.timezone = value
        elif word.lower() in _MODE_WORDS:
            args.mode = _MODE_WORDS[word.lower()]
        elif _TIME.match(word):
            args.time = word
        elif "/" in word or word.upper() == "UTC":
            args.timezone = word
        else:
            args.topics.append(word)
    return args


async def _check_channel(client: Any, channel_id: str) -> None:
    """Refuse channels the bot cannot post to (private without it, archived)."""
    try:
        response = await client.conversations_info(channel=channel_id)
    except SlackApiError as err:
        code = err.response.get("error") if err.response is not None else ""
        if code == "channel_not_found":
            raise UserError(
                "The bot cannot see this channel. Invite it first (/invite @newsbot), "
                "then subscribe again."
            ) from None
        return  # other errors (missing scope on DMs …) do not block a subscription
    if (response.get("channel") or {}).get("is_archived"):
        raise UserError("This channel is archived; nothing can be posted here.")


def register(app: Any) -> None:
    @app.command(COMMAND, matchers=[sub("subscribe")])
    async def newsbot_subscribe(
        ack: Any, respond: Any, command: dict, context: Any, client: Any
    ) -> None:
        _, rest = split(command.get("text"))

        async def work() -> Message:
            deps = deps_of(context)
            admin = await is_slack_admin(client, deps.admins, command["user_id"])
            args = parse_args(rest)
            if admin:
                await _check_channel(client, command["channel_id"])
            stored = await deps.subscriptions.subscribe(
                PLATFORM,
                command["channel_id"],
                command.get("team_id"),
                args.topics,
                args.mode,
                args.time,
                args.timezone,
                is_admin=admin,
                created_by=command["user_id"],
            )
            return text_message("Subscribed. " + describe(stored, deps.topics))

        await handle(ack, respond, command, context, work)

    @app.command(COMMAND, matchers=[sub("unsubscribe")])
    async def newsbot_unsubscribe(
        ack: Any, respond: Any, command: dict, context: Any, client: Any
    ) -> None:
        _, rest = split(command.get("text"))

        async def work() -> Message:
            deps = deps_of(context)
            admin = await is_slack_admin(client, deps.admins, command["user_id"])
            left = await deps.subscriptions.unsubscribe(
                PLATFORM, command["channel_id"], rest or None, is_admin=admin
            )
            if left is None:
                return text_message("Unsubscribed: this channel gets nothing from newsbot now.")
            return text_message("Unsubscribed. " + describe(left, deps.topics))

        await handle(ack, respond, command, context, work)

    @app.command(COMMAND, matchers=[sub("subscriptions", "subscription", "status")])
    async def newsbot_subscriptions(ack: Any, respond: Any, command: dict, context: Any) -> None:
        async def work() -> Message:
            deps = deps_of(context)
            current = await deps.subscriptions.get(PLATFORM, command["channel_id"])
            return text_message(
                describe(current, deps.topics).replace("/subscribe", "/newsbot subscribe")
            )

        await handle(ack, respond, command, context, work, public=False)
