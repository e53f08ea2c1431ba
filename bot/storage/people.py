"""Storing the people, roles and quotes of one article (tables actors, actor_names,
article_actors, quotes).

:func:`save_people` runs inside the ingest transaction. When an article is
updated (a later 更新), its previous actor and quote rows are replaced, and the
per-actor counters (``article_count``, ``last_seen``) are adjusted for exactly
the actors that joined or left the article, so they stay right without ever
counting over all articles.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from functools import lru_cache, partial

from bot.models import ActorRef, QuoteRef
from bot.nlp.names import name_key, name_variants
from bot.storage.db import Database

UNLISTED_PREFIX = "x-"
"""Ids of people who are not in config/actors.toml start with this."""


def lookup_names(actor: ActorRef) -> set[str]:
    """Every spelling of ``actor`` worth indexing for lookup (whole names and surnames)."""
    return {name for name, _ in _keyed_spellings(actor.name_ja, actor.name_en, tuple(actor.names))}


@lru_cache(maxsize=8192)
def _keyed_spellings(
    name_ja: str, name_en: str | None, names: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """(spelling, lookup key) of every name worth indexing, sorted; cached because the
    same people recur in article after article and romanising their names is not free."""
    out: set[str] = set()
    for name in (name_ja, name_en or "", *names):
        for variant in name_variants(name):
            if variant and name_key(variant):
                out.add(variant)
    return tuple((name, name_key(name)) for name in sorted(out))


def save_people_sync(
    conn: sqlite3.Connection,
    article_id: int,
    seen_at_utc: str | None,
    actors: list[ActorRef],
    quotes: list[QuoteRef],
) -> None:
    """:func:`save_people` on the connection's thread (see :meth:`Database.run`)."""
    old_rows = conn.execute(
        "DELETE FROM article_actors WHERE article_id = ? RETURNING actor_id", (article_id,)
    ).fetchall()
    old_ids = {row[0] for row in old_rows}
    merged: dict[str, ActorRef] = {}
    for actor in actors:
        if actor.id in merged:  # never mutate the caller's analysis
            merged[actor.id] = replace(
                merged[actor.id], mentions=merged[actor.id].mentions + actor.mentions
            )
        else:
            merged[actor.id] = actor
    new_ids = set(merged)

    if old_ids:
        conn.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))

    conn.executemany(
        """
        INSERT INTO actors (id, name_ja, name_en, in_gazetteer, article_count, last_seen)
        VALUES (?, ?, ?, ?, 0, NULL)
        ON CONFLICT (id) DO UPDATE SET
            name_en = COALESCE(actors.name_en, excluded.name_en),
            in_gazetteer = MAX(actors.in_gazetteer, excluded.in_gazetteer),
            name_ja = CASE
                WHEN excluded.in_gazetteer = 1 THEN excluded.name_ja
                WHEN actors.in_gazetteer = 0
                     AND length(excluded.name_ja) > length(actors.name_ja)
                THEN excluded.name_ja
                ELSE actors.name_ja END
        """,
        [
            (a.id, a.name_ja, a.name_en, 0 if a.id.startswith(UNLISTED_PREFIX) else 1)
            for a in merged.values()
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO actor_names (actor_id, name, key) VALUES (?, ?, ?)",
        [
            (a.id, name, key)
            for a in merged.values()
            for name, key in _keyed_spellings(a.name_ja, a.name_en, tuple(a.names))
        ],
    )
    conn.executemany(
        """
        INSERT INTO article_actors
            (article_id, actor_id, name_ja, role, affiliation, mentions, seen_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        [
            (
                article_id,
                a.id,
                a.names[0] if a.names else a.name_ja,
                a.role,
                a.affiliation,
                max(1, a.mentions),
                seen_at_utc,
            )
            for a in merged.values()
        ],
    )
    if quotes:
        conn.executemany(
            "INSERT INTO quotes (article_id, actor_id, text, sentence) VALUES (?, ?, ?, ?)",
            [
                (article_id, q.speaker if q.speaker in new_ids else None, q.text, q.sentence)
                for q in quotes
            ],
        )
    # Counts change only for actors who joined or left; last_seen is a max over an
    # indexed column (O(log n)), right also when the article's date moved.
    delta = {i: 1 for i in new_ids - old_ids} | {i: -1 for i in old_ids - new_ids}
    conn.executemany(
        """
        UPDATE actors SET
            article_count = MAX(article_count + ?, 0),
            last_seen = (SELECT MAX(seen_at) FROM article_actors WHERE actor_id = ?)
        WHERE id = ?
        """,
        [(delta.get(i, 0), i, i) for i in sorted(new_ids | old_ids)],
    )


async def save_people(
    db: Database,
    article_id: int,
    seen_at_utc: str | None,
    actors: list[ActorRef],
    quotes: list[QuoteRef],
) -> None:
    """Replace the article's actors and quotes with ``actors`` and ``quotes``.

    Must be called inside ``db.transaction()``. Upserts the actors and their
    names, and keeps ``actors.article_count`` / ``actors.last_seen`` correct when
    the same article is saved again with a different cast or date.
    """
    await db.run(
        partial(
            save_people_sync,
            article_id=article_id,
            seen_at_utc=seen_at_utc,
            actors=actors,
            quotes=quotes,
        )
    )


async def rekey_names(db: Database, batch: int = 5000) -> int:
    """Recompute ``actor_names.key`` for every stored name; returns how many changed.

    Keys come from :func:`bot.nlp.names.name_key`; after that rule changes, stored
    keys are stale (lookups by English name would miss). Call inside a transaction,
    e.g. from ``newsbot retag``.
    """
    changed = 0
    last = ("", "")
    while True:
        rows = await db.fetchall(
            "SELECT actor_id, name, key FROM actor_names WHERE (actor_id, name) > (?, ?)"
            " ORDER BY actor_id, name LIMIT ?",
            (*last, batch),
        )
        if not rows:
            return changed
        updates = [(name_key(r[1]), r[0], r[1]) for r in rows if name_key(r[1]) != r[2]]
        if updates:
            await db.executemany(
                "UPDATE actor_names SET key = ? WHERE actor_id = ? AND name = ?", updates
            )
            changed += len(updates)
        last = (rows[-1][0], rows[-1][1])
