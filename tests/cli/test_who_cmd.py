"""``newsbot who NAME [--json]`` as a subprocess, after a real ``newsbot ingest``."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def ingested(cli: Cli, tmp_path: Path) -> Cli:
    copy = tmp_path / "seed.txt"
    shutil.copy(SEED, copy)
    done = cli("ingest", str(copy))
    assert done.returncode == 0, done.stderr
    return cli


def test_who_json_found(ingested: Cli) -> None:
    done = ingested("who", "Peskov", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["query"] == "Peskov"
    assert data["status"] == "found"
    actor = data["actor"]
    assert (actor["id"], actor["name_ja"], actor["name_en"]) == (
        "peskov",
        "ペスコフ",
        "Dmitry Peskov",
    )
    assert actor["roles"][0]["role"] == "ロシア大統領報道官"
    assert actor["article_count"] == 2
    assert actor["quotes"] and {"text", "article_title", "published"} <= set(actor["quotes"][0])
    assert isinstance(actor["topics"], dict)
    assert isinstance(actor["co_actors"], list)
    assert data["candidates"] == []


def test_who_text_found_in_japanese(ingested: Cli) -> None:
    done = ingested("who", "ペスコフ")
    assert done.returncode == 0
    assert "Dmitry Peskov (ペスコフ)" in done.stdout
    assert "ロシア大統領報道官" in done.stdout
    assert "in 2 articles" in done.stdout


def test_who_unknown_exits_1_with_suggestions(ingested: Cli) -> None:
    done = ingested("who", "Smith", "--json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["status"] == "unknown" and data["actor"] is None
    assert data["candidates"]
    text = ingested("who", "Smith")
    assert text.returncode == 1
    assert "no one called 'Smith'" in text.stdout and "did you mean" in text.stdout
    assert "Traceback" not in text.stderr


def test_who_two_words_and_near_misses(ingested: Cli) -> None:
    for name in (["Dmitry", "Peskov"], ["peskow"], ["Witkof"], ["hegseth"]):
        done = ingested("who", *name, "--json")
        assert done.returncode == 0, (name, done.stdout)
        assert json.loads(done.stdout)["status"] == "found"


def test_who_usage_errors(cli: Cli) -> None:
    done = cli("who", "  ")
    assert done.returncode == 2
    assert "give a name" in done.stderr
    assert "Traceback" not in done.stderr


def test_who_ambiguous_lists_both_and_exits_0(
    cli: Cli, tmp_path: Path, article_file: Callable[..., Path]
) -> None:
    body = "サウジアラビアのムハンマド皇太子と、アラブ首長国連邦(UAE)のムハンマド大統領が仲介した。"
    path = article_file(tmp_path / "in" / "m.txt", "湾岸諸国が仲介", body)
    assert cli("ingest", str(path)).returncode == 0
    done = cli("who", "ムハンマド", "--json")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert data["status"] == "ambiguous"
    assert {c["id"] for c in data["candidates"]} == {"mbs", "mbz"}
    text = cli("who", "ムハンマド")
    assert "could be several people" in text.stdout
    assert "Mohammed bin Salman" in text.stdout and "Mohamed bin Zayed" in text.stdout
