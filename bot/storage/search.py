"""Full-text search that works for Japanese: FTS5 over fugashi tokens.

Japanese has no spaces, so SQLite's own tokenizers cannot find words in it.
Instead, each article is stored in ``articles_fts`` (rowid = ``articles.id``)
as the space-joined surfaces of its MeCab tokens (NFKC-normalised, so
full-width ＮＡＴＯ and NATO are the same word); FTS5's ``unicode61``
tokenizer then only has to split at those spaces, drop punctuation and fold
Latin case. A query is tokenised the same way and each whitespace-separated
part is matched as a phrase, so a two-character word such as 停戦 matches the
token 停戦 (a trigram index cannot match anything shorter than three
characters), and ウクライナ停戦 matches ウクライナ followed by 停戦.

Measured against FTS5's trigram tokenizer on the dev corpus (1,800 articles):
token index 9.3 MB vs trigram 13.7 MB; trigram finds none of the 3,370
occurrences of 1,257 two-character nouns (停戦, 捕虜 …), the token index
94 % of their substring occurrences, the misses being mostly words inside
other words (スキー in ゼレンスキー, マーク in デンマーク). The index reuses
the pipeline's tokens, so ingest tokenises nothing extra; a trigram index
builds faster (no tokenising) but cannot serve two-character words.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import partial

from bot.nlp.search_text import indexable
from bot.nlp.tokenizer import Tokenizer, normalize
from bot.storage.db import Database

SNIPPET_BEFORE = 30
CANDIDATES = 1000
SNIPPET_AFTER = 70


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: int
    title: str
    source: str
    published: str | None
    snippet: str
    score: float

    def as_json(self) -> dict:
        return {
            "id": self.article_id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "snippet": self.snippet,
        }


def index_article_sync(
    conn: sqlite3.Connection, article_id: int, title: str, body: str, *, new: bool = False
) -> None:
    """:func:`index_article` on the connection's thread (see :meth:`Database.run`)."""
    if not new:
        conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
    conn.execute(
        "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
        (article_id, title, body),
    )


async def index_article(
    db: Database, article_id: int, title: str, body: str, *, new: bool = False
) -> None:
    """Insert or replace the index row of one article (inside the caller's transaction).

    ``new``: the article was just inserted, so there is no old row to delete.
    """
    await db.run(
        partial(index_article_sync, article_id=article_id, title=title, body=body, new=new)
    )


def query_parts(query: str) -> list[str]:
    """The whitespace-separated parts of a query, NFKC-normalised, empty ones dropped."""
    return [p for p in normalize(query)[0].split() if p]


MAX_SEGMENTED_TOKENS = 6


def _segmentations(tokens: list[str]) -> list[list[str]]:
    """The query's tokens, plus every way of gluing neighbours back together.

    MeCab splits an unknown word differently alone than in a sentence: ペスコフ
    alone is ペスコ+フ, but one token before 氏 or 大統領報道官; ロシア国内 alone
    is ロシア+国+内, in text ロシア+国内. Alone, it tends to split *more*, so
    the stored segmentation is almost always one of these merges. Short
    queries only (2**(n-1) alternatives); longer ones use the plain split.
    """
    n = len(tokens)
    if n <= 1 or n > MAX_SEGMENTED_TOKENS:
        return [tokens]
    out = []
    for mask in range(1 << (n - 1)):
        seg = [tokens[0]]
        for i in range(1, n):
            if mask >> (i - 1) & 1:
                seg[-1] += tokens[i]
            else:
                seg.append(tokens[i])
        out.append(seg)
    return out


def _phrase(tokens: list[str]) -> str:
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'


def build_match(query: str, tokenizer: Tokenizer) -> str | None:
    """An FTS5 MATCH expression: each part of the query as a phrase of its tokens, ANDed.

    Each part matches if any of its segmentations (see :func:`_segmentations`)
    occurs as a phrase. Every token is quoted, so FTS5 operators typed by a
    user (AND, NEAR, ``*``, ``-``) are searched for as words instead of
    breaking the query. Returns None when nothing searchable is left (only
    punctuation).
    """
    parts = []
    for part in query_parts(query):
        tokens = [s for s in tokenizer.surfaces(part) if indexable(s)]
        if not tokens:
            continue
        phrases = list(dict.fromkeys(_phrase(seg) for seg in _segmentations(tokens)))
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " AND ".join(parts) if parts else None


def _find(body: str, parts: list[str]) -> int:
    """Offset in ``body`` of the first part found, or -1.

    Tries the text as written first (cheap); only if that fails compares
    NFKC-normalised, case-folded text, mapping the offset back.
    """
    folded_body: str | None = None
    for part in parts:
        at = body.find(part)
        if at >= 0:
            return at
        if folded_body is None:
            folded_body = body.casefold()
        at = folded_body.find(part.casefold())
        if at >= 0 and len(folded_body) == len(body):
            return at
    norm, starts, _ = normalize(body)
    folded = norm.casefold()
    for part in parts:
        at = folded.find(part.casefold())
        if at >= 0 and len(folded) == len(norm):
            return starts[at]
    return -1


def make_snippet(
    body: str, query: str, before: int = SNIPPET_BEFORE, after: int = SNIPPET_AFTER
) -> str:
    """A short window of the original body around the first query part found in it."""
    at = _find(body, query_parts(query))
    start = max(at, 0)
    lo = max(0, start - before) if at >= 0 else 0
    hi = min(len(body), start + after)
    text = " ".join(body[lo:hi].split())
    return ("…" if lo > 0 else "") + text + ("…" if hi < len(body) else "")


async def search(
    db: Database, query: str, tokenizer: Tokenizer, limit: int = 10
) -> list[SearchHit]:
    """Articles matching ``query``, best first.

    Ranking is BM25 (title weighted 5×) over the newest :data:`CANDIDATES`
    matches (by article id, i.e. arrival order). Ranking *every* match of a
    common word costs ~100 ms at 100,000 articles; the newest 1,000 cost a few
    ms, and for news the newest relevant articles are what is wanted.
    """
    match = build_match(query, tokenizer)
    if match is None:
        return []
    rows = await db.fetchall(
        """
        SELECT a.id, a.title, a.source, a.published, a.body, f.score
        FROM (SELECT id, score FROM (
                  SELECT rowid AS id, bm25(articles_fts, 5.0, 1.0) AS score
                  FROM articles_fts WHERE articles_fts MATCH ?
                  ORDER BY rowid DESC LIMIT ?)
              ORDER BY score, id DESC LIMIT ?) AS f
        JOIN articles AS a ON a.id = f.id
        ORDER BY f.score, a.published_utc DESC
        """,
        (match, CANDIDATES, limit),
    )
    return [
        SearchHit(
            article_id=r["id"],
            title=r["title"],
            source=r["source"],
            published=r["published"],
            snippet=make_snippet(r["body"], query),
            score=float(r["score"]),
        )
        for r in rows
    ]
