"""Precision, recall and F1 per topic, micro and macro, and the wrong tags listed."""

from __future__ import annotations

import pytest

from bot.evaluation.topic_scores import TopicCase, score_topics
from bot.nlp.topic_rules import Evidence, TopicScore


def scores(**tagged: float) -> list[TopicScore]:
    """TopicScores for topics a and b; a value >= 0.5 means tagged."""
    out = []
    for topic in ("a", "b"):
        value = tagged.get(topic, 0.0)
        ev = [Evidence(0, f"{topic}の文。", "headline", 2.5, (f"{topic}語",))] if value else []
        out.append(TopicScore(topic, value, value >= 0.5, ev, [f"{topic}語"] if value else []))
    return out


CASES = [
    TopicCase("f", "t1", frozenset({"a"}), scores(a=0.9)),  # a tp
    TopicCase("f", "t2", frozenset({"a", "b"}), scores(a=0.8, b=0.3)),  # a tp, b fn (near miss)
    TopicCase("f", "t3", frozenset(), scores(b=0.7)),  # b fp
    TopicCase("f", "t4", frozenset({"b"}), scores(b=0.6)),  # b tp
    TopicCase("f", "t5", frozenset({"a"}), [], note="article not found in corpus"),  # a fn
]


def test_per_topic_micro_and_macro() -> None:
    result = score_topics(CASES, ["a", "b"])
    a, b = result["per_topic"]["a"], result["per_topic"]["b"]
    assert (a["tp"], a["fp"], a["fn"]) == (2, 0, 1)
    assert a["precision"] == 1.0 and a["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert a["f1"] == pytest.approx(0.8, abs=1e-4)
    assert (b["tp"], b["fp"], b["fn"]) == (1, 1, 1)
    assert b["f1"] == pytest.approx(0.5, abs=1e-4)
    micro = result["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (3, 1, 2)
    assert micro["f1"] == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6), abs=1e-4)
    assert result["macro_f1"] == pytest.approx(0.65, abs=1e-4)
    assert result["articles"] == 5


def test_errors_explain_what_misled_and_what_is_missing() -> None:
    errors = score_topics(CASES, ["a", "b"])["errors"]
    got = {(e["title"], e["topic"], e["kind"]) for e in errors}
    assert got == {("t2", "b", "fn"), ("t3", "b", "fp"), ("t5", "a", "fn")}
    fp = next(e for e in errors if e["kind"] == "fp")
    assert fp["evidence"] == ["bの文。"] and fp["terms"] == ["b語"] and fp["score"] == 0.7
    near_miss = next(e for e in errors if e["title"] == "t2")
    assert near_miss["why"] == "missing" and near_miss["score"] == 0.3
    not_found = next(e for e in errors if e["title"] == "t5")
    assert not_found["why"] == "article not found in corpus" and not_found["evidence"] == []


def test_topic_only_in_labels_is_scored_as_missed() -> None:
    cases = [TopicCase("f", "t", frozenset({"sanctions"}), scores())]
    result = score_topics(cases, ["a", "b"])
    assert result["per_topic"]["sanctions"]["fn"] == 1
    assert result["per_topic"]["sanctions"]["f1"] == 0.0
    # a and b: nothing labelled, nothing tagged -> perfect, not undefined
    assert result["per_topic"]["a"]["f1"] == 1.0
