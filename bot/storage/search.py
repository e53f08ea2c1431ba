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

Measured against the trigram tokenizer in the ingest report (index size,
build time, two-character queries).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.nlp.tokenizer import Document, Tokenizer, normalize
from bot.storage.db import Database

SNIPPET_BEFORE = 30
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


def _indexable(surface: str) -> bool:
    """False for tokens unicode61 would drop anyway (punctuation, spaces)."""
    return any(unicodedata.category(c)[0] in "LN" for c in surface)


def join_tokens(surfaces: Iterable[str]) -> str:
    return " ".join(s for s in surfaces if _indexable(s))


def index_columns(doc: Document, title: str) -> tuple[str, str]:
    """(title, body) column text from an article's tokenised ``nlp_text()``.

    The pipeline's document starts with the headline line, so tokens that
    begin inside it belong to the title column and the rest (sub-headline and
    paragraphs) to the body column.
    """
    cut = len(title)
    head = [t.surface for t in doc.tokens if t.start < cut]
    rest = [t.surface for t in doc.tokens if t.start >= cut]
    return join_tokens(head), join_tokens(rest)


async def index_article(db: Database, article_id: int, title: str, body: str) -> None:
    """Insert or replace the index row of one article (inside the caller's transaction)."""
    await db.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
    await db.execute(
        "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
        (article_id, title, body),
    )


def query_parts(query: str) -> list[str]:
    """The whitespace-separated parts of a query, NFKC-normalised, empty ones dropped."""
    return [p for p in normalize(query)[0].split() if p]


def build_match(query: str, tokenizer: Tokenizer) -> str | None:
    """An FTS5 MATCH expression: each part of the query as a phrase of its tokens, ANDed.

    Every token is quoted, so FTS5 operators typed by a user (AND, NEAR, ``*``,
    ``-``) are searched for as words instead of breaking the query. Returns
    None when nothing searchable is left (only punctuation).
    """
    phrases = []
    for part in query_parts(query):
        tokens = [s for s in tokenizer.surfaces(part) if _indexable(s)]
        if tokens:
            phrases.append('"' + " ".join(t.replace('"', '""') for t in tokens) + '"')
    return " AND ".join(phrases) if phrases else None


def make_snippet(
    body: str, query: str, before: int = SNIPPET_BEFORE, after: int = SNIPPET_AFTER
) -> str:
    """A short window of the original body around the first query part found in it."""
    norm, starts, _ = normalize(body)
    folded = norm.casefold()
    at = -1
    for part in query_parts(query):
        at = folded.find(part.casefold())
        if at >= 0:
            break
    start = starts[at] if at >= 0 else 0
    lo = max(0, start - before) if at >= 0 else 0
    hi = min(len(body), start + after)
    text = " ".join(body[lo:hi].split())
    return ("…" if lo > 0 else "") + text + ("…" if hi < len(body) else "")


async def search(
    db: Database, query: str, tokenizer: Tokenizer, limit: int = 10
) -> list[SearchHit]:
    """Articles matching ``query``, best first (BM25, title weighted, then newest)."""
    match = build_match(query, tokenizer)
    if match is None:
        return []
    rows = await db.fetchall(
        """
        SELECT a.id, a.title, a.source, a.published, a.body, f.score
        FROM (SELECT rowid AS id, bm25(articles_fts, 5.0, 1.0) AS score
              FROM articles_fts WHERE articles_fts MATCH ?
              ORDER BY score LIMIT ?) AS f
        JOIN articles AS a ON a.id = f.id
        ORDER BY f.score, a.published_utc DESC
        """,
        (match, limit),
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
