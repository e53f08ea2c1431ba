"""``/who NAME``: who is this person, in what role, what did they say lately.

Lookup goes through ``actor_names.key`` (the phonetic key of every stored
spelling, see :mod:`bot.nlp.names`), so English, romaji, katakana and kanji
queries and near misses (``Peskow``) all land on the same rows. Every query is
an indexed lookup bounded by a LIMIT: the answer costs the same with 100 or
100,000 articles stored (topics and co-actors are counted over the person's
latest articles, :data:`RECENT_ARTICLES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.nlp.names import (
    NEAR_MIN,
    Match,
    fold,
    is_katakana_name,
    name_key,
    name_parts,
    query_keys,
    rank,
    similarity,
)
from bot.storage.db import Database

RECENT_ARTICLES = 200
"""Topics, co-actors and quotes are drawn from this many of the person's latest articles."""
KEY_ALPHABET = "bdghkmnprst"
"""Letters a phonetic key can contain (see names.name_key)."""
MAX_CANDIDATES = 10
MAX_QUERY = 100
"""Longer input is cut: no name is that long, and the near-miss search grows with it."""


@dataclass(slots=True)
class WhoResult:
    """The answer in the SPEC §5 ``who --json`` shape."""

    query: str
    status: str  # found | ambiguous | unknown
    actor: dict[str, Any] | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": self.status,
            "actor": self.actor,
            "candidates": self.candidates,
        }

    to_dict = as_json


async def who(db: Database, query: str, *, limit_quotes: int = 5) -> WhoResult:
    """Look ``query`` up (a name in any script, or an actor id from autocomplete)."""
    text = " ".join(query.split())[:MAX_QUERY]
    if not text:
        return WhoResult(query, "unknown")
    row = await db.fetchone("SELECT id FROM actors WHERE id = ?", (text,))
    if row is not None:
        return WhoResult(query, "found", await actor_details(db, row[0], limit_quotes))
    match = await resolve_name(db, text)
    parts = name_parts(text)
    if match.status != "found" and len(parts) > 1:
        # Félix Tshisekedi when articles only give チセケディ.
        by_surname = await resolve_name(db, parts[-1])
        if by_surname.status == "found":
            match = by_surname
    if match.status == "unknown" and len(parts) == 1 and text.isascii():
        given = await _by_given_name(db, text)
        if given is not None:
            match = Match("found", [given])
    if match.status == "found":
        return WhoResult(query, "found", await actor_details(db, match.ids[0], limit_quotes))
    if match.status == "unknown" and not text.isascii() and len(text) >= 2:
        # 長谷川 for 長谷川一郎, ゼレン for ゼレンスキー: one person whose name starts so.
        starts = [i for i, _label in await autocomplete(db, text, limit=3)]
        if len(starts) == 1:
            return WhoResult(query, "found", await actor_details(db, starts[0], limit_quotes))
    ids = match.ids if match.status == "ambiguous" else match.suggestions
    if match.status == "unknown" and not ids:
        ids = [i for i, _label in await autocomplete(db, text, limit=5)]
    return WhoResult(query, match.status, None, await _summaries(db, ids))


async def resolve_name(db: Database, query: str) -> Match:
    """:func:`bot.nlp.names.rank` over the rows the query's keys reach in the index."""
    keys = query_keys(query)
    if not keys:
        return Match("unknown")
    exact = await _rows_by_keys(db, keys[:1])
    if not exact:
        exact = await _rows_by_keys(db, keys[1:])
    if exact:
        match = rank(query, exact, [])
        if match.status != "unknown":
            return match
    # No shared key, or one that sounds nothing alike (Horowitz is not ハリス):
    # the near keys decide, the shared-key rows among them.
    near: list[tuple[str, str, str]] = list(exact)
    for key in keys:
        if not key.isascii():
            continue
        near.extend(await _rows_by_keys(db, sorted(_one_edit(key) - set(keys))))
        near.extend(await _rows_by_prefix(db, key[:2]))
    return rank(query, [], near)


