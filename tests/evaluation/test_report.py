"""The eval report: JSON and terminal text, with optional sections such as actors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.evaluation.report import Report
from bot.evaluation.runner import evaluate
from bot.evaluation.topic_scores import TopicCase, score_topics
from bot.models import Analysis
from bot.nlp.pipeline import Pipeline
from bot.nlp.topic_rules import Evidence, TopicScore

REPO = Path(__file__).resolve().parents[2]


def _topics_section() -> dict[str, Any]:
    fp = TopicScore(
        "nato", 0.6, True, [Evidence(3, "NATO加盟は認めない。", "body", 3.5, ("加盟",))], ["加盟"]
    )
    cases = [
        TopicCase("x.txt", "見出し1", frozenset({"territory"}), [fp]),
        TopicCase("y.txt", "見出し2", frozenset(), []),
    ]
    return score_topics(cases, ["nato", "territory"])


def test_text_has_table_errors_and_generic_sections() -> None:
    report = Report(header={"corpus": "c", "labels": "l", "counts": {"labelled": 2, "matched": 2}})
    report.add_section("topics", _topics_section())
    report.add_section(
        "actors",
        {
            "actor_f1": 0.9512,
            "quote_recall": 0.9,
            "missed": [{"title": "見出し1", "name": "ルッテ"}],
        },
    )
    text = report.render_text()
    lines = text.splitlines()
    assert lines[0] == "Corpus c  labels l"
    assert "labelled 2, matched 2" in lines[1]
    header = next(line for line in lines if line.startswith("topic "))
    assert header.split() == ["topic", "P", "R", "F1", "tp", "fp", "fn"]
    nato = next(line for line in lines if line.startswith("nato "))
    assert nato.split() == ["nato", "0.000", "0.000", "0.000", "0", "1", "0"]
    assert any(line.startswith("macro F1") for line in lines)
    assert "  FP nato  x.txt: 見出し1  (score 0.60)" in lines
    assert "     > NATO加盟は認めない。" in lines
    assert "  FN territory  x.txt: 見出し1  (score 0.00)" in lines
    # a section this module knows nothing about is still printed
    assert "Actors" in lines
    assert "  actor_f1: 0.951" in lines
    assert "    - title=見出し1, name=ルッテ" in lines


def test_json_merges_header_and_sections() -> None:
    report = Report(header={"corpus": "c", "labels": "l"})
    report.add_section("topics", _topics_section())
    report.add_section("actors", {"actor_f1": 1.0})
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert data["corpus"] == "c"
    assert data["topics"]["per_topic"]["nato"]["fp"] == 1
    assert data["actors"] == {"actor_f1": 1.0}


def test_evaluate_passes_label_objects_and_analyses_to_extra_sections(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.json").write_text(
        json.dumps({"title": "ガザ停戦が発効", "body": "イスラエルとハマスの停戦が発効した。"}),
        encoding="utf-8",
    )
    labels = tmp_path / "labels.json"
    raw = {"title": "ガザ停戦が発効", "topics": ["ceasefire_talks"], "actors": []}
    missing = {"title": "ない記事", "topics": []}
    labels.write_text(
        json.dumps({"files": [{"file": "a.json", "articles": [raw, missing]}]}, ensure_ascii=False),
        encoding="utf-8",
    )
    seen: list[tuple[dict[str, Any], Analysis]] = []

    def count_pairs(pairs: list[tuple[dict[str, Any], Analysis]]) -> dict[str, Any]:
        seen.extend(pairs)
        return {"pairs": len(pairs)}

    pipeline = Pipeline.from_config(REPO / "config")
    result = evaluate(
        corpus, labels, pipeline, ZoneInfo("Asia/Tokyo"), extra_sections={"extra": count_pairs}
    )
    data = result.report.to_json()
    assert data["extra"] == {"pairs": 2}
    assert seen[0][0] == raw and seen[0][1].topic_ids == ["ceasefire_talks"]
    assert seen[1][0] == missing and seen[1][1] == Analysis()
    assert data["topics"]["per_topic"]["ceasefire_talks"]["tp"] == 1
    assert data["unmatched_labels"] == [{"file": "a.json", "title": "ない記事"}]


def test_a_failing_extra_section_is_reported_not_fatal(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"files": []}), encoding="utf-8")

    def broken(pairs: list[tuple[dict[str, Any], Analysis]]) -> dict[str, Any]:
        raise KeyError("actors")

    pipeline = Pipeline.from_config(REPO / "config")
    result = evaluate(corpus, labels, pipeline, ZoneInfo("Asia/Tokyo"), {"extra": broken})
    data = result.report.to_json()
    assert data["extra"] == {"error": "KeyError: 'actors'"}
    assert data["topics"]["articles"] == 0
