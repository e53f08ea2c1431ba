"""/newsbot search | why | topics | digest through signed HTTP requests and Block Kit replies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage.db import Database
from tests.transports.slack.slack_support import ADMIN, SlackClient, store_article


def dumped(reply: dict) -> str:
    return json.dumps(reply.get("blocks", []), ensure_ascii=False)


async def test_search_answers_in_channel(client: SlackClient, db: Database) -> None:
    first = await store_article(db, "停戦協議、サウジで開催へ", "米ロは停戦協議をサウジで開く。")
    await store_article(db, "NATO首脳会議が開幕", "加盟国の国防費が議題となる。", topic="nato")
    reply = await client.command("search 停戦協議")
    assert reply["response_type"] == "in_channel"
    text = dumped(reply)
    assert "停戦協議、サウジで開催へ" in text and f"*#{first}*" in text
    assert "NATO首脳会議" not in text


async def test_search_without_results_and_without_query(client: SlackClient) -> None:
    reply = await client.command("search 存在しない語句")
    assert "No articles match" in dumped(reply)
    reply = await client.command("search")
    assert reply["response_type"] == "ephemeral"
    assert "Type something to search for" in dumped(reply)


async def test_why_explains_tags_and_delivery(client: SlackClient, db: Database) -> None:
    await client.command("subscribe ceasefire_talks", user=ADMIN)
    article_id = await store_article(db, "停戦案を提示 <!channel>", "米特使は停戦案を示した。")
    reply = await client.command(f"why #{article_id}")
    assert reply["response_type"] == "in_channel"
    text = dumped(reply)
    assert "Ceasefire talks / 停戦交渉" in text
    assert "米特使は停戦案を示した。" in text  # the evidence sentence
    assert "follows ceasefire_talks: pending" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text


@pytest.mark.parametrize(
    ("ref", "expect"), [("#999", "There is no article #999"), ("", "Give an article number")]
)
async def test_why_errors_are_ephemeral(client: SlackClient, ref: str, expect: str) -> None:
    reply = await client.command(f"why {ref}")
    assert reply["response_type"] == "ephemeral"
    assert expect in dumped(reply)


async def test_topics_lists_definitions(client: SlackClient) -> None:
    reply = await client.command("topics")
    assert reply["response_type"] == "ephemeral"
    text = dumped(reply)
    for label in ("Ceasefire talks / 停戦交渉", "NATO", "Territory / 領土", "`prisoner_release`"):
        assert label in text
    assert "NATO as an institution" in text


async def test_digest_now_for_this_channel(client: SlackClient, db: Database) -> None:
    await client.command("subscribe territory", user=ADMIN)
    recent = datetime.now(UTC) - timedelta(hours=2)
    title, lead = "ロシア、占領地の併合を主張", "ロシアは4州の併合を主張した。"
    await store_article(db, title, lead, "territory", recent)
    await store_article(db, "NATO国防相会合", "国防費の目標を議論した。", "nato", recent)
    reply = await client.command("digest")
    assert reply["response_type"] == "in_channel"
    blocks = reply["blocks"]
    assert blocks[0]["type"] == "header" and "newsbot digest" in blocks[0]["text"]["text"]
    text = dumped(reply)
    assert "ロシア、占領地の併合を主張" in text and "Territory / 領土" in text
    assert "NATO国防相会合" not in text  # not one of this channel's topics
