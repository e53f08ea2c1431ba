"""``newsbot ingest`` / ``search`` / ``retag`` as subprocesses: exit codes, summaries, no
tracebacks, crash between commit and move."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from pathlib import Path

from bot.parsing import parse_bytes

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"
DEV = Path("/work/shared/corpus/dev")


def db_rows(env: dict[str, str], sql: str) -> list[tuple]:
    with sqlite3.connect(env["NEWSBOT_DB"]) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def titles_in(*files: Path) -> set[str]:
    out: set[str] = set()
    for f in files:
        out |= {a.title for a in parse_bytes(f.read_bytes(), f.name).articles}
    return out


def no_traceback(*streams: str) -> bool:
    return not any("Traceback" in s for s in streams)


class Appender:
    """Keeps appending to a file (a download that is still running)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(f"追記{n}。\n")
            n += 1
            time.sleep(0.02)

    def __enter__(self) -> Appender:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_folder_of_bad_and_good_files(tmp_path: Path, cli, cli_env, article_file) -> None:
    cli_env["NEWSBOT_MAX_FILE_BYTES"] = "60000"
    folder = tmp_path / "drop"
    folder.mkdir()
    good = [shutil.copy(SEED, folder / "seed.txt")]
    if DEV.is_dir():
        good.append(shutil.copy(DEV / "dev_01.txt", folder / "dev_01.txt"))
    good.append(article_file(folder / "sub" / "mine.txt", "停戦監視団が到着", "監視団が到着した。"))
    bad = {
        "empty.txt": b"",
        "random.bin": bytes((i * 7919) % 256 for i in range(4000)),
        "truncated.txt": SEED.read_bytes()[:100],
        "huge.txt": SEED.read_bytes() * 8,
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    article_file(folder / "partial.txt.part", "書きかけ", "途中まで。")
    growing = article_file(folder / "growing.txt", "追記中の記事", "本文。")

    with Appender(growing):
        res = cli("ingest", str(folder), "--config", str(tmp_path / "config"))

    assert res.returncode == 1, res.stderr
    assert no_traceback(res.stdout, res.stderr)
    out = res.stdout
    for name, why in [
        ("empty.txt", "empty file"),
        ("random.bin", "binary"),
        ("truncated.txt", "no body text"),
        ("huge.txt", "over the limit of 60000"),
    ]:
        assert any(name in line and why in line for line in out.splitlines()), (name, out)
    assert "deferred: " in out and "partial.txt.part" in out and "growing.txt" in out
    stored = {r[0] for r in db_rows(cli_env, "SELECT title FROM articles")}
    assert stored == titles_in(*good)
    quarantined = db_rows(cli_env, "SELECT name FROM files WHERE status = 'quarantined'")
    assert sorted(r[0] for r in quarantined) == sorted(bad)
    # Files outside the inbox are never moved.
    assert all((folder / n).exists() for n in bad) and all(Path(g).exists() for g in good)


def test_good_files_exit_0_and_again_store_nothing(tmp_path: Path, cli, cli_env) -> None:
    first = cli("ingest", str(SEED), "--config", str(tmp_path / "config"))
    assert first.returncode == 0, first.stderr
    assert "articles: 2 new, 0 updated, 0 unchanged" in first.stdout
    again = cli("ingest", str(SEED), "--json", "--config", str(tmp_path / "config"))
    assert again.returncode == 0
    summary = json.loads(again.stdout)
    assert (summary["known"], summary["articles"]["new"]) == (1, 0)
    assert db_rows(cli_env, "SELECT COUNT(*) FROM articles") == [(2,)]


def test_search_finds_the_seed_articles(tmp_path: Path, cli) -> None:
    cfg = str(tmp_path / "config")
    assert cli("ingest", str(SEED), "--config", cfg).returncode == 0
    res = cli("search", "停戦", "--json", "--config", cfg)
    assert res.returncode == 0, res.stderr
    found = {r["title"] for r in json.loads(res.stdout)["results"]}
    assert found == titles_in(SEED)
    text = cli("search", "停戦", "--limit", "1", "--config", cfg)
    assert text.returncode == 0
    assert text.stdout.startswith("1. ") and "Nikkei Online" in text.stdout
    assert "2. " not in text.stdout
    none = cli("search", "存在しない単語列", "--config", cfg)
    assert none.returncode == 0 and "no articles match" in none.stdout


def test_crash_between_commit_and_move(tmp_path: Path, cli, cli_env) -> None:
    inbox = Path(cli_env["NEWSBOT_INBOX"])
    inbox.mkdir(parents=True)
    path = shutil.copy(SEED, inbox / "seed.txt")
    cfg = str(tmp_path / "config")
    cli_env["NEWSBOT_TEST_CRASH_AFTER_COMMIT"] = "1"
    crashed = cli("ingest", str(path), "--config", cfg)
    assert crashed.returncode == -9  # SIGKILL right after the commit
    assert Path(path).exists()
    assert db_rows(cli_env, "SELECT COUNT(*) FROM articles") == [(2,)]

    del cli_env["NEWSBOT_TEST_CRASH_AFTER_COMMIT"]
    again = cli("ingest", str(path), "--json", "--config", cfg)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["known"] == 1
    assert not Path(path).exists()
    assert (Path(cli_env["NEWSBOT_ARCHIVE"]) / "seed.txt").exists()
    assert db_rows(cli_env, "SELECT COUNT(*) FROM articles") == [(2,)]
    assert db_rows(cli_env, "SELECT COUNT(*) FROM articles_fts") == [(2,)]
    assert db_rows(cli_env, "SELECT COUNT(*), SUM(article_count) FROM files") == [(1, 2)]


def test_retag_replaces_topics_without_alerts(tmp_path: Path, cli, cli_env) -> None:
    cfg = tmp_path / "config"
    assert cli("ingest", str(SEED), "--config", str(cfg)).returncode == 0
    before = db_rows(cli_env, "SELECT article_id, topic_id FROM article_topics ORDER BY 1, 2")
    assert before, "the seed articles should carry topics"
    with sqlite3.connect(cli_env["NEWSBOT_DB"]) as conn:
        conn.execute(
            "INSERT INTO subscriptions (platform, channel_id, topics, created_at)"
            " VALUES ('console', 'c', '[\"*\"]', '2025-01-01T00:00:00+00:00')"
        )
        conn.execute("DELETE FROM article_topics")
    res = cli("retag", "--json", "--config", str(cfg))
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["articles"] == 2 and summary["topics_changed"] == len({a for a, _ in before})
    after = db_rows(cli_env, "SELECT article_id, topic_id FROM article_topics ORDER BY 1, 2")
    assert after == before
    assert db_rows(cli_env, "SELECT COUNT(*) FROM outbox") == [(0,)]


def test_usage_errors_are_one_line_exit_2(tmp_path: Path, cli) -> None:
    cfg = str(tmp_path / "config")
    cases = [
        ("ingest", str(tmp_path / "missing.txt"), "--config", cfg),
        ("search", "「」", "--config", cfg),
        ("search", "停戦", "--limit", "0", "--config", cfg),
        ("ingest", str(SEED), "--config", str(tmp_path / "no-such-config")),
    ]
    for args in cases:
        res = cli(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert no_traceback(res.stdout, res.stderr)
        assert res.stderr.strip(), args


def test_help_says_which_files_are_moved(cli) -> None:
    res = cli("ingest", "--help")
    assert res.returncode == 0
    text = " ".join(res.stdout.split())
    assert "inside the configured inbox" in text and "never moved" in text
