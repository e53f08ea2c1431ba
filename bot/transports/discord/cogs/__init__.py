"""Slash-command cogs. Each handler reads the options, calls a service, renders the answer."""

from __future__ import annotations

import discord

NO_MENTIONS = discord.AllowedMentions.none()


def can_manage(interaction: discord.Interaction) -> bool:
    """Manage Channels (or Administrator) in this channel, as Discord resolved it."""
    perms = interaction.permissions
    return bool(perms.administrator or perms.manage_channels)


def channel_key(interaction: discord.Interaction) -> tuple[str, str | None]:
    """(channel id, guild id) as the strings the services store."""
    guild = str(interaction.guild_id) if interaction.guild_id else None
    return str(interaction.channel_id), guild
