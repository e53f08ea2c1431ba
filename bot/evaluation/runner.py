"""Run the pipeline over a labelled corpus and build the report.

Sections: ``topics`` always; ``actors`` when :mod:`bot.evaluation.actor_scores`
exists, called as ``score_actors(pairs)`` with ``(label_article_dict, Analysis)``
pairs (a labelled article that was not found in the corpus is paired with an
empty Analysis, so it counts as missed).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from bot.evaluation.corpus import Corpus, LabelledArticle, load_labels, pair, read_corpus
from bot.evaluation.report import Report
from bot.evaluation.topic_scores import TopicCase, score_topics
from bot.models import Analysis
from bot.nlp.pipeline import Pipeline
from bot.nlp.topics import explain

log = logging.getLogger(__name__)

ACTOR_MODULE = "bot.evaluation.actor_scores"
SectionScorer = Callable[[list[tuple[dict[str, Any], Analysis]]], dict[str, Any]]


@dataclass(slots=True)
class Evaluation:
    report: Report
    corpus: Corpus


def evaluate(
    corpus_dir: Path,
    labels_path: Path,
    pipeline: Pipeline,
    tz: tzinfo,
    extra_sections: dict[str, SectionScorer] | None = None,
) -> Evaluation:
    """Score ``pipeline`` on the corpus (raises LabelsError for a bad labels file)."""
    labels = load_labels(labels_path)
    corpus = read_corpus(corpus_dir, tz, skip=[labels_path])
    pairing = pair(labels, corpus.articles)

    cases: list[TopicCase] = []
    analysed: list[tuple[dict[str, Any], Analysis]] = []
    for label, parsed in pairing.pairs:
        result = pipeline.analyze(parsed.article)
        assert result.doc is not None  # analysed here, so the tokens are at hand
        scores = explain(result.doc, parsed.article, pipeline.topics)
        cases.append(TopicCase(label.file, label.title, label.topics, scores))
        analysed.append((label.raw, result.analysis))
    for label in pairing.unmatched_labels:
        cases.append(_missing(label))
        analysed.append((label.raw, Analysis()))

    report = Report(
        header={
            "corpus": str(corpus_dir),
            "labels": str(labels_path),
            "counts": {
                "labelled": len(labels),
                "parsed": len(corpus.articles),
                "matched": len(pairing.pairs),
            },
            "rejected_files": [{"file": f, "reason": r} for f, r in corpus.rejected],
            "unmatched_labels": [
                {"file": x.file, "title": x.title} for x in pairing.unmatched_labels
            ],
            "unlabelled_articles": [
                {"file": p.file, "title": p.article.title} for p in pairing.unlabelled
            ],
        }
    )
    report.add_section(
        "topics", score_topics(cases, pipeline.topics.ids, pipeline.topics.scoring.max_evidence)
    )
    sections = dict(extra_sections or {})
    actor_scorer = _actor_scorer()
    if actor_scorer is not None:
        sections.setdefault("actors", actor_scorer)
    for name, scorer in sections.items():
        try:
            report.add_section(name, scorer(analysed))
        except Exception as exc:  # noqa: BLE001 - one section failing must not lose the others
            log.warning("eval section %s failed: %s: %s", name, type(exc).__name__, exc)
            report.add_section(name, {"error": f"{type(exc).__name__}: {exc}"})
    return Evaluation(report, corpus)


def _missing(label: LabelledArticle) -> TopicCase:
    return TopicCase(label.file, label.title, label.topics, [], note="article not found in corpus")


def _actor_scorer() -> SectionScorer | None:
    if importlib.util.find_spec(ACTOR_MODULE) is None:
        return None
    module = importlib.import_module(ACTOR_MODULE)
    return getattr(module, "score_actors", None)
