"""What every ``/newsbot`` listener shares: routing, acking, replies and errors.

Slack wants an ``ack()`` within three seconds; :func:`handle` acks first and
then does the work, answering through the command's ``response_url``
(``respond``), or ``chat.postEphemeral`` when that fails. A
:class:`UserError` is shown only to the person who asked; any other failure
is logged and the person gets a plain-words apology, also ephemeral.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.services.errors import UserError

from ..blocks import Message, text_message

log = logging.getLogger(__name__)

COMMAND = "/newsbot"
PLATFORM = "slack"
SORRY = "Something went wrong on the bot's side; the error was logged. Try again later."

Work = Callable[[], Awaitable[Sequence[Message] | Message | None]]


def split(text: str | None) -> tuple[str, str]:
    """``"who  Dmitry Peskov"`` → ``("who", "Dmitry Peskov")``; the word is lower-cased."""
    parts = (text or "").strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0].lower(), (parts[1].strip() if len(parts) > 1 else "")


def sub(*names: str) -> Callable[..., Awaitable[bool]]:
    """A Bolt matcher: the command's first word is one of ``names``."""
    wanted = frozenset(names)

    async def matcher(command: dict[str, Any]) -> bool:
        return split(command.get("text"))[0] in wanted

    return matcher


def deps_of(context: Any) -> Any:
    """The :class:`~bot.transports.slack.app.SlackDeps` the app's middleware put in."""
    return context["newsbot"]


async def reply(
    respond: Any,
    command: dict[str, Any],
    context: Any,
    messages: Sequence[Message] | Message,
    *,
    public: bool,
) -> None:
    """Send answer messages through ``response_url``; ephemeral post when that fails."""
    items = [messages] if isinstance(messages, Message) else list(messages)
    kind = "in_channel" if public else "ephemeral"
    for message in items:
        try:
            response = await respond(
                text=message.text,
                blocks=message.blocks,
                response_type=kind,
                replace_original=False,
            )
            if getattr(response, "status_code", 200) < 400:
                continue
            log.warning("response_url answered HTTP %s", response.status_code)
        except (ValueError, OSError, TimeoutError, aiohttp.ClientError, SlackApiError) as err:
            log.warning("response_url failed (%s); trying chat.postEphemeral", err)
        transport = deps_of(context).transport
        if transport is not None:
            await transport.ephemeral(command.get("channel_id", ""), command["user_id"], message)


async def handle(
    ack: Any,
    respond: Any,
    command: dict[str, Any],
    context: Any,
    work: Work,
    *,
    public: bool = True,
) -> None:
    """Ack at once, run ``work``, send what it returns; errors go only to the asker."""
    await ack()
    try:
        result = await work()
    except UserError as err:
        await reply(respond, command, context, text_message(err.message), public=False)
        return
    except Exception:
        log.exception("/newsbot %s failed", split(command.get("text"))[0] or "(empty)")
        await reply(respond, command, context, text_message(SORRY), public=False)
        return
    if result is not None:
        await reply(respond, command, context, result, public=public)


async def is_slack_admin(client: Any, admins: frozenset[str], user_id: str) -> bool:
    """A configured admin id, or a workspace admin/owner per ``users.info`` (asked each time)."""
    if user_id in admins:
        return True
    try:
        response = await client.users_info(user=user_id)
    except (SlackApiError, OSError, TimeoutError, aiohttp.ClientError) as err:
        log.warning("users.info for %s failed: %s", user_id, err)
        return False
    user = response.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
