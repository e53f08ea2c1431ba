"""save_people: rows replaced on update, counters right, names indexed by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.models import ActorRef, QuoteRef
from bot.nlp.names import name_key
from bot.storage.db import Database, open_database
from bot.storage.people import rekey_names, save_people


@pytest.fixture
async def db(tmp_path: Path):
    database = await open_database(tmp_path / "t.db")
    yield database
    await database.close()


async def add_article(db: Database, title: str) -> int:
    cur = await db.execute(
        "INSERT INTO articles (title, body, paragraphs, content_hash, created_at, updated_at)"
        " VALUES (?, '', '[]', '', '2025-01-01', '2025-01-01')",
        (title,),
    )
    return int(cur.lastrowid)


def peskov(role: str = "ロシア大統領報道官") -> ActorRef:
    return ActorRef(
        id="peskov",
        name_ja="ペスコフ",
        name_en="Dmitry Peskov",
        role=role,
        affiliation="ロシア",
        mentions=2,
        names=["ペスコフ", "ドミトリー・ペスコフ"],
    )


def unlisted() -> ActorRef:
    return ActorRef(
        id="x-fogeru",
        name_ja="マーク・フォーゲル",
        name_en="Maku Fogeru",
        names=["マーク・フォーゲル", "フォーゲル"],
    )


async def actor_row(db: Database, actor_id: str):
    return await db.fetchone(
        "SELECT name_ja, name_en, in_gazetteer, article_count, last_seen FROM actors WHERE id=?",
        (actor_id,),
    )


async def test_first_save_creates_actor_names_mentions_and_quotes(db: Database) -> None:
    a = await add_article(db, "a")
    async with db.transaction():
        await save_people(
            db,
            a,
            "2025-02-12T18:59:00+00:00",
            [peskov(), unlisted()],
            [QuoteRef("話しあった", "peskov", 3), QuoteRef("門戸開放", None, 5)],
        )
    row = await actor_row(db, "peskov")
    assert tuple(row) == ("ペスコフ", "Dmitry Peskov", 1, 1, "2025-02-12T18:59:00+00:00")
    assert (await actor_row(db, "x-fogeru"))["in_gazetteer"] == 0
    names = {
        r[0] for r in await db.fetchall("SELECT name FROM actor_names WHERE actor_id='peskov'")
    }
    assert {"ペスコフ", "Dmitry Peskov", "Peskov", "ドミトリー・ペスコフ"} <= names
    hit = await db.fetchall("SELECT actor_id FROM actor_names WHERE key=?", (name_key("peskow"),))
    assert {r[0] for r in hit} == {"peskov"}
    quotes = await db.fetchall("SELECT actor_id, text FROM quotes ORDER BY id")
    assert [tuple(q) for q in quotes] == [("peskov", "話しあった"), (None, "門戸開放")]


async def test_update_replaces_rows_and_adjusts_counts(db: Database) -> None:
    a = await add_article(db, "a")
    b = await add_article(db, "b")
    async with db.transaction():
        await save_people(db, a, "2025-02-10T00:00:00+00:00", [peskov(), unlisted()], [])
        await save_people(db, b, "2025-02-11T00:00:00+00:00", [peskov()], [QuoteRef("x", "peskov")])
    assert (await actor_row(db, "peskov"))["article_count"] == 2
    # Article a is saved again: same cast -> counts unchanged.
    async with db.transaction():
        await save_people(db, a, "2025-02-10T00:00:00+00:00", [peskov(), unlisted()], [])
    assert (await actor_row(db, "peskov"))["article_count"] == 2
    assert (await actor_row(db, "x-fogeru"))["article_count"] == 1
    # Article b is updated: Peskov gone, a later date for nobody.
    async with db.transaction():
        await save_people(db, b, "2025-02-12T00:00:00+00:00", [unlisted()], [])
    p = await actor_row(db, "peskov")
    assert p["article_count"] == 1
    assert p["last_seen"] == "2025-02-10T00:00:00+00:00"
    f = await actor_row(db, "x-fogeru")
    assert f["article_count"] == 2
    assert f["last_seen"] == "2025-02-12T00:00:00+00:00"
    assert await db.fetchone("SELECT 1 FROM quotes WHERE article_id=?", (b,)) is None


async def test_duplicate_refs_merge_and_unknown_speaker_becomes_null(db: Database) -> None:
    a = await add_article(db, "a")
    async with db.transaction():
        await save_people(db, a, None, [peskov(), peskov()], [QuoteRef("q", "nobody")])
    row = await db.fetchone("SELECT mentions FROM article_actors WHERE actor_id='peskov'")
    assert row[0] == 4
    q = await db.fetchone("SELECT actor_id FROM quotes")
    assert q[0] is None
    assert (await actor_row(db, "peskov"))["article_count"] == 1


async def test_unlisted_name_grows_to_longer_form_but_gazetteer_name_wins(db: Database) -> None:
    a = await add_article(db, "a")
    b = await add_article(db, "b")
    short = ActorRef(id="x-fogeru", name_ja="フォーゲル")
    async with db.transaction():
        await save_people(db, a, None, [short], [])
        await save_people(db, b, None, [unlisted()], [])
    assert (await actor_row(db, "x-fogeru"))["name_ja"] == "マーク・フォーゲル"


async def test_rollback_leaves_nothing(db: Database) -> None:
    a = await add_article(db, "a")
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await save_people(db, a, None, [peskov()], [])
            raise RuntimeError("boom")
    assert await db.fetchone("SELECT 1 FROM actors") is None


async def test_rekey_names_fixes_stale_keys(db: Database) -> None:
    a = await add_article(db, "a")
    async with db.transaction():
        await save_people(db, a, None, [peskov()], [])
        await db.execute("UPDATE actor_names SET key = 'stale' WHERE name = 'Peskov'")
    async with db.transaction():
        changed = await rekey_names(db, batch=2)
    assert changed == 1
    row = await db.fetchone("SELECT key FROM actor_names WHERE name = 'Peskov'")
    assert row[0] == name_key("Peskov")
    async with db.transaction():
        assert await rekey_names(db) == 0
