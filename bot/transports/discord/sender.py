"""DiscordTransport: the delivery worker's way to post alerts and digests to Discord.

Every message goes out with ``allowed_mentions`` none and the outbox row's nonce;
discord.py 2.7 sends ``enforce_nonce: true`` with every nonce, so Discord returns the
message already created for that nonce instead of posting it again (a resend after a
crash between posting and recording shows once). 429s are absorbed by discord.py's own
rate limiter; what is left is mapped once to :class:`DeliveryError` kinds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp
import discord

from bot.services.transport import DeliveryError, kind_for_status
from bot.services.views import AlertView, DigestView

from .render import alert_embeds, digest_messages

log = logging.getLogger(__name__)

NONCE_MAX = 25  # Discord rejects longer nonces
NOTIFY_TRIES = 5


class DiscordTransport:
    """Posts through a logged-in discord.py client (REST only; the gateway is not needed)."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send_alert(self, channel_id: str, alert: AlertView, nonce: str) -> str:
        message = await self._post(channel_id, alert_embeds(alert), nonce)
        return str(message.id)

    async def send_digest(self, channel_id: str, digest: DigestView, nonce: str) -> list[str]:
        """Each part has its own nonce (``<nonce>-<n>``), so a retry after a partial send
        re-posts only the parts that are missing."""
        ids = []
        for n, embeds in enumerate(digest_messages(digest)):
            message = await self._post(channel_id, embeds, f"{nonce}-{n}")
            ids.append(str(message.id))
        return ids

    async def notify(self, channel_id: str, guild_id: str | None, text: str) -> bool:
        """Say ``text`` in the guild's system channel or another channel the bot can post in."""
        guild = self.client.get_guild(int(guild_id)) if guild_id and guild_id.isdigit() else None
        if guild is None:
            return False
        candidates: list[discord.abc.Messageable] = []
        if guild.system_channel is not None:
            candidates.append(guild.system_channel)
        for channel in guild.text_channels:
            if channel not in candidates and str(channel.id) != str(channel_id):
                candidates.append(channel)
        for channel in candidates[:NOTIFY_TRIES]:
            if str(getattr(channel, "id", "")) == str(channel_id):
                continue
            try:
                await channel.send(text[:2000], allowed_mentions=discord.AllowedMentions.none())
            except (discord.HTTPException, OSError, aiohttp.ClientError, TimeoutError):
                continue
            return True
        return False

    async def _post(
        self, channel_id: str, embeds: Sequence[discord.Embed], nonce: str
    ) -> discord.Message:
        if not channel_id.isdigit():
            raise DeliveryError("fatal", None, f"not a Discord channel id: {channel_id!r}")
        if len(nonce) > NONCE_MAX:
            raise DeliveryError("fatal", None, f"nonce longer than {NONCE_MAX}: {nonce!r}")
        channel = self.client.get_partial_messageable(int(channel_id))
        try:
            return await channel.send(
                embeds=list(embeds),
                nonce=nonce,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.RateLimited as exc:
            raise DeliveryError("retry", 429, f"rate limited for {exc.retry_after:.0f}s") from exc
        except discord.HTTPException as exc:
            raise DeliveryError(kind_for_status(exc.status), exc.status, exc.text) from exc
        except (TimeoutError, OSError, aiohttp.ClientError) as exc:
            raise DeliveryError("retry", None, f"network: {exc!r}") from exc
