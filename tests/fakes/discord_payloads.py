"""JSON payloads of the Discord API objects the fake serves (users, members, channels,
guilds, messages), with the fields discord.py 2.7 reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def member(user_id: int | str, permissions: int) -> dict[str, Any]:
    return {
        "user": user(user_id),
        "roles": [],
        "flags": 0,
        "permissions": str(permissions),
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "nick": None,
        "avatar": None,
        "premium_since": None,
        "pending": False,
    }


def user(user_id: int | str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": "newsbot" if bot else f"user{user_id}",
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
    }


def channel(guild_id: str, channel_id: int | str) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": guild_id,
        "name": f"news-{channel_id}",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
    }


def guild(guild_id: str, channel_ids: list[str]) -> dict[str, Any]:
    return {
        "id": guild_id,
        "name": "Newsroom",
        "icon": None,
        "owner_id": "800000000000000999",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "system_channel_flags": 0,
        "features": [],
        "roles": [
            {
                "id": guild_id,
                "name": "@everyone",
                "permissions": "0",
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "channels": [channel(guild_id, c) for c in channel_ids],
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "member_count": 2,
        "large": False,
        "unavailable": False,
        "joined_at": "2025-01-01T00:00:00+00:00",
        "preferred_locale": "en-US",
    }


def message(
    app_id: str, message_id: str, channel_id: str, body: dict[str, Any], *, webhook: bool = False
) -> dict[str, Any]:
    msg = {
        "id": message_id,
        "type": 20 if webhook else 0,
        "content": body.get("content") or "",
        "channel_id": channel_id,
        "author": user(app_id, bot=True),
        "embeds": body.get("embeds") or [],
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": bool(body.get("tts")),
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "flags": int(body.get("flags") or 0),
        "components": body.get("components") or [],
        "allowed_mentions": body.get("allowed_mentions"),
    }
    if body.get("nonce") is not None:
        msg["nonce"] = body["nonce"]
    if webhook:
        msg["webhook_id"] = app_id
        msg["application_id"] = app_id
    return msg
