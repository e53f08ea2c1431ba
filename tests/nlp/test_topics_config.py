"""topics.toml: the shipped file, one-line errors for bad files, and an operator's new topic."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.models import Article, Paragraph
from bot.nlp.pipeline import Pipeline
from bot.nlp.tokenizer import get_tokenizer
from bot.nlp.topics import classify, load_topics
from bot.settings import ConfigError

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "config" / "topics.toml"

MINIMAL = """
[[topics]]
id = "sanctions"
label_en = "Sanctions"
label_ja = "制裁"
colour = "#C0392B"
definition = "Economic sanctions."
terms = [
  { term = "制裁", weight = 2.0 },
  { term = "資産凍結", weight = 2.0 },
  { term = "輸出規制", weight = 1.0 },
]
"""

SANCTIONS_BLOCK = """

[[topics]]
id = "sanctions"
label_en = "Sanctions"
label_ja = "制裁"
colour = "#C0392B"
definition = "Economic sanctions and export controls against a state, its companies or its people."
exclude = ["制裁金", "制裁措置を受けた選手"]
terms = [
  { term = "制裁", weight = 2.0, group = "sanction" },
  { term = "追加制裁", weight = 2.5, group = "sanction" },
  { term = "資産凍結", weight = 2.0, group = "measure" },
  { term = "輸出規制", weight = 1.5, group = "measure" },
  { term = "禁輸", weight = 2.0, group = "measure" },
  { term = "対象", weight = 0.5, near = ["制裁"], core = false },
]
"""

SANCTIONS_ARTICLE = Article(
    title="EU、ロシアへの追加制裁を決定",
    subtitle="ロシア産液化天然ガスの禁輸を段階的に",
    paragraphs=(
        Paragraph(
            "欧州連合(EU)は23日、ロシアに対する第19弾の追加制裁を決めた。"
            "ロシア産液化天然ガス(LNG)の輸入を段階的に禁じる。"
        ),
        Paragraph("ロシアの銀行など新たに45団体を資産凍結の対象に加えた。"),
    ),
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_topics_have_the_stable_ids_and_fields() -> None:
    topics = load_topics(SHIPPED)
    assert topics.ids == ["ceasefire_talks", "nato", "territory", "prisoner_release"]
    for t in topics.topics:
        assert t.label_en and t.label_ja and t.definition
        assert isinstance(t.colour, int) and 0 <= t.colour <= 0xFFFFFF
        assert 0 < t.threshold < 1
        assert t.terms
    nato = topics.get("nato")
    assert nato is not None and nato.label_en == "NATO"
    assert topics.get("no_such_topic") is None
    assert "territory" in topics


def test_operator_adds_sanctions_without_code(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(REPO / "config", config)
    with (config / "topics.toml").open("a", encoding="utf-8") as fh:
        fh.write(SANCTIONS_BLOCK)
    pipeline = Pipeline.from_config(config)
    assert pipeline.topics.get("sanctions") is not None
    analysis = pipeline.analyze(SANCTIONS_ARTICLE).analysis
    tag = next(t for t in analysis.topics if t.id == "sanctions")
    assert tag.score >= 0.5
    assert "追加制裁" in tag.terms
    assert any("追加制裁を決めた" in e for e in tag.evidence)
    # The default topics are untouched by the new one.
    assert "nato" not in analysis.topic_ids


def test_new_topic_does_not_fire_on_unrelated_text(tmp_path: Path) -> None:
    topics = load_topics(write(tmp_path, MINIMAL))
    article = Article(
        title="日銀、金利据え置き", paragraphs=(Paragraph("日銀は金利を据え置いた。"),)
    )
    doc = get_tokenizer().parse(article.nlp_text())
    assert classify(doc, article, topics) == []


def test_colour_forms(tmp_path: Path) -> None:
    text = MINIMAL.replace('colour = "#C0392B"', "colour = 0x123456")
    assert load_topics(write(tmp_path, text)).topics[0].colour == 0x123456
    text = MINIMAL.replace('colour = "#C0392B"', 'colour = "abcdef"')
    assert load_topics(write(tmp_path, text)).topics[0].colour == 0xABCDEF


BAD = [
    (
        "weight_not_number",
        MINIMAL.replace(
            '{ term = "輸出規制", weight = 1.0 }', '{ term = "輸出規制", weight = "x" }'
        ),
        "topic 'sanctions': terms[2].weight must be a number",
    ),
    (
        "weight_zero",
        MINIMAL.replace('{ term = "制裁", weight = 2.0 }', '{ term = "制裁", weight = 0 }'),
        "topic 'sanctions': terms[0].weight must be between 0 and 10",
    ),
    (
        "term_missing",
        MINIMAL.replace('{ term = "資産凍結", weight = 2.0 }', "{ weight = 2.0 }"),
        "topic 'sanctions': terms[1].term must be a non-empty string",
    ),
    (
        "unknown_term_field",
        MINIMAL.replace('{ term = "制裁", weight = 2.0 }', '{ term = "制裁", wieght = 2.0 }'),
        "topic 'sanctions': terms[0]: unknown field 'wieght'",
    ),
    (
        "near_not_list",
        MINIMAL.replace('{ term = "制裁", weight = 2.0 }', '{ term = "制裁", near = [1] }'),
        "topic 'sanctions': terms[0].near must be a list of non-empty strings",
    ),
    (
        "core_not_bool",
        MINIMAL.replace('{ term = "制裁", weight = 2.0 }', '{ term = "制裁", core = "yes" }'),
        "topic 'sanctions': terms[0].core must be true or false",
    ),
    (
        "bad_colour",
        MINIMAL.replace('colour = "#C0392B"', 'colour = "red"'),
        "topic 'sanctions': colour must be",
    ),
    (
        "threshold_out_of_range",
        MINIMAL.replace('definition = "Economic sanctions."', 'definition = "x"\nthreshold = 2'),
        "topic 'sanctions': threshold must be a number between 0 and 1",
    ),
    (
        "label_missing",
        MINIMAL.replace('label_en = "Sanctions"\n', ""),
        "topic 'sanctions': label_en must be a non-empty string",
    ),
    (
        "no_terms",
        MINIMAL.split("terms = [")[0] + "terms = []\n",
        "topic 'sanctions': terms must be a non-empty list",
    ),
    (
        "bad_id",
        MINIMAL.replace('id = "sanctions"', 'id = "Sanctions!"'),
        "topics[1]: id must be lower-case letters, digits and _",
    ),
    (
        "duplicate_id",
        MINIMAL + MINIMAL,
        "topic 'sanctions': id is defined twice",
    ),
    (
        "unknown_topic_field",
        MINIMAL.replace('label_ja = "制裁"', 'label_ja = "制裁"\ncolor = "#000000"'),
        "topic 'sanctions': unknown field 'color'",
    ),
    ("no_topics", "[scoring]\nscale = 3.0\n", "no [[topics]] defined"),
    (
        "scoring_zone",
        "[scoring.zones]\nfooter = 1.0\n" + MINIMAL,
        "scoring.zones.footer: unknown zone",
    ),
    ("scoring_scale", "[scoring]\nscale = -1\n" + MINIMAL, "scoring.scale must be a non-negative"),
    ("toml_syntax", MINIMAL.replace("terms = [", "terms = [[["), "cannot read"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_file_gives_one_line_naming_file_topic_and_field(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_topics(path)
    line = str(info.value)
    assert "\n" not in line
    assert line.startswith(f"{path}: ")
    assert message in line, line


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=re.escape(f"{tmp_path / 'nope.toml'}: topics file not found")
    ):
        load_topics(tmp_path / "nope.toml")


def test_cli_reports_config_error_in_one_line(
    cli: Callable[..., subprocess.CompletedProcess[str]], config_dir: Path, tmp_path: Path
) -> None:
    topics = config_dir / "topics.toml"
    bad = SANCTIONS_BLOCK.replace('weight = 1.5, group = "measure"', 'weight = "high"')
    topics.write_text(topics.read_text(encoding="utf-8") + bad, encoding="utf-8")
    article = tmp_path / "a.json"
    article.write_text('{"title": "t", "body": "本文。"}', encoding="utf-8")
    run = cli("analyze", str(article), "--json")
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0] == (
        f"newsbot analyze: {topics}: topic 'sanctions': terms[3].weight must be a number"
    )
