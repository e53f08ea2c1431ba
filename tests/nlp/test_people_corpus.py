"""The dev corpus through the real parser and pipeline, scored like ``newsbot eval``.

The curated gazetteer knows most labelled people, so the same corpus is also run
with an empty gazetteer: what the context rules find on their own is what
unseen articles about unseen people will get.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot.evaluation.actor_scores import english_surname, score_actors
from bot.models import Analysis
from bot.nlp.gazetteer import Gazetteer
from bot.nlp.pipeline import Pipeline
from bot.parsing import parse_text

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("NEWSBOT_DEV_CORPUS", REPO.parent / "shared" / "corpus" / "dev"))

pytestmark = pytest.mark.skipif(
    not (CORPUS / "labels.json").exists(), reason=f"dev corpus not found at {CORPUS}"
)


def analysed(pipeline: Pipeline) -> list[tuple[dict, Analysis]]:
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    pairs = []
    for entry in labels["files"]:
        path = CORPUS / entry["file"]
        articles = {
            a.title: a for a in parse_text(path.read_text(encoding="utf-8"), path.name).articles
        }
        for label in entry["articles"]:
            pairs.append((label, pipeline.analyze(articles[label["title"]]).analysis))
    return pairs


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_config(REPO / "config")


def test_dev_corpus_meets_the_quality_bars(pipeline: Pipeline) -> None:
    scores = score_actors(analysed(pipeline))
    assert scores["actors"]["f1"] >= 0.95, scores["misses"]
    assert scores["quotes"]["recall"] >= 0.90, scores["misses"]
    assert scores["quotes"]["precision"] >= 0.95, scores["misses"]
    assert scores["lookup"]["accuracy"] == 1.0, scores["misses"]


def test_context_rules_alone_generalise(pipeline: Pipeline) -> None:
    bare = Pipeline(pipeline.topics, Gazetteer(), pipeline.tokenizer)
    scores = score_actors(analysed(bare))
    assert scores["actors"]["f1"] >= 0.93, scores["misses"]
    assert scores["quotes"]["recall"] >= 0.90, scores["misses"]
    assert scores["quotes"]["precision"] >= 0.95, scores["misses"]


def test_seed_people_and_quotes(pipeline: Pipeline) -> None:
    seed = REPO / "seeds" / "000_c0298d739a49e9f8.txt"
    first, second = parse_text(seed.read_text(encoding="utf-8"), seed.name).articles
    analysis = pipeline.analyze(first).analysis
    ids = {a.id for a in analysis.actors}
    assert {"trump", "putin", "zelensky", "peskov", "rubio", "ratcliffe", "waltz", "witkoff",
            "vance", "hegseth", "fogel"} <= ids  # fmt: skip
    assert "坂口幸裕" not in {a.name_ja for a in analysis.actors}  # the byline
    assert all(a.name_ja != "ロシア" for a in analysis.actors)
    peskov = next(a for a in analysis.actors if a.id == "peskov")
    assert peskov.role == "ロシア大統領報道官"
    by_speaker = {q.text[:10]: q.speaker for q in analysis.quotes}
    assert by_speaker["ウクライナ問題の解決"] == "peskov"
    assert by_speaker["非現実的な目標だ"] == "hegseth"
    assert by_speaker["ロシアの誠意ある対応"] is None  # the White House, not a person
    assert "門戸開放" not in {q.text for q in analysis.quotes}
    later = pipeline.analyze(second).analysis
    assert {q.speaker for q in later.quotes if q.text.startswith("プーチン大統領がこの電話")} == {
        "trump"
    }


@pytest.mark.parametrize(
    ("label", "surname"),
    [
        ({"ja": "ペスコフ", "en": "Dmitry Peskov"}, "Peskov"),
        ({"ja": "金", "en": "Kim Jong Un"}, "Kim"),
        ({"ja": "森", "en": "Takahiro Mori"}, "Mori"),
        ({"ja": "岸田", "en": "Fumio Kishida"}, "Kishida"),
        ({"ja": "ブルハン", "en": "Abdel Fattah al-Burhan"}, "Burhan"),
    ],
)
def test_english_surname_for_lookup_scoring(label: dict, surname: str) -> None:
    assert english_surname(label) == surname