async def _by_given_name(db: Database, query: str) -> str | None:
    """The one person whose stored full name starts with a given name sounding like
    ``query`` (Ilham → イルハム・アリエフ), if there is only one. Indexed: rows whose
    key starts with the query's key, at most a few hundred."""
    if len(query) < 3:
        return None
    ids: set[str] = set()
    rows: list[tuple[str, str]] = []
    # A full name's key starts with its given name's key (Ilham rm, イルハム・アリエフ rmrb).
    for key in query_keys(query):
        if len(key) >= 2:
            rows.extend(
                (r[0], r[1]) for r in await _rows_by_prefix(db, key) if len(r[2]) > len(key)
            )
    for actor_id, name in rows:
        parts = name_parts(name)
        if len(parts) > 1 and similarity(query, parts[0]) >= NEAR_MIN:
            ids.add(actor_id)
    return ids.pop() if len(ids) == 1 else None


async def _rows_by_keys(db: Database, keys: list[str]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for start in range(0, len(keys), 400):
        chunk = keys[start : start + 400]
        if not chunk:
            continue
        marks = ",".join("?" * len(chunk))
        rows = await db.fetchall(
            f"SELECT actor_id, name, key FROM actor_names WHERE key IN ({marks}) LIMIT 500",
            chunk,
        )
        out.extend((r[0], r[1], r[2]) for r in rows)
    return out


async def _rows_by_prefix(db: Database, prefix: str) -> list[tuple[str, str, str]]:
    if not prefix:
        return []
    rows = await db.fetchall(
        "SELECT actor_id, name, key FROM actor_names WHERE key >= ? AND key < ? LIMIT 300",
        (prefix, prefix + "\uffff"),
    )
    return [(r[0], r[1], r[2]) for r in rows]


def _one_edit(key: str) -> set[str]:
    """Every key at edit distance 1 from ``key`` (over the key alphabet)."""
    out: set[str] = set()
    for i in range(len(key) + 1):
        for c in KEY_ALPHABET:
            out.add(key[:i] + c + key[i:])
        if i < len(key):
            out.add(key[:i] + key[i + 1 :])
            for c in KEY_ALPHABET:
                out.add(key[:i] + c + key[i + 1 :])
    out.discard(key)
    return {k for k in out if k}


async def actor_details(db: Database, actor_id: str, limit_quotes: int = 5) -> dict[str, Any]:
    row = await db.fetchone(
        "SELECT id, name_ja, name_en, article_count, last_seen FROM actors WHERE id = ?",
        (actor_id,),
    )
    if row is None:
        return {}
    recent = (
        "SELECT article_id, seen_at FROM article_actors WHERE actor_id = ?"
        " ORDER BY seen_at DESC LIMIT ?"
    )
    role_rows = await db.fetchall(
        "SELECT role, seen_at FROM article_actors WHERE actor_id = ? AND role IS NOT NULL"
        " ORDER BY seen_at DESC LIMIT ?",
        (actor_id, RECENT_ARTICLES),
    )
    roles: list[dict[str, Any]] = []
    for role, seen in role_rows:
        if role and all(r["role"] != role for r in roles):
            roles.append({"role": role, "seen": seen})
    topic_rows = await db.fetchall(
        f"SELECT t.topic_id, COUNT(*) FROM ({recent}) a"
        " JOIN article_topics t ON t.article_id = a.article_id"
        " GROUP BY t.topic_id ORDER BY COUNT(*) DESC, t.topic_id",
        (actor_id, RECENT_ARTICLES),
    )
    quote_rows = await db.fetchall(
        f"SELECT q.text, ar.title, ar.published FROM ({recent}) a"
        " JOIN quotes q ON q.article_id = a.article_id AND q.actor_id = ?"
        " JOIN articles ar ON ar.id = a.article_id"
        " ORDER BY a.seen_at DESC, q.id LIMIT ?",
        (actor_id, RECENT_ARTICLES, actor_id, limit_quotes),
    )
    article_rows = await db.fetchall(
        f"SELECT ar.id, ar.title, ar.published, aa.role FROM ({recent}) a"
        " JOIN articles ar ON ar.id = a.article_id"
        " JOIN article_actors aa ON aa.article_id = a.article_id AND aa.actor_id = ?"
        " ORDER BY a.seen_at DESC LIMIT 5",
        (actor_id, RECENT_ARTICLES, actor_id),
    )
    co_rows = await db.fetchall(
        f"SELECT o.actor_id, ac.name_ja, ac.name_en, COUNT(*) AS n FROM ({recent}) a"
        " JOIN article_actors o ON o.article_id = a.article_id AND o.actor_id != ?"
        " JOIN actors ac ON ac.id = o.actor_id"
        " GROUP BY o.actor_id ORDER BY n DESC, o.actor_id LIMIT 5",
        (actor_id, RECENT_ARTICLES, actor_id),
    )
    return {
        "id": row["id"],
        "name_ja": row["name_ja"],
        "name_en": row["name_en"],
        "roles": roles,
        "article_count": row["article_count"],
        "last_seen": row["last_seen"],
        "topics": {r[0]: r[1] for r in topic_rows},
        "quotes": [{"text": r[0], "article_title": r[1], "published": r[2]} for r in quote_rows],
        "articles": [
            {"id": r[0], "title": r[1], "published": r[2], "role": r[3]} for r in article_rows
        ],
        "co_actors": [
            {"id": r[0], "name_ja": r[1], "name_en": r[2], "articles": r[3]} for r in co_rows
        ],
    }


async def _summaries(db: Database, ids: list[str]) -> list[dict[str, Any]]:
    """Short descriptions of candidate actors, most written-about first."""
    out: list[dict[str, Any]] = []
    for actor_id in ids[:MAX_CANDIDATES]:
        row = await db.fetchone(
            "SELECT id, name_ja, name_en, article_count FROM actors WHERE id = ?", (actor_id,)
        )
        if row is None:
            continue
        role = await db.fetchone(
            "SELECT role FROM article_actors WHERE actor_id = ? AND role IS NOT NULL"
            " ORDER BY seen_at DESC LIMIT 1",
            (actor_id,),
        )
        out.append(
            {
                "id": row["id"],
                "name_ja": row["name_ja"],
                "name_en": row["name_en"],
                "role": role[0] if role else None,
                "article_count": row["article_count"],
            }
        )
    out.sort(key=lambda c: (-(c["article_count"] or 0), c["id"]))
    return out


async def autocomplete(db: Database, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
    """(actor id, label) for names starting with ``prefix`` in any script.

    Matches stored spellings by prefix (ペス, 岸, Pes, pes) and phonetic keys by
    prefix (``pesk`` → ペスコフ); the most written-about people come first.
    """
    text = " ".join(prefix.split())[:MAX_QUERY]
    if not text:
        return []
    ids: set[str] = set()
    forms = {text, text.lower(), text.capitalize(), text.title(), text.upper()}
    for form in sorted(forms):
        rows = await db.fetchall(
            "SELECT DISTINCT actor_id FROM actor_names WHERE name >= ? AND name < ? LIMIT 100",
            (form, form + "\uffff"),
        )
        ids.update(r[0] for r in rows)
    key = name_key(text)
    latin = fold(text).replace(" ", "").isascii() or is_katakana_name(text)
    if key and latin and len(key) >= 2:
        rows = await db.fetchall(
            "SELECT DISTINCT actor_id FROM actor_names WHERE key >= ? AND key < ? LIMIT 100",
            (key, key + "\uffff"),
        )
        ids.update(r[0] for r in rows)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        f"SELECT id, name_ja, name_en, article_count FROM actors WHERE id IN ({marks})",
        sorted(ids),
    )
    ranked = sorted(rows, key=lambda r: (-(r["article_count"] or 0), r["id"]))
    return [(r["id"], _label(r["name_en"], r["name_ja"])) for r in ranked[:limit]]


def _label(name_en: str | None, name_ja: str) -> str:
    if name_en and name_en != name_ja:
        return f"{name_en} ({name_ja})"[:100]
    return name_ja[:100]
