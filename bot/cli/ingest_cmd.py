"""``newsbot ingest PATH...``: ingest article files or folders once and print a summary.

Folders are searched recursively (hidden files and folders skipped). Files
inside the configured inbox are handled exactly as the running bot handles
them: moved to the archive once stored, or to the quarantine folder with a
``.reason`` file when rejected. Files anywhere else are only read, never
moved or deleted; a rejected one is recorded in the database and listed in
the summary. A file whose bytes were ingested before stores nothing again.
Files still being written (``.part``/``.tmp``/``~`` names, or size/mtime
changing during ``settle_seconds``) are deferred.

Exit status: 0 when every file was taken; 1 when any file (or part of one)
was rejected or deferred; 2 on usage or configuration errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from pathlib import Path

from bot.cli import EXIT_OK, EXIT_REJECTED, UsageError
from bot.ingest import IngestJob, IngestSummary, make_analyzer
from bot.nlp.pipeline import Pipeline
from bot.settings import Settings, load_settings
from bot.storage.db import open_database


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "ingest",
        parents=[common],
        help="ingest files or folders once and print a summary",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="article file or folder")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, args.db)
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    # The summary reports every verdict; per-file log lines would only repeat it.
    logging.getLogger("bot.ingest").setLevel(logging.ERROR)
    summary = asyncio.run(_ingest(settings, paths))
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        print("\n".join(summary.lines()))
    return EXIT_REJECTED if summary.rejected else EXIT_OK


async def _ingest(settings: Settings, paths: list[Path]) -> IngestSummary:
    pipeline = await asyncio.to_thread(Pipeline.from_config, settings.config_dir)
    db = await open_database(settings.db)
    analyzer = make_analyzer(settings, pipeline)
    try:
        await analyzer.start()
        return await IngestJob(settings, db, pipeline, analyzer=analyzer).ingest_paths(paths)
    finally:
        await analyzer.close()
        await db.close()
