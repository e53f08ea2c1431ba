"""App in-process: seeds only into a new database, scans start at once, stop is clean."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.app import INGEST_JOB_ID, App
from bot.settings import Settings
from bot.storage.articles import count_articles
from bot.storage.db import DatabaseError
from bot.storage.files import count_files

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"


@pytest.fixture
def with_seeds(settings: Settings, tmp_path: Path) -> Settings:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    return settings.model_copy(update={"seeds": seeds, "settle_seconds": 0.05})


async def wait_until(cond, timeout: float = 60) -> None:
    async def poll() -> None:
        while not await cond():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)


async def test_seeds_go_into_a_new_database_only(with_seeds: Settings) -> None:
    app = App(with_seeds)
    await app.start()
    try:
        assert await count_articles(app.db) == 2
        assert INGEST_JOB_ID in app.scheduler.job_ids()
    finally:
        await app.stop()
    assert (with_seeds.seeds / SEED.name).exists()  # never moved

    # Second start: the database is not new, the seeds are not read again.
    (with_seeds.seeds / "more.txt").write_text(
        SEED.read_text(encoding="utf-8").replace("トランプ氏、", "別の見出し、"), encoding="utf-8"
    )
    app = App(with_seeds)
    await app.start()
    try:
        assert await count_articles(app.db) == 2
        assert await count_files(app.db) == 1
    finally:
        await app.stop()


async def test_inbox_file_is_ingested_by_the_scheduled_scan(settings: Settings) -> None:
    s = settings.model_copy(update={"settle_seconds": 0.05, "scan_interval": 0.2})
    app = App(s)
    await app.start()
    try:
        shutil.copy(SEED, s.inbox / "x.txt")

        async def archived() -> bool:
            return (s.archive / "x.txt").exists()

        await wait_until(archived)
        assert await count_articles(app.db) == 2
    finally:
        await app.stop()
    assert not app.scheduler.running


async def test_start_failure_leaves_nothing_open(settings: Settings) -> None:
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(settings.db) as conn:
        conn.execute("PRAGMA user_version = 999")
    app = App(settings)
    with pytest.raises(DatabaseError):
        await app.start()
    assert not app.scheduler.running
    with pytest.raises(RuntimeError):
        _ = app.db
