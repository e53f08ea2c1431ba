"""/digest: the digest for this channel's topics, now (not recorded as the daily one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ..render import digest_messages
from . import channel_key
from .lookup import send_embeds
from .subscriptions import topic_choices

if TYPE_CHECKING:
    from ..client import NewsBot

PLATFORM = "discord"


class DigestCog(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.services = bot.services

    @app_commands.command(name="digest", description="The digest for this channel's topics, now")
    @app_commands.describe(topic="Only this topic (default: the channel's topics, or all)")
    async def digest(self, interaction: discord.Interaction, topic: str | None = None) -> None:
        from bot.services import digest as digest_service

        channel_id, _ = channel_key(interaction)
        await interaction.response.defer(thinking=True)
        view = await digest_service.digest_now(
            self.services.db, self.services.topics, PLATFORM, channel_id, topic=topic
        )
        await send_embeds(interaction, digest_messages(view))

    @digest.autocomplete("topic")
    async def _topic_ac(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [c for c in topic_choices(self.services.topics, current) if c.value != "all"]
