"""Read-side queries on stored articles: the alert view, /search and /why."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.models import ActorRef
from bot.services import queries
from bot.services.errors import UserError
from bot.services.subscriptions import SubscriptionService
from bot.storage import outbox
from bot.storage.db import Database
from tests.services.conftest import store_article

JST = ZoneInfo("Asia/Tokyo")
PUBLISHED = datetime(2025, 2, 13, 3, 59, tzinfo=JST)


async def _ceasefire(db: Database) -> int:
    return await store_article(
        db,
        "米ロ首脳、停戦交渉の開始で合意",
        PUBLISHED,
        {
            "ceasefire_talks": ["両首脳は停戦に向けた交渉を始めることで合意した。"],
            "territory": ["ロシアは占領地の維持を求めている。"],
        },
        body="トランプ米大統領は12日、プーチン大統領と電話で協議した。停戦交渉の開始で合意した。"
        "\n\n詳細は明らかにしていない。",
        actors=[
            ActorRef("trump", "トランプ", "Donald Trump", role="米大統領", mentions=3),
            ActorRef("putin", "プーチン", "Vladimir Putin", role="ロシア大統領", mentions=2),
            ActorRef("x-sato", "佐藤", None, role=None, mentions=1),
        ],
    )


async def test_alert_view(db: Database, catalog) -> None:
    aid = await _ceasefire(db)
    view = await queries.alert_view(db, catalog, aid)
    assert view is not None
    assert view.title == "米ロ首脳、停戦交渉の開始で合意" and view.source == "Nikkei Online"
    assert (
        view.lead
        == "トランプ米大統領は12日、プーチン大統領と電話で協議した。停戦交渉の開始で合意した。"
    )
    assert view.published == PUBLISHED and view.published.utcoffset() is not None
    assert [(t.id, t.label) for t in view.topics] == [
        ("ceasefire_talks", "Ceasefire talks / 停戦交渉"),
        ("territory", "Territory / 領土"),
    ]
    assert view.colour == catalog.get("ceasefire_talks").colour
    assert [a.display for a in view.actors] == [
        "Donald Trump (トランプ)",
        "Vladimir Putin (プーチン)",
        "佐藤",
    ]
    assert view.actors[0].role == "米大統領"
    assert await queries.alert_view(db, catalog, 999) is None


async def test_why_shows_evidence_and_this_channel(db: Database, catalog) -> None:
    aid = await _ceasefire(db)
    subs = SubscriptionService(db, catalog)
    await subs.subscribe("discord", "c1", None, "territory", is_admin=True)
    await outbox.enqueue_alerts(db, aid, ["territory"])
    view = await queries.why(db, catalog, str(aid), "discord", "c1")
    assert view.article_id == aid and view.matched == ["territory"]
    first = view.topics[0]
    assert first.topic.id == "ceasefire_talks" and not first.subscribed
    assert first.sentences == ["両首脳は停戦に向けた交渉を始めることで合意した。"]
    assert first.terms == ["語"]
    assert view.channel_topics == ["territory"] and view.alerts_on
    assert view.alert_status == "pending"
    elsewhere = await queries.why(db, catalog, f"#{aid}", "slack", "C9")
    assert elsewhere.matched == [] and elsewhere.alert_status is None
    assert elsewhere.channel_topics == []


@pytest.mark.parametrize(
    ("ref", "found", "error"),
    [
        ("1", "停戦", None),
        ("#2", "NATO", None),
        ("NATO首脳会議", "NATO", None),  # the exact headline wins over a longer one
        ("首脳会議で", "首脳会議で", None),
        ("首脳", None, "Several headlines contain '首脳': #"),
        ("42", None, "There is no article #42."),
        ("存在しない", None, "No article headline contains '存在しない'."),
        ("100%", None, "No article headline contains '100%'."),  # LIKE wildcards are literal
        ("   ", None, "Give an article number"),
    ],
)
async def test_resolve_article(db: Database, ref: str, found: str | None, error: str | None):
    await store_article(db, "米ロ首脳、停戦で合意", PUBLISHED, {})
    await store_article(db, "NATO首脳会議", PUBLISHED, {})
    await store_article(db, "NATO首脳会議で議論", PUBLISHED, {})
    await store_article(db, "10%の賃上げ", PUBLISHED, {})
    if error:
        with pytest.raises(UserError) as err:
            await queries.resolve_article(db, ref)
        assert error in err.value.message
    else:
        aid = await queries.resolve_article(db, ref)
        row = await db.fetchone("SELECT title FROM articles WHERE id = ?", (aid,))
        assert row is not None and found in row["title"]
        if ref == "NATO首脳会議":
            assert row["title"] == "NATO首脳会議"


async def test_search_delegates_to_the_index(db: Database) -> None:
    aid = await _ceasefire(db)
    await store_article(db, "NATO国防相会議", PUBLISHED, {}, body="国防費の増額を議論した。")
    hits = await queries.search(db, "停戦")
    assert [h.article_id for h in hits] == [aid]
    assert await queries.search(db, "存在しない語彙") == []
    with pytest.raises(UserError):
        await queries.search(db, "  ")
