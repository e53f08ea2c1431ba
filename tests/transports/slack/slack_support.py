"""Helpers for the Slack tests: a topic catalog, signing, and a client playing Slack's side.

Requests reach the app the way Slack sends them: form-encoded slash-command
payloads signed with ``X-Slack-Signature`` (v0, HMAC-SHA256 over
``v0:{timestamp}:{body}``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiohttp

from bot.models import ActorRef, Analysis, Article, Paragraph, QuoteRef, TopicTag
from bot.nlp.pipeline import Analyzed
from bot.nlp.tokenizer import get_tokenizer
from bot.storage.articles import store_analyzed
from bot.storage.db import Database
from tests.fakes.slack_fake import SlackFake

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ADMIN = "UADMIN"
LISTED_ADMIN = "ULISTED"
MEMBER = "UMEMBER"
CHANNEL = "CNEWS"
JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Topic:
    id: str
    label_en: str
    label_ja: str
    colour: str
    definition: str


@dataclass
class Catalog:
    topics: list[Topic] = field(
        default_factory=lambda: [
            Topic("ceasefire_talks", "Ceasefire talks", "停戦交渉", "#2E86DE", "ceasefire"),
            Topic("nato", "NATO", "NATO", "#1B4F72", "NATO as an institution"),
            Topic("territory", "Territory", "領土", "#B03A2E", "control of territory"),
            Topic("prisoner_release", "Prisoner release", "捕虜・拘束者の解放", "#239B56", "x"),
        ]
    )

    def get(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


@dataclass
class Services:
    db: Database
    topics: Any


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class SlackClient:
    """Plays Slack's side: sends signed slash commands to the app under test."""

    url: str
    fake: SlackFake
    session: aiohttp.ClientSession
    _keys: itertools.count = field(default_factory=lambda: itertools.count(1))

    def payload(self, text: str, user: str, channel: str = CHANNEL) -> tuple[str, str]:
        key = f"r{next(self._keys)}"
        form = {
            "token": "legacy-verification-token",
            "team_id": self.fake.team_id,
            "team_domain": "newsbot-test",
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": "/newsbot",
            "text": text,
            "api_app_id": "A0NEWSBOT",
            "response_url": self.fake.response_url(key),
            "trigger_id": "1.2.3",
        }
        return key, urlencode(form)

    async def post(
        self,
        body: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
    ) -> tuple[int, str]:
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature or sign(body, ts),
        }
        async with self.session.post(self.url, data=body, headers=headers) as resp:
            return resp.status, await resp.text()

    async def command(self, text: str, user: str = MEMBER, channel: str = CHANNEL) -> dict:
        """Send ``/newsbot text`` and return the first message posted to its response_url."""
        key, body = self.payload(text, user, channel)
        status, _ = await self.post(body)
        assert status == 200
        await self.fake.wait_for(lambda: bool(self.fake.responses.get(key)))
        return self.fake.responses[key][0]


async def store_article(
    db: Database,
    title: str,
    lead: str,
    topic: str = "ceasefire_talks",
    published: datetime | None = None,
    actors: list[ActorRef] | None = None,
    quotes: list[QuoteRef] | None = None,
) -> int:
    """Store an article the way the ingest does (real tokenizer and storage, alerts owed),
    with its topic and people given, so these tests do not depend on the tagger."""
    article = Article(
        title=title,
        paragraphs=(Paragraph(lead), Paragraph("ロシアとウクライナの停戦交渉が続いている。")),
        source="Nikkei Online",
        published=published or datetime(2025, 2, 13, 9, 30, tzinfo=JST),
    )
    doc = get_tokenizer().parse(article.nlp_text())
    analysis = Analysis(
        topics=[TopicTag(topic, 0.9, [lead], ["停戦"])],
        actors=actors
        if actors is not None
        else [ActorRef("peskov", "ペスコフ", "Dmitry Peskov", "ロシア大統領報道官")],
        quotes=quotes if quotes is not None else [QuoteRef("交渉の用意がある", "peskov", 1)],
    )
    async with db.transaction():
        result = await store_analyzed(db, article, Analyzed(analysis, doc), None)
    return result.article_id
