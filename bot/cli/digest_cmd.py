"""``newsbot digest [--since ISO] [--topic ID] [--json]``: the digest that would be posted.

Composed exactly as a channel's digest is (same grouping and size limits),
over the articles from ``--since`` (default: the last 24 hours) until now,
on every topic or the ``--topic`` ones. Text on the terminal, or the digest
view as one JSON object with ``--json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime, timedelta

from bot.cli import EXIT_OK, UsageError
from bot.nlp.topics import load_topics
from bot.services.digest import compose
from bot.services.errors import UserError
from bot.services.plain_text import render_digest
from bot.services.subscriptions import TopicCatalog, parse_topics
from bot.services.views import DigestView
from bot.settings import Settings, load_settings
from bot.storage.db import open_database


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "digest",
        parents=[common],
        help="print the digest that would be posted now",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument(
        "--since",
        metavar="ISO",
        help="start of the window, e.g. 2025-02-12 or 2025-02-12T08:00+09:00 "
        "(no zone = the configured time zone; default: 24 hours ago)",
    )
    p.add_argument(
        "--topic",
        metavar="ID",
        action="append",
        help="only this topic (repeat for more; default: every topic)",
    )
    p.add_argument("--json", action="store_true", help="print the digest as one JSON object")
    p.set_defaults(func=handle)


def parse_since(text: str | None, settings: Settings, now: datetime) -> datetime:
    if not text:
        return now - timedelta(days=1)
    try:
        since = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--since {text!r} is not an ISO date or time (2025-02-12T08:00)"
        ) from None
    if since.tzinfo is None:
        since = since.replace(tzinfo=settings.tz)
    if since > now:
        raise UsageError(f"--since {text!r} is in the future")
    return since.astimezone(UTC)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, args.db)
    catalog = load_topics(settings.topics_file)
    now = datetime.now(UTC)
    since = parse_since(args.since, settings, now)
    topics = None
    if args.topic:
        try:
            topics = [t for t in parse_topics(catalog, args.topic) if t != "*"] or None
        except UserError as err:
            raise UsageError(err.message) from None
    view = asyncio.run(_compose(settings, catalog, since, now, topics))
    if args.json:
        print(json.dumps(view.to_dict(), ensure_ascii=False))
    else:
        print(render_digest(view))
    return EXIT_OK


async def _compose(
    settings: Settings,
    catalog: TopicCatalog,
    since: datetime,
    now: datetime,
    topics: list[str] | None,
) -> DigestView:
    db = await open_database(settings.db)
    try:
        return await compose(
            db, catalog, "cli", "terminal", since, now, topics, timezone=settings.timezone
        )
    finally:
        await db.close()
