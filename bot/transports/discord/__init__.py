"""The Discord transport: a discord.py bot with slash commands, and the alert/digest sender.

Only this package imports discord; the services never do.
"""

from .client import DiscordHandle, NewsBot, apply_endpoints, start_discord
from .sender import DiscordTransport

__all__ = ["DiscordHandle", "DiscordTransport", "NewsBot", "apply_endpoints", "start_discord"]
