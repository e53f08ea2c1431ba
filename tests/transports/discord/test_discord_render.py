"""Digest and alert rendering within Discord's limits (and sent through the fake)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
)
from bot.transports.discord.render import alert_embeds, digest_messages, fit
from tests.fakes.discord_fake import DiscordFake
from tests.transports.discord.limits import check_message

UNTIL = datetime(2025, 2, 13, 23, 0, tzinfo=UTC)
CHIPS = [
    TopicChip("ceasefire_talks", "Ceasefire talks / 停戦交渉", 0x2E86DE),
    TopicChip("nato", "NATO", 0x1B4F72),
    TopicChip("territory", "Territory / 領土", 0xB03A2E),
    TopicChip("prisoner_release", "Prisoner release / 捕虜・拘束者の解放", 0x239B56),
]
SENTENCE = "ウクライナ和平を巡り、米ロの高官が協議し、停戦の条件について意見を交わした。"


def digest(n_articles: int, lead: str = SENTENCE * 3, title_len: int = 60) -> DigestView:
    sections = [DigestSection(chip) for chip in CHIPS]
    for i in range(n_articles):
        item = DigestItem(
            article_id=i + 1,
            title=(f"{i}: " + "停戦交渉の行方" * 40)[:title_len],
            source="Nikkei Online",
            published=UNTIL - timedelta(minutes=i * 20),
            lead=lead,
        )
        sections[i % len(sections)].items.append(item)
    return DigestView(
        platform="discord",
        channel_id="1",
        date="2025-02-13",
        timezone="Asia/Tokyo",
        since=UNTIL - timedelta(days=1),
        until=UNTIL,
        sections=sections,
        people=[
            KeyPerson(f"p{i}", "ペスコフ", "Dmitry Peskov", "大統領報道官", 9) for i in range(30)
        ],
        quotes=[NotableQuote("Dmitry Peskov", SENTENCE * 8, 1, "見出し") for _ in range(10)],
        total=n_articles,
    )


def dicts(messages):
    return [[e.to_dict() for e in m] for m in messages]


def test_sixty_article_digest_fits_in_messages_and_keeps_every_article() -> None:
    view = digest(60)
    messages = dicts(digest_messages(view))
    assert len(messages) > 1  # 60 articles with leads do not fit one message
    for m in messages:
        check_message(m)
    text = "\n".join(e.get("description", "") for m in messages for e in m)
    for i in range(60):
        assert f"**{i}: " in text, i
    sections = [e for m in messages for e in m][1:]
    assert {e.get("color") for e in sections} == {c.colour for c in CHIPS}
    assert messages[0][0]["title"] == "Digest — 2025-02-13"
    assert "<t:" in messages[0][0]["description"]


def test_empty_digest_is_one_message_saying_so() -> None:
    view = digest(0)
    view.people, view.quotes = [], []
    messages = dicts(digest_messages(view))
    assert len(messages) == 1
    check_message(messages[0])
    assert "No new articles" in messages[0][0]["description"]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(0, 120),
    lead=st.text(min_size=0, max_size=3000),
    title_len=st.integers(1, 1000),
)
def test_any_digest_stays_within_limits(n: int, lead: str, title_len: int) -> None:
    for m in dicts(digest_messages(digest(n, lead, title_len))):
        check_message(m)


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(min_size=1, max_size=2000),
    lead=st.text(max_size=10000),
    source=st.text(max_size=500),
    actors=st.integers(0, 30),
    role=st.text(max_size=600),
)
def test_any_alert_stays_within_limits(
    title: str, lead: str, source: str, actors: int, role: str
) -> None:
    view = AlertView(
        article_id=7,
        title=title,
        lead=lead,
        topics=CHIPS,
        actors=[ActorChip("ペスコフ", "Dmitry Peskov", role or None) for _ in range(actors)],
        source=source,
        published=UNTIL,
    )
    (embed,) = [e.to_dict() for e in alert_embeds(view)]
    check_message([embed])


def test_long_lead_is_cut_at_a_sentence_end() -> None:
    view = AlertView(article_id=1, title="見出し", lead=SENTENCE * 100, topics=CHIPS[:1])
    (embed,) = alert_embeds(view)
    assert embed.description is not None
    assert embed.description.endswith("。")
    assert len(embed.description) < len(SENTENCE * 100)


async def test_digest_is_sent_as_several_messages_with_their_own_nonces(
    fake: DiscordFake, bot
) -> None:
    channel = fake.channel_ids[0]
    ids = await bot.transport.send_digest(channel, digest(60), "nb42")
    posts = fake.posts_to(channel)
    assert len(ids) == len(posts) == len(digest_messages(digest(60))) > 1
    assert [p.body["nonce"] for p in posts] == [f"nb42-{i}" for i in range(len(posts))]
    for p in posts:
        assert p.body["allowed_mentions"] == {"parse": []}
        check_message(p.body["embeds"])
    # a resend after a crash (same nonces) shows nothing twice
    again = await bot.transport.send_digest(channel, digest(60), "nb42")
    assert again == ids
    assert len(fake.messages_in(channel)) == len(ids)


def test_line_breaks_survive_cutting() -> None:
    view = AlertView(
        article_id=1, title="見出し", subtitle="副見出し", lead=SENTENCE * 100, topics=CHIPS[:1]
    )
    (embed,) = alert_embeds(view)
    assert embed.description is not None
    assert embed.description.startswith("*副見出し*\n\n" + SENTENCE)
    section = digest_messages(digest(1))[0][1]
    assert section.description is not None
    first_item = section.description.split("\n\n")[0]
    title_line, lead_line = first_item.split("\n")
    assert title_line.startswith("**0: ") and "Nikkei Online" in title_line
    assert lead_line.startswith(SENTENCE) and lead_line.endswith("。")


def test_fit_keeps_whole_lines_and_cuts_the_last_at_a_sentence() -> None:
    text = "\n".join([SENTENCE] * 3 + [SENTENCE * 5])
    cut = fit(text, len(SENTENCE) * 3 + 3 + len(SENTENCE) * 2 + 5)
    lines = cut.split("\n")
    assert lines[:3] == [SENTENCE] * 3
    assert lines[3] == SENTENCE * 2
    assert fit("短い。\n文。", 100) == "短い。\n文。"
    assert fit("😀" * 10, 10) == "😀" * 4 + "…"
