"""Build the discord.py ``commands.Bot``, point it at the configured hosts, start and stop it.

Base URLs are global class state in discord.py (``Route.BASE`` for REST, interaction
callbacks and webhooks; ``DiscordWebSocket.DEFAULT_GATEWAY`` for the gateway), so
:func:`apply_endpoints` sets both right before the client logs in. Commands are synced
globally from ``setup_hook`` (which ``login`` runs), so a bad token or an unreachable
API fails :func:`start_discord` itself instead of a background task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands
from discord.ext import commands

from bot.services.errors import UserError
from bot.services.subscriptions import SubscriptionService

from .cogs.digest import DigestCog
from .cogs.lookup import LookupCog
from .cogs.subscriptions import SubscriptionsCog
from .sender import DiscordTransport

log = logging.getLogger(__name__)


class NewsBot(commands.Bot):
    """The bot: thin cogs over the services, commands synced on start.

    ``services`` is :class:`bot.services.runtime.Services` (or anything with its ``db``,
    ``topics``, ``settings``, ``subscriptions`` and ``clock``).
    """

    def __init__(self, services: Any, *, sync_commands: bool = True, **options: Any) -> None:
        options.setdefault("guild_ready_timeout", 2.0)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            **options,
        )
        self.services = services
        self.subscriptions: SubscriptionService = services.subscriptions
        self.sync_commands = sync_commands
        self.tree.on_error = self._on_app_command_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        await self.add_cog(SubscriptionsCog(self))
        await self.add_cog(LookupCog(self))
        await self.add_cog(DigestCog(self))
        if self.sync_commands:
            synced = await self.tree.sync()
            log.info("synced %d application commands", len(synced))

    async def _on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Every failure becomes a plain-words ephemeral message to the user who asked."""
        original = getattr(error, "original", error)
        if isinstance(original, UserError):
            text = original.message
        elif isinstance(error, app_commands.CheckFailure):
            text = str(error) or "You are not allowed to use this command here."
        elif isinstance(error, app_commands.TransformerError):
            text = f"The value {error.value!r} is not valid for this option."
        else:
            log.error(
                "command /%s failed",
                interaction.command.name if interaction.command else "?",
                exc_info=original,
            )
            text = "Something went wrong on the bot's side; the error was logged. Try again later."
        await send_error(interaction, text)


async def send_error(interaction: discord.Interaction, text: str) -> None:
    """Show ``text`` to the invoking user only, whatever state the interaction is in."""
    none = discord.AllowedMentions.none()
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=none)
            return
        # Deferred publicly: remove the "thinking…" message so the error stays private.
        with contextlib.suppress(discord.HTTPException):
            await interaction.delete_original_response()
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=none)
    except discord.HTTPException:
        log.warning("could not show an error to the user", exc_info=True)


def apply_endpoints(api_base: str, gateway_url: str) -> None:
    """Point discord.py's REST and gateway at the given hosts (global state)."""
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


@dataclass
class DiscordHandle:
    """A running bot: its transport for the delivery worker, and ``close()``."""

    bot: NewsBot
    transport: DiscordTransport
    task: asyncio.Task[None]

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Wait for the gateway READY (and guilds); raises if the connection task died."""
        ready = asyncio.ensure_future(self.bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self.task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if self.task in done:
                self.task.result()
                raise RuntimeError("the Discord connection ended before it was ready")
            raise TimeoutError("Discord did not become ready in time")

    async def close(self) -> None:
        await self.bot.close()
        if not self.task.done():
            self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task


async def start_discord(
    services: Any,
    token: str,
    api_base: str = "https://discord.com/api/v10",
    gateway_url: str = "wss://gateway.discord.gg/",
    **options: Any,
) -> DiscordHandle:
    """Log in (syncing the commands), then connect to the gateway in a background task.

    Raises ``discord.LoginFailure`` for a bad token and ``discord.HTTPException`` /
    ``OSError`` when the API cannot be reached; the caller turns those into one line.
    """
    apply_endpoints(api_base, gateway_url)
    bot = NewsBot(services, **options)
    try:
        await bot.login(token)
    except BaseException:
        await bot.close()
        raise
    task = asyncio.create_task(bot.connect(reconnect=True), name="discord-gateway")
    return DiscordHandle(bot=bot, transport=DiscordTransport(bot), task=task)
