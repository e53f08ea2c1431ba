"""Labels file reading, corpus walking, and pairing parsed articles with labelled ones."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.evaluation.corpus import (
    LabelledArticle,
    LabelsError,
    ParsedArticle,
    load_labels,
    pair,
    read_corpus,
    title_key,
    walk_files,
)
from bot.models import Article, Paragraph

DEV = Path("/work/shared/corpus/dev")
TOKYO = ZoneInfo("Asia/Tokyo")


def parsed(file: str, title: str) -> ParsedArticle:
    return ParsedArticle(file, Article(title=title, paragraphs=(Paragraph("本文。"),)))


def label(file: str, title: str, *topics: str) -> LabelledArticle:
    return LabelledArticle(file, title, frozenset(topics), {"title": title})


def test_title_key_ignores_width_and_spaces() -> None:
    assert title_key("ＮＡＴＯ、北欧２国の加盟　手続き") == title_key("NATO、北欧2国の加盟手続き")


def test_pair_by_file_and_title_then_unique_title() -> None:
    labels = [
        label("a.txt", "同じ見出し", "nato"),
        label("b.txt", "同じ見出し"),
        label("old_name.txt", "ＵＡＥが仲介"),
        label("c.txt", "どこにもない"),
    ]
    arts = [
        parsed("b.txt", "同じ見出し"),
        parsed("a.txt", "同じ見出し"),
        parsed("sub/renamed.txt", "UAEが仲介"),
        parsed("d.txt", "ラベルなし"),
    ]
    result = pair(labels, arts)
    assert [(lab.file, p.file) for lab, p in result.pairs] == [
        ("a.txt", "a.txt"),
        ("b.txt", "b.txt"),
        ("old_name.txt", "sub/renamed.txt"),
    ]
    assert [lab.title for lab in result.unmatched_labels] == ["どこにもない"]
    assert [p.article.title for p in result.unlabelled] == ["ラベルなし"]


def test_ambiguous_title_in_another_file_is_not_guessed() -> None:
    labels = [label("x.txt", "同じ見出し")]
    arts = [parsed("a.txt", "同じ見出し"), parsed("b.txt", "同じ見出し")]
    result = pair(labels, arts)
    assert result.pairs == []
    assert len(result.unlabelled) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", 'expected an object with a "files" list'),
        ('{"files": [{"articles": []}]}', 'files[0]: needs "file"'),
        ('{"files": [{"file": "a", "articles": {}}]}', 'files[0]: needs "articles"'),
        ('{"files": [{"file": "a", "articles": [{"title": 1}]}]}', 'articles[0]: needs "title"'),
        ('{"files": [{"file": "a", "articles": [{"title": "t", "topics": [1]}]}]}', '"topics"'),
        ("{oops", "cannot read labels"),
    ],
)
def test_bad_labels(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "labels.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabelsError) as info:
        load_labels(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_labels_keep_the_raw_article_object(tmp_path: Path) -> None:
    raw = {"title": "見出し", "topics": ["nato"], "actors": [{"ja": "ルッテ", "en": "Mark Rutte"}]}
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"files": [{"file": "a.txt", "articles": [raw]}]}), encoding="utf-8")
    (item,) = load_labels(path)
    assert item.file == "a.txt" and item.topics == frozenset({"nato"})
    assert item.raw == raw


def test_walk_files_skips_hidden_partial_and_given_files(tmp_path: Path) -> None:
    for name in (
        "a.txt",
        "sub/b.json",
        "sub/.hidden.txt",
        ".git/c.txt",
        "d.txt.part",
        "labels.json",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = [
        p.relative_to(tmp_path).as_posix()
        for p in walk_files([tmp_path], [tmp_path / "labels.json"])
    ]
    assert found == ["a.txt", "sub/b.json"]


@pytest.mark.skipif(not DEV.is_dir(), reason="dev corpus not available")
def test_dev_corpus_pairs_completely() -> None:
    labels = load_labels(DEV / "labels.json")
    corpus = read_corpus(DEV, TOKYO, skip=[DEV / "labels.json"])
    assert corpus.rejected == []
    result = pair(labels, corpus.articles)
    assert len(result.pairs) == len(labels) == 36
    assert result.unmatched_labels == [] and result.unlabelled == []
