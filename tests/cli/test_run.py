"""``newsbot run`` as a subprocess: seeds at first start, inbox files stored within a scan,
duplicates and updates, quarantine, SIGTERM/SIGINT, and a SIGKILL between commit and move."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"
SEED_TITLES = {
    "トランプ氏、戦争終結へ交渉開始 プーチン氏と合意",
    "トランプ政権、ロシアと直接協議へ転換",
}
PATIENCE = 180.0  # seconds; generous (busy CI machines), never a timing assertion


def rows(env: dict[str, str], sql: str, params: tuple = ()) -> list[tuple]:
    path = Path(env["NEWSBOT_DB"])
    if not path.exists():
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return [tuple(r) for r in conn.execute(sql, params).fetchall()]
    except sqlite3.OperationalError:  # schema not created yet
        return []


def wait_for(what: str, check: Callable[[], object], proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"bot exited with {proc.returncode} while waiting for {what}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def drop(inbox: Path, name: str, data: bytes) -> None:
    """Write under a temporary name, then rename: how a careful producer delivers."""
    inbox.mkdir(parents=True, exist_ok=True)
    tmp = inbox / f"{name}.part"
    tmp.write_bytes(data)
    tmp.rename(inbox / name)


@contextmanager
def running(env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen]:
    err = (cwd / "stderr.log").open("a")
    out = (cwd / "stdout.log").open("a")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", env["NEWSBOT_CONFIG"]],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=err,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        err.close()
        out.close()


def count(env: dict[str, str], table: str) -> int:
    r = rows(env, f"SELECT COUNT(*) FROM {table}")
    return int(r[0][0]) if r else 0


def test_run_ingests_seeds_and_inbox_then_stops_on_sigterm(
    tmp_path: Path, cli_env: dict[str, str], article_file
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    cli_env["NEWSBOT_SEEDS"] = str(seeds)
    inbox = Path(cli_env["NEWSBOT_INBOX"])
    archive = Path(cli_env["NEWSBOT_ARCHIVE"])
    quarantine = Path(cli_env["NEWSBOT_QUARANTINE"])

    with running(cli_env, tmp_path) as bot:
        # Seeds: ingested at first start, left where they are.
        wait_for(
            "the seed articles",
            lambda: {r[0] for r in rows(cli_env, "SELECT title FROM articles")} == SEED_TITLES,
            bot,
        )
        assert (seeds / SEED.name).exists()

        body = "停戦監視団の派遣について協議した。双方は来週にも再協議する。"
        first = article_file(tmp_path / "a.txt", "停戦監視団の派遣で協議", body)
        drop(inbox, "a.txt", first.read_bytes())
        wait_for("the dropped article", lambda: count(cli_env, "articles") == 3, bot)
        wait_for("a.txt archived", lambda: (archive / "a.txt").exists(), bot)

        # The same bytes again: archived under a new name, nothing stored.
        drop(inbox, "a.txt", first.read_bytes())
        wait_for("the duplicate archived", lambda: (archive / "a-1.txt").exists(), bot)
        assert count(cli_env, "articles") == 3
        assert rows(cli_env, "SELECT MAX(revision) FROM articles") == [(1,)]

        # A later 更新 of the same outlet + headline updates the article.
        later = article_file(
            tmp_path / "b.txt",
            "停戦監視団の派遣で協議",
            body + "派遣の規模は未定だ。",
            updated="2025年2月14日 10:00",
        )
        drop(inbox, "b.txt", later.read_bytes())
        wait_for(
            "the update",
            lambda: (
                rows(
                    cli_env,
                    "SELECT revision FROM articles WHERE title = ?",
                    ("停戦監視団の派遣で協議",),
                )
                == [(2,)]
            ),
            bot,
        )
        assert count(cli_env, "articles") == 3

        # A bad file goes to quarantine with its reason; the bot keeps running.
        drop(inbox, "broken.txt", b"\x00\x01garbage" * 50)
        wait_for("quarantine", lambda: (quarantine / "broken.txt.reason").exists(), bot)
        assert (quarantine / "broken.txt").exists()
        assert bot.poll() is None

        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=PATIENCE) == 0

    stderr = (tmp_path / "stderr.log").read_text()
    assert "Traceback" not in stderr
    assert "quarantined broken.txt" in stderr
    assert list(inbox.iterdir()) == []


def test_sigkill_between_commit_and_move_then_restart(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    inbox = Path(cli_env["NEWSBOT_INBOX"])
    archive = Path(cli_env["NEWSBOT_ARCHIVE"])
    drop(inbox, "seed.txt", SEED.read_bytes())
    cli_env["NEWSBOT_TEST_CRASH_AFTER_COMMIT"] = "1"
    with running(cli_env, tmp_path) as bot:
        assert bot.wait(timeout=PATIENCE) == -signal.SIGKILL
    assert (inbox / "seed.txt").exists()
    assert count(cli_env, "articles") == 2

    del cli_env["NEWSBOT_TEST_CRASH_AFTER_COMMIT"]
    with running(cli_env, tmp_path) as bot:
        wait_for("the file archived after restart", lambda: (archive / "seed.txt").exists(), bot)
        bot.send_signal(signal.SIGINT)
        assert bot.wait(timeout=PATIENCE) == 0
    assert not (inbox / "seed.txt").exists()
    assert count(cli_env, "articles") == 2
    assert count(cli_env, "articles_fts") == 2
    assert rows(cli_env, "SELECT COUNT(*), SUM(article_count) FROM files") == [(1, 2)]
    assert "Traceback" not in (tmp_path / "stderr.log").read_text()


def test_run_refuses_a_newer_database(tmp_path: Path, cli, cli_env: dict[str, str]) -> None:
    db = Path(cli_env["NEWSBOT_DB"])
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    res = cli("run", timeout=PATIENCE)
    assert res.returncode == 2
    assert "newer than this newsbot" in res.stderr and "Traceback" not in res.stderr


def test_run_with_bad_config_exits_2(tmp_path: Path, cli, cli_env: dict[str, str]) -> None:
    cli_env["NEWSBOT_SCAN_INTERVAL"] = "soon"
    res = cli("run", timeout=PATIENCE)
    assert res.returncode == 2
    assert "NEWSBOT_SCAN_INTERVAL" in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
