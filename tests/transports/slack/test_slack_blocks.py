"""Block Kit rendering: escaping, limits, Slack date tokens, splitting of long digests."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.views import (
    ActorChip,
    AlertView,
    DigestItem,
    DigestSection,
    DigestView,
    KeyPerson,
    NotableQuote,
    TopicChip,
    WhyTopic,
    WhyView,
)
from bot.transports.slack.blocks import (
    HEADER_TEXT,
    MAX_BLOCKS,
    MESSAGE_CHARS,
    SECTION_TEXT,
    alert_message,
    block_chars,
    digest_messages,
    escape,
    fit,
    link,
    slack_date,
    text_message,
    who_message,
    why_message,
)

JST = ZoneInfo("Asia/Tokyo")
WHEN = datetime(2025, 2, 13, 3, 59, tzinfo=JST)
PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U1>", "<#C1>", "<!subteam^S1>")
# Text Slack could act on: any '<' that is not one of our own <!date^…> tokens or links.
RAW_ANGLE = re.compile(r"<(?!!date\^\d+\^)(?!https?://)")

nasty_text = st.text(
    alphabet=st.sampled_from(list("<>&!@#|*_~`。、「」停戦交渉ペスコフ abcU1\n")) | st.characters(),
    max_size=4000,
)


def all_text(blocks: list[dict]) -> list[str]:
    out = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out.extend(e.get("text", "") for e in block.get("elements", []))
    return out


def check_limits(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) > 0 or block["type"] in ("divider", "context")
        assert len(text) <= (HEADER_TEXT if block["type"] == "header" else SECTION_TEXT)
        assert len(block.get("elements", [])) <= 10
        if block["type"] == "context":
            assert block["elements"] and all(e["text"].strip() for e in block["elements"])
    assert sum(block_chars(b) for b in blocks) <= MESSAGE_CHARS


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123|bob> & co", "&lt;@U123|bob&gt; &amp; co"),
        ("&lt;", "&amp;lt;"),
        ("停戦交渉「合意」", "停戦交渉「合意」"),
        ("", ""),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


@given(nasty_text, st.integers(min_value=1, max_value=3000))
@settings(max_examples=200, deadline=None)
def test_fit_is_escaped_and_within_limit(text: str, limit: int) -> None:
    out = fit(text, limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out
    assert not re.search(r"&(?!amp;|lt;|gt;)", out)  # every & starts a whole entity


def test_fit_cuts_at_sentence_end() -> None:
    text = "ロシアは停戦に応じる構えだ。" * 30
    out = fit(text, 100)
    assert out.endswith("。") and len(out) <= 100


def test_slack_date_token() -> None:
    token = slack_date(WHEN)
    fmt = "{date_short_pretty} {time}"
    assert token == f"<!date^{int(WHEN.timestamp())}^{fmt}|2025-02-13 03:59 +0900>"
    assert slack_date(None) == ""
    with pytest.raises(ValueError):
        slack_date(datetime(2025, 1, 1))


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.nikkei.com/article/X", True),
        ("http://example.com/a?b=1&c=2", True),
        ("javascript:alert(1)", False),
        ("https://evil.example|<!channel>", False),
        (None, False),
    ],
)
def test_link_only_for_plain_http_urls(url: str | None, linked: bool) -> None:
    out = link(url, "見出し")
    assert out.startswith("<http") == linked
    assert "<!channel>" not in out


@given(title=nasty_text, lead=nasty_text, name=nasty_text, source=nasty_text)
@settings(max_examples=100, deadline=None)
def test_alert_never_pings_and_fits(title: str, lead: str, name: str, source: str) -> None:
    alert = AlertView(
        article_id=7,
        title=title or "x",
        lead=lead,
        topics=[TopicChip("nato", name or "NATO")] * 3,
        actors=[ActorChip(name or "ペスコフ", name, name)] * 5,
        source=source,
        published=WHEN,
        url="https://www.nikkei.com/x",
    )
    message = alert_message(alert)
    check_limits(message.blocks)
    for text in [message.text, *all_text(message.blocks)]:
        assert not RAW_ANGLE.search(text), text


def test_alert_content() -> None:
    alert = AlertView(
        article_id=42,
        title="トランプ氏、戦争終結へ交渉開始",
        subtitle="プーチン氏と合意",
        lead="トランプ米大統領は12日、プーチン大統領と電話協議した。",
        topics=[TopicChip("ceasefire_talks", "Ceasefire talks / 停戦交渉")],
        actors=[ActorChip("ペスコフ", "Dmitry Peskov", "ロシア大統領報道官")],
        source="Nikkei Online",
        published=WHEN,
        url="https://www.nikkei.com/article/DGX",
    )
    message = alert_message(alert)
    dumped = json.dumps(message.blocks, ensure_ascii=False)
    assert "*<https://www.nikkei.com/article/DGX|トランプ氏、戦争終結へ交渉開始>*" in dumped
    assert "プーチン氏と合意" in dumped
    assert "Dmitry Peskov (ペスコフ) — ロシア大統領報道官" in dumped
    assert "#42" in dumped and "<!date^" in dumped
    assert all(b["text"].get("verbatim") for b in message.blocks if b["type"] == "section")
    assert message.text == "トランプ氏、戦争終結へ交渉開始 (Nikkei Online)"


def make_digest(n_items: int, title_len: int, lead_len: int, more: int = 0) -> DigestView:
    topics = [TopicChip(f"t{i}", f"Topic {i} / 話題{i}") for i in range(4)]
    sections = []
    for t, topic in enumerate(topics):
        items = [
            DigestItem(
                article_id=100 * t + i,
                title=(f"見出し{t}-{i}<!channel>" + "長" * title_len)[:title_len],
                source="Nikkei Online",
                published=WHEN + timedelta(minutes=i),
                lead=("本文" * lead_len)[:lead_len],
            )
            for i in range(n_items)
        ]
        sections.append(DigestSection(topic, items, more))
    return DigestView(
        platform="slack",
        channel_id="C1",
        date="2025-02-14",
        timezone="Asia/Tokyo",
        since=WHEN - timedelta(days=1),
        until=WHEN,
        sections=sections,
        people=[KeyPerson("peskov", "ペスコフ", "Dmitry Peskov", "報道官", 12)] * 5,
        quotes=[NotableQuote("Dmitry Peskov", "交渉の用意がある<!here>", 1, "見出し")] * 3,
        total=4 * (n_items + more),
        truncated=4 * more,
    )


@pytest.mark.parametrize(
    ("n_items", "title_len", "lead_len", "more"),
    [(5, 100, 90, 10), (15, 100, 90, 0), (60, 300, 300, 0), (1, 10, 0, 0), (200, 40, 0, 3)],
)
def test_digest_messages_fit_and_keep_every_item(
    n_items: int, title_len: int, lead_len: int, more: int
) -> None:
    digest = make_digest(n_items, title_len, lead_len, more)
    messages = digest_messages(digest)
    for message in messages:
        check_limits(message.blocks)
        for text in all_text(message.blocks):
            assert not RAW_ANGLE.search(text)
    everything = json.dumps([m.blocks for m in messages], ensure_ascii=False)
    for section in digest.sections:
        for item in section.items:
            assert f"#{item.article_id}" in everything
    assert messages[0].blocks[0]["type"] == "header"
    if len(messages) > 1:
        assert all("continued" in m.text for m in messages[1:])


def test_digest_round_trip_through_outbox_json() -> None:
    digest = make_digest(5, 50, 50)
    again = DigestView.from_dict(json.loads(json.dumps(digest.to_dict())))
    assert digest_messages(again)[0].blocks == digest_messages(digest)[0].blocks


def test_empty_digest() -> None:
    digest = make_digest(0, 10, 10)
    digest.total = 0
    messages = digest_messages(digest)
    assert len(messages) == 1
    assert "No new articles" in messages[0].blocks[1]["text"]["text"]


def test_why_message() -> None:
    view = WhyView(
        article_id=3,
        title="停戦案 <!channel>",
        source="Nikkei Online",
        published=WHEN,
        topics=[
            WhyTopic(
                TopicChip("ceasefire_talks", "Ceasefire talks"),
                0.91,
                ["停戦交渉を始める。"],
                ["停戦"],
                subscribed=True,
            )
        ],
        channel_topics=["ceasefire_talks"],
        alerts_on=True,
        alert_status="sent",
    )
    message = why_message(view)
    check_limits(message.blocks)
    text = " ".join(all_text(message.blocks))
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "score 0.91" in text and "> 停戦交渉を始める。" in text
    assert "follows ceasefire_talks: sent" in text


WHO_FOUND = {
    "query": "Peskov",
    "status": "found",
    "actor": {
        "id": "peskov",
        "name_ja": "ペスコフ",
        "name_en": "Dmitry Peskov",
        "roles": ["ロシア大統領報道官"],
        "article_count": 3,
        "last_seen": "2025-02-13T03:59:00+09:00",
        "topics": {"ceasefire_talks": 3, "nato": 1},
        "quotes": [
            {
                "text": "プーチン氏は紛争の原因を取り除く必要性に言及した<@U1>",
                "article_title": "トランプ氏、戦争終結へ交渉開始",
                "published": "2025-02-13T03:59:00+09:00",
            }
        ],
        "co_actors": [{"id": "putin", "name_ja": "プーチン", "name_en": "Vladimir Putin"}],
    },
    "candidates": [],
}


@pytest.mark.parametrize(
    "roles",
    [["ロシア大統領報道官"], [{"role": "ロシア大統領報道官", "seen": "2025-02-12T18:59:00+00:00"}]],
)
def test_who_found(roles: list) -> None:
    message = who_message({**WHO_FOUND, "actor": {**WHO_FOUND["actor"], "roles": roles}})
    check_limits(message.blocks)
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Dmitry Peskov (ペスコフ)"},
    }
    text = " ".join(all_text(message.blocks))
    assert "*Role:* ロシア大統領報道官" in text
    if isinstance(roles[0], dict):
        assert "(as of <!date^1739386740^{date_short}|2025-02-12 18:59 +0000>)" in text
    assert "「プーチン氏は紛争の原因を取り除く必要性に言及した&lt;@U1&gt;」" in text
    assert "Vladimir Putin (プーチン)" in text
    assert "3 articles" in text


@pytest.mark.parametrize(
    ("status", "expect"),
    [("ambiguous", "could mean several people"), ("unknown", "No one called")],
)
def test_who_not_found(status: str, expect: str) -> None:
    result = {
        "query": "<!channel>",
        "status": status,
        "actor": None,
        "candidates": [{"name_ja": "ペスコフ", "name_en": "Dmitry Peskov", "role": "報道官"}],
    }
    message = who_message(result)
    text = " ".join(all_text(message.blocks))
    assert expect in text and "Dmitry Peskov (ペスコフ) — 報道官" in text
    assert "<!channel>" not in text


def test_text_message_escapes() -> None:
    message = text_message("Unknown topic '<!here>'")
    assert message.blocks[0]["text"]["text"] == "Unknown topic '&lt;!here&gt;'"
    assert all(p not in message.text for p in PINGS)


def test_utc_and_other_zones_in_date_fallback() -> None:
    token = slack_date(datetime(2025, 2, 12, 18, 59, tzinfo=UTC))
    assert token.endswith("|2025-02-12 18:59 +0000>")
