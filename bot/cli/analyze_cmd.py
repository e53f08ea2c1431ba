"""``newsbot analyze PATH... [--json]``: run the NLP pipeline on files without storing anything.

Folders are searched recursively (hidden and partial files skipped). With
``--json`` each article is one line (SPEC §5)::

    {"file", "title", "subtitle", "source", "published", "dateline", "byline",
     "topics": [{"id", "score", "evidence"}],
     "actors": [{"id", "name_ja", "name_en", "role", "mentions"}],
     "quotes": [{"speaker", "text"}]}

Without it, a short readable summary per article. A file that cannot be
parsed is reported on stderr with its reason and the others still run.

Exit status: 0 when every file gave articles cleanly; 1 when any file (or part
of one) was rejected; 2 for a missing path or a configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli import EXIT_OK, EXIT_REJECTED, UsageError
from bot.evaluation.corpus import walk_files
from bot.models import Analysis, Article
from bot.nlp.pipeline import Pipeline
from bot.parsing import parse_bytes
from bot.settings import load_settings


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "analyze",
        parents=[common],
        help="tag topics and find people in files, without storing (JSON with --json)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="article file or folder")
    p.add_argument("--json", action="store_true", help="one JSON object per article")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    settings = load_settings(args.config, args.db)
    pipeline = Pipeline.from_config(settings.config_dir)
    rejected = False
    for path in walk_files(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"{path}: rejected: cannot read: {exc.strerror or exc}", file=sys.stderr)
            rejected = True
            continue
        outcome = parse_bytes(
            data,
            path.name,
            tz=settings.tz,
            max_bytes=settings.max_file_bytes,
            max_articles=settings.max_articles_per_file,
        )
        if outcome.reason:
            print(f"{path}: rejected: {outcome.reason}", file=sys.stderr)
            rejected = True
        for article in outcome.articles:
            analysis = pipeline.analyze(article).analysis
            if args.json:
                record = article_json(str(path), article, analysis)
                print(json.dumps(record, ensure_ascii=False), flush=True)
            else:
                print(article_text(str(path), article, analysis), flush=True)
    return EXIT_REJECTED if rejected else EXIT_OK


def article_json(file: str, article: Article, analysis: Analysis) -> dict[str, Any]:
    """One article as SPEC §5's ``analyze --json`` object."""
    return {
        "file": file,
        "title": article.title,
        "subtitle": article.subtitle,
        "source": article.source,
        "published": article.published.isoformat() if article.published else None,
        "dateline": article.dateline,
        "byline": article.byline,
        "topics": [
            {"id": t.id, "score": round(t.score, 2), "evidence": list(t.evidence)}
            for t in analysis.topics
        ],
        "actors": [
            {
                "id": a.id,
                "name_ja": a.name_ja,
                "name_en": a.name_en,
                "role": a.role,
                "mentions": a.mentions,
            }
            for a in analysis.actors
        ],
        "quotes": [{"speaker": q.speaker, "text": q.text} for q in analysis.quotes],
    }


def article_text(file: str, article: Article, analysis: Analysis) -> str:
    when = article.published.isoformat() if article.published else "?"
    lines = [f"{file}: {article.title}", f"  {article.source or '?'}, {when}"]
    if not analysis.topics:
        lines.append("  topics: none")
    for t in analysis.topics:
        lines.append(f"  topic {t.id} {t.score:.2f}  terms: {', '.join(t.terms[:6])}")
        for sentence in t.evidence:
            lines.append(f"    > {sentence}")
    if analysis.actors:
        names = ", ".join(
            f"{a.name_ja}"
            + (f" ({a.name_en})" if a.name_en else "")
            + (f" {a.role}" if a.role else "")
            for a in analysis.actors
        )
        lines.append(f"  people: {names}")
    lines.append(f"  quotes: {len(analysis.quotes)}")
    return "\n".join(lines)
