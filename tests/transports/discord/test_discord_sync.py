"""The real discord.py client logs in to the fake, connects to its gateway and syncs commands."""

from __future__ import annotations

from tests.fakes.discord_fake import MANAGE_CHANNELS, DiscordFake

STRING, BOOLEAN = 3, 5

# name -> {option: (type, required, autocomplete)}, default_member_permissions
EXPECTED = {
    "subscribe": (
        {
            "topics": (STRING, True, True),
            "mode": (STRING, False, False),
            "time": (STRING, False, False),
            "timezone": (STRING, False, True),
        },
        str(MANAGE_CHANNELS),
    ),
    "unsubscribe": ({"topics": (STRING, False, True)}, str(MANAGE_CHANNELS)),
    "subscriptions": ({}, None),
    "who": ({"name": (STRING, True, True)}, None),
    "search": ({"query": (STRING, True, False)}, None),
    "digest": ({}, None),
    "topics": ({}, None),
    "why": ({"article": (STRING, True, False)}, None),
}


async def test_login_gateway_and_command_sync(fake: DiscordFake, bot) -> None:
    paths = [(r.method, r.path) for r in fake.requests]
    assert ("GET", "/users/@me") in paths
    assert ("PUT", f"/applications/{fake.app_id}/commands") in paths
    assert fake.requests[0].headers.get("Authorization") == "Bot fake-token"
    assert fake.identify is not None and fake.identify["token"] == "fake-token"
    assert bot.bot.get_guild(int(fake.guild_id)) is not None
    assert fake.command_puts == 1

    synced = {c["name"]: c for c in fake.commands}
    assert set(synced) == set(EXPECTED)
    for name, (options, permissions) in EXPECTED.items():
        cmd = synced[name]
        assert cmd["default_member_permissions"] == permissions, name
        assert cmd["description"], name
        got = {
            o["name"]: (o["type"], o.get("required", False), o.get("autocomplete", False))
            for o in cmd.get("options", [])
        }
        assert got == options, name


async def test_subscribe_is_guild_only_and_mode_has_choices(fake: DiscordFake, bot) -> None:
    synced = {c["name"]: c for c in fake.commands}
    for name in ("subscribe", "unsubscribe"):
        assert synced[name]["contexts"] == [0], name  # guild only
    mode = next(o for o in synced["subscribe"]["options"] if o["name"] == "mode")
    assert {c["value"] for c in mode["choices"]} == {"alerts", "digest", "both"}
