"""/subscribe, /unsubscribe, /subscriptions.

Changing subscriptions needs Manage Channels: ``default_member_permissions`` hides the
commands from others, and the handler checks again (a server can override the default,
and the service refuses when ``is_admin`` is False).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from bot.services.subscriptions import describe

from . import NO_MENTIONS, can_manage, channel_key

if TYPE_CHECKING:
    from ..client import NewsBot

PLATFORM = "discord"
MODE_CHOICES = [
    app_commands.Choice(name="alerts and daily digest", value="both"),
    app_commands.Choice(name="alerts only", value="alerts"),
    app_commands.Choice(name="daily digest only", value="digest"),
]
_ZONES = sorted(available_timezones())


def topic_choices(topics: object, typed: str) -> list[app_commands.Choice[str]]:
    """Topics whose id or labels contain what was typed (after the last comma), plus 'all'."""
    head, _, last = typed.rpartition(",")
    prefix = f"{head}," if head else ""
    needle = last.strip().lower()
    out: list[app_commands.Choice[str]] = []
    for t in list(getattr(topics, "topics", [])) + [None]:
        tid, label = ("all", "All topics") if t is None else (t.id, f"{t.label_en} / {t.label_ja}")
        if needle in tid.lower() or needle in label.lower():
            value = f"{prefix} {tid}".strip() if prefix else tid
            out.append(app_commands.Choice(name=f"{label} ({tid})"[:100], value=value[:100]))
    return out[:25]


class SubscriptionsCog(commands.Cog):
    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot
        self.service = bot.subscriptions

    @app_commands.command(name="subscribe", description="Send this channel news on some topics")
    @app_commands.describe(
        topics="Topic ids separated by commas, or 'all'",
        mode="Alerts, the daily digest, or both (default both)",
        time="Daily digest time, 24-hour HH:MM (default 08:00)",
        timezone="Time zone of the digest time, e.g. Asia/Tokyo",
    )
    @app_commands.choices(mode=MODE_CHOICES)
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    async def subscribe(
        self,
        interaction: discord.Interaction,
        topics: str,
        mode: app_commands.Choice[str] | None = None,
        time: str | None = None,
        timezone: str | None = None,
    ) -> None:
        channel_id, guild_id = channel_key(interaction)
        sub = await self.service.subscribe(
            PLATFORM,
            channel_id,
            guild_id,
            topics,
            mode.value if mode else None,
            time,
            timezone,
            is_admin=can_manage(interaction),
            created_by=str(interaction.user.id),
        )
        text = "Subscribed. " + describe(sub, self.service.catalog)
        await interaction.response.send_message(text, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="unsubscribe", description="Stop some topics, or everything")
    @app_commands.describe(topics="Topic ids separated by commas; leave empty for everything")
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.guild_only()
    async def unsubscribe(
        self, interaction: discord.Interaction, topics: str | None = None
    ) -> None:
        channel_id, _ = channel_key(interaction)
        left = await self.service.unsubscribe(
            PLATFORM, channel_id, topics, is_admin=can_manage(interaction)
        )
        if left is None:
            text = "Unsubscribed: this channel gets nothing from the bot now."
        else:
            text = "Unsubscribed. " + describe(left, self.service.catalog)
        await interaction.response.send_message(text, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="subscriptions", description="What this channel gets")
    async def subscriptions(self, interaction: discord.Interaction) -> None:
        channel_id, _ = channel_key(interaction)
        sub = await self.service.get(PLATFORM, channel_id)
        await interaction.response.send_message(
            describe(sub, self.service.catalog), allowed_mentions=NO_MENTIONS
        )

    @subscribe.autocomplete("topics")
    @unsubscribe.autocomplete("topics")
    async def _topics_ac(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return topic_choices(self.service.catalog, current)

    @subscribe.autocomplete("timezone")
    async def _zone_ac(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.strip().lower()
        hits = [z for z in _ZONES if needle in z.lower()] if needle else ["Asia/Tokyo", "UTC"]
        return [app_commands.Choice(name=z, value=z) for z in hits[:25]]
