"""Per-topic precision, recall and F1 against labels, and the wrong tags explained.

For a false positive the report shows the evidence sentences and terms that
produced the tag; for a false negative it says the topic is missing and, when
the classifier saw something below its threshold, the best of that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.nlp.topics import TopicScore


@dataclass(slots=True)
class TopicCase:
    """One labelled article with what the classifier said about it.

    ``scores`` holds every topic's :class:`TopicScore` (tagged or not); it is
    empty when the article was never found in the corpus.
    """

    file: str
    title: str
    gold: frozenset[str]
    scores: list[TopicScore] = field(default_factory=list)
    note: str | None = None

    @property
    def predicted(self) -> set[str]:
        return {s.id for s in self.scores if s.tagged}


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "support": tp + fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def score_topics(
    cases: Sequence[TopicCase], topic_ids: Sequence[str], max_evidence: int = 3
) -> dict[str, Any]:
    """The ``topics`` section of the eval report.

    Topics are the configured ones plus any that only the labels use (those
    can only be missed, which is the honest score for them).
    """
    ids = list(topic_ids)
    for case in cases:
        for t in sorted(case.gold):
            if t not in ids:
                ids.append(t)
    counts = {t: [0, 0, 0] for t in ids}
    errors: list[dict[str, Any]] = []
    for case in cases:
        by_id = {s.id: s for s in case.scores}
        predicted = case.predicted
        for t in ids:
            if t in predicted and t in case.gold:
                counts[t][0] += 1
            elif t in predicted:
                counts[t][1] += 1
                s = by_id[t]
                errors.append(
                    _error(case, t, "fp", s.score, s, max_evidence, "tagged but not labelled")
                )
            elif t in case.gold:
                counts[t][2] += 1
                s = by_id.get(t)
                why = case.note or "missing"
                errors.append(_error(case, t, "fn", s.score if s else 0.0, s, max_evidence, why))
    per_topic = {t: _prf(*counts[t]) for t in ids}
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    macro = sum(float(per_topic[t]["f1"]) for t in ids) / len(ids) if ids else 0.0
    return {
        "articles": len(cases),
        "per_topic": per_topic,
        "micro": _prf(tp, fp, fn),
        "macro_f1": round(macro, 4),
        "errors": errors,
    }


def _error(
    case: TopicCase,
    topic: str,
    kind: str,
    score: float,
    s: TopicScore | None,
    max_evidence: int,
    why: str,
) -> dict[str, Any]:
    evidence = s.evidence[:max_evidence] if s else []
    return {
        "file": case.file,
        "title": case.title,
        "topic": topic,
        "kind": kind,
        "why": why,
        "score": round(score, 3),
        "evidence": [e.text for e in evidence],
        "terms": list(s.terms) if s else [],
    }
