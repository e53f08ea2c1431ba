"""From an article file in the inbox to one Slack alert: real parser, NLP, storage and Bolt.

The channel is subscribed through a signed ``/newsbot subscribe`` request, the
file goes through the real IngestJob (fugashi, config/topics.toml), and the
DeliveryWorker posts through SlackTransport to the Slack fake.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp

from bot.ingest.job import IngestJob
from bot.nlp.pipeline import Pipeline
from bot.services.delivery import DeliveryWorker
from bot.settings import Settings, load_settings
from bot.storage import outbox
from bot.storage.db import Database
from bot.transports.slack import SlackHandle, start_slack
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import ADMIN, CHANNEL, Services, SlackClient

REPO = Path(__file__).resolve().parents[3]
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"


def first_article_with_pings() -> str:
    """The seed's first article, with chat pings planted in its lead paragraph."""
    text = SEED.read_text(encoding="utf-8")
    first = text[: text.index("<<Return to pageTop") + len("<<Return to pageTop")]
    marker = "【ワシントン=坂口幸裕】"
    assert marker in first
    return first.replace(marker, marker + "<!channel> <@U0BOSS> <!here> ", 1) + "\n"


def temp_settings(tmp_path: Path) -> Settings:
    settings = load_settings(
        REPO / "config",
        env={
            "NEWSBOT_INBOX": str(tmp_path / "inbox"),
            "NEWSBOT_ARCHIVE": str(tmp_path / "archive"),
            "NEWSBOT_QUARANTINE": str(tmp_path / "quarantine"),
            "NEWSBOT_SEEDS": "",
            "NEWSBOT_SETTLE_SECONDS": "0",
        },
    )
    settings.inbox.mkdir(parents=True)
    return settings


async def test_file_to_one_alert_without_pings(
    fake: SlackFake, db: Database, secrets: Any, tmp_path: Path
) -> None:
    settings = temp_settings(tmp_path)
    pipeline = Pipeline.from_config(settings.config_dir)
    slack = await start_slack(Services(db, pipeline.topics), secrets, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as session:
            client = SlackClient(f"http://127.0.0.1:{slack.port}/slack/events", fake, session)
            reply = await client.command("subscribe ceasefire_talks alerts", user=ADMIN)
        assert reply["response_type"] == "in_channel", reply
        await ingest_and_deliver(slack, fake, db, settings, pipeline)
    finally:
        await slack.close()


async def ingest_and_deliver(
    slack: SlackHandle, fake: SlackFake, db: Database, settings: Settings, pipeline: Pipeline
) -> None:
    worker = DeliveryWorker(db, {"slack": slack.transport}, pipeline.topics)
    job = IngestJob(settings, db, pipeline, on_alerts=worker.wake)
    (settings.inbox / "trump-putin.txt").write_text(first_article_with_pings(), encoding="utf-8")
    summary = await job.scan_once()
    assert [r.outcome for r in summary.files] == ["ingested"]

    assert (await worker.run_once()).sent == 1
    # the same file again, and another sweep: nothing new
    (settings.inbox / "again.txt").write_text(first_article_with_pings(), encoding="utf-8")
    await job.scan_once()
    assert (await worker.run_once()).sent == 0

    posts = fake.posts()
    assert [p["channel"] for p in posts] == [CHANNEL]
    everything = posts[0]["text"] + json.dumps(posts[0]["blocks"], ensure_ascii=False)
    assert "トランプ氏、戦争終結へ交渉開始" in everything
    assert "Ceasefire talks / 停戦交渉" in everything
    assert "&lt;!channel&gt;" in everything and "&lt;@U0BOSS&gt;" in everything
    for ping in ("<!channel>", "<!here>", "<@U0BOSS>"):
        assert ping not in everything
    rows = await outbox.list_rows(db, kind="alert")
    assert [(r.channel_id, r.status) for r in rows] == [(CHANNEL, "sent")]


def blocks_text(reply: dict) -> str:
    return json.dumps(reply.get("blocks", []), ensure_ascii=False)


async def test_who_over_the_ingested_seed(
    fake: SlackFake, db: Database, secrets: Any, tmp_path: Path
) -> None:
    settings = temp_settings(tmp_path)
    pipeline = Pipeline.from_config(settings.config_dir)
    summary = await IngestJob(settings, db, pipeline).ingest_paths([SEED])
    assert [r.outcome for r in summary.files] == ["ingested"]
    slack = await start_slack(Services(db, pipeline.topics), secrets, host="127.0.0.1", port=0)
    try:
        async with aiohttp.ClientSession() as session:
            client = SlackClient(f"http://127.0.0.1:{slack.port}/slack/events", fake, session)
            found = await client.command("who Peskov")
            near = await client.command("who peskow")
            unknown = await client.command("who Smith")
    finally:
        await slack.close()

    assert found["response_type"] == "in_channel"
    header = found["blocks"][0]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Dmitry Peskov (ペスコフ)"},
    }
    text = blocks_text(found)
    assert "*Role:* ロシア大統領報道官" in text
    assert "「プーチン氏は紛争の原因を取り除く必要性に言及し" in text  # his quote, intact
    assert "トランプ氏、戦争終結へ交渉開始" in text  # the article it is from
    assert "Ceasefire talks / 停戦交渉" in text  # topic labels, not ids
    assert "<!date^" in text
    assert blocks_text(near).startswith(
        '[{"type": "header", "text": {"type": "plain_text", "text": "Dmitry Peskov (ペスコフ)"'
    )
    assert "No one called *Smith* is known." in blocks_text(unknown)
