"""/who (with autocomplete in English and Japanese), /search, /why, /topics.

Database lookups are deferred first ("thinking…"), so a slow query cannot miss
Discord's three-second window; the answer then replaces the thinking message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import queries
from bot.services import who as who_service

from ..render_lookup import search_embeds, topics_embeds, who_embeds, why_embeds
from . import NO_MENTIONS, channel_key

if TYPE_CHECKING:
    from ..client import NewsBot

PLATFORM = "discord"
SEARCH_LIMIT = 10


async def send_embeds(
    interaction: discord.Interaction, messages: Sequence[Sequence[discord.Embed]]
) -> None:
    """The first message answers (or replaces "thinking…"); the rest are follow-ups."""
    first, *rest = messages
    if interaction.response.is_done():
        await interaction.edit_original_response(embeds=list(first), allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(embeds=list(first), allowed_mentions=NO_MENTIONS)
    for embeds in rest:
        await interaction.followup.send(embeds=list(embeds), allowed_mentions=NO_MENTIONS)


class LookupCog(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.topics = bot.services.topics

    @app_commands.command(name="who", description="Who is this person: role, quotes, articles")
    @app_commands.describe(name="A name in English or Japanese, e.g. Peskov or ペスコフ")
    async def who(self, interaction: discord.Interaction, name: str) -> None:
        await interaction.response.defer(thinking=True)
        result = await who_service.who(self.db, name)
        await send_embeds(interaction, [who_embeds(result, self.topics)])

    @who.autocomplete("name")
    async def _who_ac(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if not current.strip():
            return []
        found = await who_service.autocomplete(self.db, current)
        return [
            app_commands.Choice(name=label[:100], value=actor_id[:100])
            for actor_id, label in found[:25]
        ]

    @app_commands.command(name="search", description="Search the stored articles")
    @app_commands.describe(query="Words to find, in Japanese or English")
    async def search(self, interaction: discord.Interaction, query: str) -> None:
        await interaction.response.defer(thinking=True)
        hits = await queries.search(self.db, query, limit=SEARCH_LIMIT)
        await send_embeds(interaction, [search_embeds(query, hits)])

    @app_commands.command(name="why", description="Why an article was tagged and sent here")
    @app_commands.describe(article="The article number shown in the alert, or part of its headline")
    async def why(self, interaction: discord.Interaction, article: str) -> None:
        channel_id, _ = channel_key(interaction)
        await interaction.response.defer(thinking=True)
        view = await queries.why(self.db, self.topics, article, PLATFORM, channel_id)
        await send_embeds(interaction, [why_embeds(view)])

    @app_commands.command(name="topics", description="The topics and what each one covers")
    async def topics_command(self, interaction: discord.Interaction) -> None:
        await send_embeds(interaction, topics_embeds(list(self.topics.topics)))
