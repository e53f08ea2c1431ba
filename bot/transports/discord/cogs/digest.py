"""/digest: this channel's digest now (its topics over the last day; not the daily one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services.digest import digest_now

from ..render import digest_messages
from . import channel_key
from .lookup import send_embeds

if TYPE_CHECKING:
    from ..client import NewsBot

PLATFORM = "discord"


class DigestCog(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.services = bot.services

    @app_commands.command(name="digest", description="The digest for this channel's topics, now")
    async def digest(self, interaction: discord.Interaction) -> None:
        channel_id, _ = channel_key(interaction)
        await interaction.response.defer(thinking=True)
        view = await digest_now(
            self.services.db,
            self.services.topics,
            PLATFORM,
            channel_id,
            self.services.clock(),
            default_timezone=self.services.settings.timezone,
        )
        await send_embeds(interaction, digest_messages(view))
