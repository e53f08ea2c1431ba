"""``newsbot analyze`` and ``newsbot eval`` as subprocesses: output schema, exit codes,
rejected files, and the dev-corpus figures."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"
DEV = Path("/work/shared/corpus/dev")
TOPICS = {"ceasefire_talks", "nato", "territory", "prisoner_release"}
ARTICLE_KEYS = {
    "file", "title", "subtitle", "source", "published", "dateline", "byline",
    "topics", "actors", "quotes",
}  # fmt: skip


def no_traceback(*streams: str) -> bool:
    return not any("Traceback" in s for s in streams)


def test_analyze_seed_json_schema_and_all_four_topics(cli: Callable, tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_bytes(SEED.read_bytes())
    run = cli("analyze", str(seed), "--json")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 2
    for line in lines:
        record = json.loads(line)
        assert set(record) == ARTICLE_KEYS
        assert record["file"] == str(seed)
        assert record["source"] == "Nikkei Online"
        assert record["published"].endswith("+09:00")
        assert {t["id"] for t in record["topics"]} == TOPICS
        for topic in record["topics"]:
            assert set(topic) == {"id", "score", "evidence"}
            assert 0.5 <= topic["score"] <= 1
            assert topic["evidence"] and all(s in SEED.read_text() for s in topic["evidence"])
        for actor in record["actors"]:
            assert set(actor) == {"id", "name_ja", "name_en", "role", "mentions"}
        for quote in record["quotes"]:
            assert set(quote) == {"speaker", "text"}
    first = json.loads(lines[0])
    assert first["dateline"] == "ワシントン" and first["byline"] == "坂口幸裕"
    release = next(t for t in first["topics"] if t["id"] == "prisoner_release")
    assert any("フォーゲル" in s for s in release["evidence"])


def test_analyze_walks_folders_reports_rejects_and_continues(
    cli: Callable, tmp_path: Path, article_file: Callable
) -> None:
    root = tmp_path / "in"
    article_file(
        root / "a" / "b" / "good.txt", "ガザ停戦が発効", "イスラエルとハマスの停戦が発効した。"
    )
    (root / "a" / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / ".hidden.txt").write_text("not looked at", encoding="utf-8")
    run = cli("analyze", str(root), "--json")
    assert run.returncode == 1
    assert no_traceback(run.stdout, run.stderr)
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["title"] for r in records] == ["ガザ停戦が発効"]
    assert records[0]["file"].endswith("good.txt")
    assert [t["id"] for t in records[0]["topics"]] == ["ceasefire_talks"]
    err = run.stderr.strip().splitlines()
    assert len(err) == 2
    assert any("empty.txt: rejected:" in e for e in err)
    assert any("binary.txt: rejected:" in e for e in err)


def test_analyze_text_output(cli: Callable, tmp_path: Path, article_file: Callable) -> None:
    path = article_file(
        tmp_path / "x.txt",
        "ロシアとウクライナが捕虜交換",
        "両国は捕虜交換を実施し、兵士100人が帰還した。",
    )
    run = cli("analyze", str(path))
    assert run.returncode == 0, run.stderr
    assert "ロシアとウクライナが捕虜交換" in run.stdout
    assert "topic prisoner_release" in run.stdout


def test_analyze_missing_path_is_a_usage_error(cli: Callable) -> None:
    run = cli("analyze", "no/such/file.txt", "--json")
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip() == "newsbot analyze: no such file or folder: no/such/file.txt"


@pytest.mark.skipif(not DEV.is_dir(), reason="dev corpus not available")
def test_eval_dev_corpus_meets_the_quality_bar(cli: Callable) -> None:
    run = cli("eval", "--corpus", str(DEV), "--labels", str(DEV / "labels.json"), "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["counts"] == {"labelled": 36, "parsed": 36, "matched": 36}
    topics = report["topics"]
    assert topics["macro_f1"] >= 0.95
    for topic, m in topics["per_topic"].items():
        assert m["f1"] >= 0.90, topic
        assert m["tp"] + m["fn"] == m["support"]
    for error in topics["errors"]:
        if error["kind"] == "fp":
            assert error["evidence"], error  # what misled the classifier is shown


@pytest.mark.skipif(not DEV.is_dir(), reason="dev corpus not available")
def test_eval_text_table(cli: Callable) -> None:
    run = cli("eval", "--corpus", str(DEV), "--labels", str(DEV / "labels.json"))
    assert run.returncode == 0, run.stderr
    out = run.stdout
    for word in ("ceasefire_talks", "nato", "territory", "prisoner_release", "micro", "macro F1"):
        assert word in out
    assert "P" in out and "F1" in out and "tp" in out


def _small_corpus(root: Path, article_file: Callable) -> Path:
    article_file(
        root / "one.txt",
        "NATO首脳会議が開幕",
        "北大西洋条約機構(NATO)は首脳会議を開き、加盟国の国防費を増やす目標で合意した。",
    )
    article_file(
        root / "two.txt",
        "ロシアとウクライナ、停戦協議",
        "ロシアとウクライナは停戦協議を開いた。和平案を話し合った。",
    )
    article_file(
        root / "sub" / "three.txt",
        "男子ゴルフ2団体が統合",
        "男子ゴルフの2団体は事業の統合で合意した。",
    )
    labels = {
        "files": [
            {"file": "one.txt", "articles": [{"title": "NATO首脳会議が開幕", "topics": ["nato"]}]},
            {
                "file": "two.txt",
                "articles": [{"title": "ロシアとウクライナ、停戦協議", "topics": []}],
            },
            {
                "file": "three.txt",
                "articles": [{"title": "男子ゴルフ2団体が統合", "topics": ["territory"]}],
            },
            {"file": "gone.txt", "articles": [{"title": "存在しない記事", "topics": ["nato"]}]},
        ]
    }
    path = root / "labels.json"
    path.write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    return path


def test_eval_lists_wrong_tags_with_evidence(
    cli: Callable, tmp_path: Path, article_file: Callable
) -> None:
    root = tmp_path / "corpus"
    labels = _small_corpus(root, article_file)
    run = cli("eval", "--corpus", str(root), "--labels", str(labels), "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["counts"] == {"labelled": 4, "parsed": 3, "matched": 3}
    assert report["unmatched_labels"] == [{"file": "gone.txt", "title": "存在しない記事"}]
    topics = report["topics"]
    assert topics["per_topic"]["nato"] == {
        "tp": 1, "fp": 0, "fn": 1, "support": 2, "precision": 1.0, "recall": 0.5, "f1": 0.6667,
    }  # fmt: skip
    errors = {(e["topic"], e["kind"], e["title"]): e for e in topics["errors"]}
    fp = errors[("ceasefire_talks", "fp", "ロシアとウクライナ、停戦協議")]
    assert "ロシアとウクライナは停戦協議を開いた。" in fp["evidence"]
    assert "停戦" in fp["terms"]
    fn = errors[("territory", "fn", "男子ゴルフ2団体が統合")]
    assert fn["why"] == "missing" and fn["evidence"] == []
    gone = errors[("nato", "fn", "存在しない記事")]
    assert gone["why"] == "article not found in corpus"

    text = cli("eval", "--corpus", str(root), "--labels", str(labels))
    assert "FP ceasefire_talks" in text.stdout
    assert "FN territory" in text.stdout and "missing" in text.stdout
    assert "> ロシアとウクライナは停戦協議を開いた。" in text.stdout


def test_eval_rejected_corpus_file_exits_1_and_is_listed(
    cli: Callable, tmp_path: Path, article_file: Callable
) -> None:
    root = tmp_path / "corpus"
    labels = _small_corpus(root, article_file)
    (root / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    run = cli("eval", "--corpus", str(root), "--labels", str(labels), "--json")
    assert run.returncode == 1
    assert no_traceback(run.stdout, run.stderr)
    report = json.loads(run.stdout)
    assert [r["file"] for r in report["rejected_files"]] == ["broken.txt"]
    assert report["counts"]["matched"] == 3


@pytest.mark.parametrize(
    ("labels_text", "message"),
    [
        ("{not json", "cannot read labels"),
        ('{"files": {}}', 'expected an object with a "files" list'),
        ('{"files": [{"file": "a.txt", "articles": [{"topics": []}]}]}', 'needs "title"'),
        (
            '{"files": [{"file": "a.txt", "articles": [{"title": "t", "topics": "nato"}]}]}',
            '"topics" must be a list of topic ids',
        ),
    ],
)
def test_eval_bad_labels_one_line_exit_2(
    cli: Callable, tmp_path: Path, labels_text: str, message: str
) -> None:
    (tmp_path / "corpus").mkdir()
    labels = tmp_path / "labels.json"
    labels.write_text(labels_text, encoding="utf-8")
    run = cli("eval", "--corpus", str(tmp_path / "corpus"), "--labels", str(labels))
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], run.stderr
    assert no_traceback(run.stderr)


def test_eval_missing_paths_exit_2(cli: Callable, tmp_path: Path) -> None:
    run = cli("eval", "--corpus", str(tmp_path / "nope"), "--labels", str(tmp_path / "l.json"))
    assert run.returncode == 2
    assert "--corpus" in run.stderr and "no such folder" in run.stderr
    (tmp_path / "c").mkdir()
    run = cli("eval", "--corpus", str(tmp_path / "c"), "--labels", str(tmp_path / "l.json"))
    assert run.returncode == 2
    assert "--labels" in run.stderr and "no such file" in run.stderr
