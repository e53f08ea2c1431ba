"""``newsbot digest``: the digest that would be posted, as text or JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import UsageError, digest_cmd
from bot.storage.db import open_database
from tests.services.conftest import store_article


def _run(argv: list[str]) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config")
    common.add_argument("--db")
    parser = argparse.ArgumentParser(prog="newsbot")
    digest_cmd.register(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def db_path(config_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    now = datetime.now(UTC)

    async def fill() -> None:
        db = await open_database(path)
        try:
            await store_article(
                db, "停戦交渉が再開", now - timedelta(hours=2), {"ceasefire_talks": ["根拠。"]}
            )
            await store_article(db, "NATO首脳会議", now - timedelta(hours=1), {"nato": ["根拠。"]})
            await store_article(
                db, "三日前の領土問題", now - timedelta(days=3), {"territory": ["根拠。"]},
                now=now - timedelta(days=3),
            )  # fmt: skip
        finally:
            await db.close()

    asyncio.run(fill())
    return path


def test_text_digest_of_the_last_day(config_dir, db_path, capsys) -> None:
    assert _run(["digest", "--config", str(config_dir), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "— 2 articles since" in out
    assert "Ceasefire talks / 停戦交渉 (1)" in out and "NATO (1)" in out
    assert "三日前" not in out


def test_json_since_and_topic(config_dir, db_path, capsys) -> None:
    since = (datetime.now(UTC) - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    argv = ["digest", "--config", str(config_dir), "--db", str(db_path), "--json"]
    assert _run([*argv, "--since", since, "--topic", "territory", "--topic", "nato"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 2 and data["timezone"] == "Asia/Tokyo"
    assert [s["topic"]["id"] for s in data["sections"]] == ["nato", "territory"]
    assert data["sections"][1]["items"][0]["title"] == "三日前の領土問題"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--since", "yesterday"], "is not an ISO date"),
        (["--since", "2999-01-01"], "is in the future"),
        (["--topic", "sanctions"], "Unknown topic 'sanctions'"),
    ],
)
def test_bad_arguments_are_usage_errors(config_dir, db_path, extra, message) -> None:
    with pytest.raises(UsageError, match=message):
        _run(["digest", "--config", str(config_dir), "--db", str(db_path), *extra])


def test_an_empty_database_gives_an_empty_digest(config_dir: Path, tmp_path: Path, capsys):
    assert _run(["digest", "--config", str(config_dir), "--db", str(tmp_path / "new.db")]) == 0
    out = capsys.readouterr().out
    assert "— 0 articles since" in out and "No new articles" in out
