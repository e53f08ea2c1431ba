"""``newsbot retag``: re-run the NLP pipeline on every stored article.

For after an edit of topics.toml or actors.toml: each article's topics,
people and quotes are replaced by what the pipeline finds now. Articles keep
their ids and text; no alert is sent for an old article, whatever its new
topics. Each batch of articles is one transaction, so an interrupted retag
leaves every article either fully old or fully new.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from dataclasses import dataclass

from bot.cli import EXIT_OK
from bot.models import Article
from bot.nlp.pipeline import Pipeline
from bot.settings import Settings, load_settings
from bot.storage.articles import iter_articles, write_analysis
from bot.storage.db import Database, open_database

BATCH = 100


@dataclass(slots=True)
class RetagSummary:
    articles: int = 0
    topics_changed: int = 0

    def line(self) -> str:
        return f"retagged {self.articles} articles; topics changed on {self.topics_changed}"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "retag",
        parents=[common],
        help="re-run topics and people on stored articles (no alerts)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, args.db)
    summary = asyncio.run(_retag(settings))
    if args.json:
        print(json.dumps({"articles": summary.articles, "topics_changed": summary.topics_changed}))
    else:
        print(summary.line())
    return EXIT_OK


async def _retag(settings: Settings) -> RetagSummary:
    pipeline = Pipeline.from_config(settings.config_dir)
    db = await open_database(settings.db)
    try:
        return await retag(db, pipeline)
    finally:
        await db.close()


async def _topic_ids(db: Database, article_id: int) -> set[str]:
    rows = await db.fetchall(
        "SELECT topic_id FROM article_topics WHERE article_id = ?", (article_id,)
    )
    return {r[0] for r in rows}


async def retag(db: Database, pipeline: Pipeline) -> RetagSummary:
    """Replace every article's analysis; returns how many and how many changed topics."""
    summary = RetagSummary()
    batch: list[tuple[int, Article, str | None]] = []
    async for item in iter_articles(db, batch=BATCH):
        batch.append(item)
        if len(batch) >= BATCH:
            await _retag_batch(db, pipeline, batch, summary)
            batch = []
    if batch:
        await _retag_batch(db, pipeline, batch, summary)
    return summary


async def _retag_batch(
    db: Database,
    pipeline: Pipeline,
    batch: list[tuple[int, Article, str | None]],
    summary: RetagSummary,
) -> None:
    analyzed = [(i, a, seen, pipeline.analyze(a)) for i, a, seen in batch]
    async with db.transaction():
        for article_id, article, seen_at, an in analyzed:
            before = await _topic_ids(db, article_id)
            await write_analysis(db, article_id, article, an, seen_at=seen_at)
            summary.articles += 1
            summary.topics_changed += int(before != set(an.analysis.topic_ids))
