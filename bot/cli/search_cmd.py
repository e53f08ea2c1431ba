"""``newsbot search QUERY [--json] [--limit N]``: full-text search over stored articles.

Japanese and English terms alike (停戦, ウクライナ停戦, NATO). Words separated
by spaces must all occur; each word matches as a whole word or phrase.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from bot.cli import EXIT_OK, UsageError
from bot.nlp.tokenizer import get_tokenizer
from bot.settings import Settings, load_settings
from bot.storage.db import open_database
from bot.storage.search import SearchHit, build_match, search

MAX_LIMIT = 1000


def _limit(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 1 <= n <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_LIMIT}")
    return n


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "search",
        parents=[common],
        help="full-text search over stored articles",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument("query", nargs="+", metavar="QUERY", help="words to search for")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--limit", type=_limit, default=10, metavar="N", help="at most N hits (10)")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, args.db)
    query = " ".join(args.query)
    if build_match(query, get_tokenizer()) is None:
        raise UsageError(f"nothing to search for in {query!r}")
    hits = asyncio.run(_search(settings, query, args.limit))
    if args.json:
        print(
            json.dumps(
                {"query": query, "count": len(hits), "results": [h.as_json() for h in hits]},
                ensure_ascii=False,
            )
        )
    else:
        print(render(query, hits))
    return EXIT_OK


def render(query: str, hits: list[SearchHit]) -> str:
    if not hits:
        return f"no articles match {query!r}"
    lines = []
    for i, h in enumerate(hits, start=1):
        lines.append(f"{i}. {h.title}")
        lines.append(
            f"   {h.source or 'unknown source'} · {h.published or 'no date'} · #{h.article_id}"
        )
        lines.append(f"   {h.snippet}")
    return "\n".join(lines)


async def _search(settings: Settings, query: str, limit: int) -> list[SearchHit]:
    db = await open_database(settings.db)
    try:
        return await search(db, query, get_tokenizer(), limit=limit)
    finally:
        await db.close()
