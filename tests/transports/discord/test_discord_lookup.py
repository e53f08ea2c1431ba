"""/topics, /search, /why and /digest answered through the real client and the fake."""

from __future__ import annotations

from datetime import timedelta

from tests.fakes.discord_fake import DiscordFake
from tests.transports.discord.limits import check_message
from tests.transports.discord.seed import store

EPHEMERAL = 64


def opt(name: str, value: str) -> dict:
    return {"name": name, "type": 3, "value": value}


async def test_topics_shows_each_topic_in_its_colour(fake: DiscordFake, bot, topics) -> None:
    inter = await fake.slash("topics")
    (answer,) = await fake.answered(inter)
    check_message(answer["embeds"])
    by_id = {e["footer"]["text"].removeprefix("id: "): e for e in answer["embeds"]}
    assert set(by_id) == {t.id for t in topics.topics}
    for t in topics.topics:
        assert by_id[t.id]["color"] == t.colour
        assert t.label_en in by_id[t.id]["title"]
        assert by_id[t.id]["description"] == t.definition
    assert answer["allowed_mentions"] == {"parse": []}


async def test_search_is_deferred_then_answers(fake: DiscordFake, bot, db) -> None:
    article_id = await store(db, "NATO首脳会議が開幕", "NATO首脳会議が開幕し、防衛費を協議した。")
    await store(db, "停戦協議が再開", "停戦協議が再開された。", topic="ceasefire_talks")
    inter = await fake.slash("search", [opt("query", "防衛費")])
    (answer,) = await fake.answered(inter)
    assert inter.deferred
    (embed,) = answer["embeds"]
    check_message([embed])
    assert "NATO首脳会議が開幕" in embed["description"]
    assert f"#{article_id}" in embed["description"]
    assert "停戦協議" not in embed["description"]
    assert embed["footer"]["text"] == "1 result"


async def test_search_error_after_defer_is_private(fake: DiscordFake, bot) -> None:
    inter = await fake.slash("search", [opt("query", "   ")])
    (answer,) = await fake.answered(inter)
    assert inter.deferred and inter.deleted_original
    assert int(answer["flags"]) & EPHEMERAL
    assert "search for" in answer["content"]


async def test_why_explains_tags_and_channel_match(fake: DiscordFake, bot, db, services) -> None:
    channel = fake.channel_ids[0]
    await services.subscriptions.subscribe("discord", channel, fake.guild_id, "nato", is_admin=True)
    article_id = await store(db, "NATO首脳会議が開幕", "NATO首脳会議が開幕し、防衛費を協議した。")
    inter = await fake.slash("why", [opt("article", str(article_id))], channel_id=channel)
    (answer,) = await fake.answered(inter)
    (embed,) = answer["embeds"]
    check_message([embed])
    assert embed["title"] == "NATO首脳会議が開幕"
    assert "This channel follows NATO" in embed["description"]
    (field,) = embed["fields"]
    assert field["name"].startswith("NATO (score 0.90)")
    assert "防衛費を協議した" in field["value"] and "Terms: NATO" in field["value"]
    assert embed["color"] == services.topics.get("nato").colour

    elsewhere = await fake.slash(
        "why", [opt("article", f"#{article_id}")], channel_id=fake.channel_ids[1]
    )
    (other,) = await fake.answered(elsewhere)
    assert "no subscription" in other["embeds"][0]["description"]


async def test_why_unknown_article_is_a_plain_private_error(fake: DiscordFake, bot) -> None:
    inter = await fake.slash("why", [opt("article", "999999")])
    (answer,) = await fake.answered(inter)
    assert int(answer["flags"]) & EPHEMERAL
    assert answer["content"] == "There is no article #999999."


async def test_digest_now_for_this_channel(fake: DiscordFake, bot, db, services, clock) -> None:
    channel = fake.channel_ids[0]
    await services.subscriptions.subscribe("discord", channel, fake.guild_id, "nato", is_admin=True)
    recent = clock.now - timedelta(hours=2)
    await store(
        db, "NATO首脳会議が開幕", "NATO首脳会議が開幕し、防衛費を協議した。", published=recent
    )
    await store(db, "停戦協議が再開", "停戦協議が再開された。", "ceasefire_talks", published=recent)
    inter = await fake.slash("digest", channel_id=channel)
    messages = await fake.answered(inter)
    assert inter.deferred
    embeds = [e for m in messages for e in m["embeds"]]
    for m in messages:
        check_message(m["embeds"])
    assert embeds[0]["title"].startswith("Digest — ")
    text = "\n".join(e.get("description", "") for e in embeds)
    assert "NATO首脳会議が開幕" in text
    assert "停戦協議が再開" not in text  # not this channel's topic
    assert any(e.get("color") == services.topics.get("nato").colour for e in embeds[1:])
