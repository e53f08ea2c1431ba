"""``newsbot eval --corpus DIR --labels FILE [--json]``: score the pipeline on a labelled corpus.

Prints per-topic precision, recall and F1 (with tp/fp/fn), micro and macro
F1, and every wrong tag: for a false positive the evidence sentences that
misled the classifier, for a false negative that the topic is missing. Actor
scores are added when the actor evaluation is installed. ``--json`` prints the
same as one JSON object.

Exit status: 0 when every corpus file was read; 1 when some file was rejected
(it is listed, and the rest is still scored); 2 on usage or configuration errors.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.cli import EXIT_OK, EXIT_REJECTED, UsageError
from bot.evaluation.corpus import LabelsError
from bot.evaluation.runner import evaluate
from bot.nlp.pipeline import Pipeline
from bot.settings import load_settings


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "eval",
        parents=[common],
        help="score topics (and actors) against a labelled corpus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--corpus", required=True, metavar="DIR", help="folder of article files")
    p.add_argument("--labels", required=True, metavar="FILE", help="labels JSON file")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    corpus = Path(args.corpus)
    labels = Path(args.labels)
    if not corpus.is_dir():
        raise UsageError(f"--corpus {corpus}: no such folder")
    if not labels.is_file():
        raise UsageError(f"--labels {labels}: no such file")
    settings = load_settings(args.config, args.db)
    pipeline = Pipeline.from_config(settings.config_dir)
    try:
        result = evaluate(corpus, labels, pipeline, settings.tz)
    except LabelsError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(result.report.to_json(), ensure_ascii=False))
    else:
        print(result.report.render_text())
    return EXIT_REJECTED if result.corpus.rejected else EXIT_OK
