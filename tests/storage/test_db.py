"""open_database: pragmas, schema version, one transaction per migration, refusal of newer DBs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import db as dbmod
from bot.storage.db import SCHEMA_VERSION, DatabaseError, open_database


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')").fetchall()
    return {r[0] for r in rows}


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("foreign_keys", 1),
        ("busy_timeout", 5000),
        ("user_version", SCHEMA_VERSION),
    ],
)
async def test_pragmas_on_open(tmp_path: Path, pragma: str, expected: object) -> None:
    db = await open_database(tmp_path / "a.db")
    try:
        row = await db.fetchone(f"PRAGMA {pragma}")
        assert row is not None and row[0] == expected
    finally:
        await db.close()


async def test_new_database_has_schema_v1_tables(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "sub" / "dir" / "a.db")
    await db.close()
    assert {"files", "articles", "articles_fts", "article_topics", "outbox"} <= _tables(
        tmp_path / "sub" / "dir" / "a.db"
    )


async def test_reopen_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    db = await open_database(path)
    async with db.transaction():
        await db.execute(
            "INSERT INTO files (name, sha256, size, status, received_at)"
            " VALUES ('x.txt', 'abc', 1, 'ingested', '2025-01-01T00:00:00+00:00')"
        )
    await db.close()
    db = await open_database(path)
    try:
        row = await db.fetchone("SELECT COUNT(*) FROM files")
        assert row is not None and row[0] == 1
    finally:
        await db.close()
    assert _user_version(path) == SCHEMA_VERSION


async def test_foreign_keys_are_enforced(db) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction():
            await db.execute(
                "INSERT INTO article_topics (article_id, topic_id, score, evidence)"
                " VALUES (999, 'nato', 1.0, '{}')"
            )


async def test_refuses_database_newer_than_code(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE mystery (x)")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(DatabaseError, match="newer than this newsbot"):
        await open_database(path)
    # Refused, not touched: no migration ran over it.
    assert _user_version(path) == SCHEMA_VERSION + 1
    assert _tables(path) == {"mystery"}


async def test_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database\x00" * 100)
    with pytest.raises(DatabaseError, match="junk.db"):
        await open_database(path)


async def test_failed_migration_rolls_back_entirely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.db"
    await (await open_database(path)).close()
    real = dbmod.migrations()
    broken = (
        SCHEMA_VERSION + 1,
        f"{SCHEMA_VERSION + 1:04d}_broken.sql",
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    monkeypatch.setattr(dbmod, "migrations", lambda: [*real, broken])
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(DatabaseError, match="no_such_table"):
        await open_database(path)
    assert _user_version(path) == SCHEMA_VERSION
    assert "half_done" not in _tables(path)


async def test_pending_migration_applies_and_bumps_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.db"
    await (await open_database(path)).close()
    real = dbmod.migrations()
    extra = (SCHEMA_VERSION + 1, "extra.sql", "CREATE TABLE added_later (x INTEGER);\n")
    monkeypatch.setattr(dbmod, "migrations", lambda: [*real, extra])
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    await (await open_database(path)).close()
    assert _user_version(path) == SCHEMA_VERSION + 1
    assert "added_later" in _tables(path)


async def test_transaction_commits_or_rolls_back(db) -> None:
    insert = (
        "INSERT INTO files (name, sha256, size, status, received_at)"
        " VALUES (?, ?, 1, 'ingested', '2025-01-01T00:00:00+00:00')"
    )
    async with db.transaction():
        await db.execute(insert, ("kept.txt", "h1"))
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute(insert, ("lost.txt", "h2"))
            raise RuntimeError("boom")
    rows = await db.fetchall("SELECT name FROM files ORDER BY name")
    assert [r[0] for r in rows] == ["kept.txt"]


def test_bundled_migrations_are_in_sequence() -> None:
    versions = [v for v, _, _ in dbmod.migrations()]
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) == SCHEMA_VERSION


async def test_other_tasks_wait_for_an_open_transaction(db) -> None:
    """A statement from another task must not join (and be rolled back with) a transaction."""
    import asyncio

    await db.execute("CREATE TABLE t (x INTEGER)")
    entered = asyncio.Event()
    release = asyncio.Event()

    async def failing_ingest() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (1)")
                entered.set()
                await release.wait()
                raise RuntimeError("crash inside the transaction")

    async def other_writer() -> None:
        await entered.wait()
        await db.execute("INSERT INTO t VALUES (2)")

    first = asyncio.create_task(failing_ingest())
    second = asyncio.create_task(other_writer())
    await entered.wait()
    await asyncio.sleep(0.05)
    assert not second.done()
    release.set()
    await asyncio.gather(first, second)
    rows = await db.fetchall("SELECT x FROM t")
    assert [r[0] for r in rows] == [2]


async def test_nested_transaction_joins_the_outer_one(db) -> None:
    await db.execute("CREATE TABLE t (x INTEGER)")
    async with db.transaction():
        await db.execute("INSERT INTO t VALUES (1)")
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (2)")
    assert (await db.fetchone("SELECT count(*) FROM t"))[0] == 2


async def test_run_transaction_commits_or_rolls_back_in_one_hop(db) -> None:
    await db.execute("CREATE TABLE t (x INTEGER)")

    def insert(values: list[int], fail: bool) -> object:
        def body(conn: sqlite3.Connection) -> int:
            conn.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
            if fail:
                raise RuntimeError("boom after the inserts")
            return len(values)

        return body

    assert await db.run_transaction(insert([1, 2], fail=False)) == 2
    with pytest.raises(RuntimeError):
        await db.run_transaction(insert([3], fail=True))
    rows = await db.fetchall("SELECT x FROM t ORDER BY x")
    assert [r[0] for r in rows] == [1, 2]
    # The connection is usable afterwards: no transaction was left open.
    assert (await db.fetchone("SELECT 1"))[0] == 1
    async with db.transaction():
        await db.execute("INSERT INTO t VALUES (4)")
        # Inside the caller's own transaction it joins instead of nesting BEGINs.
        await db.run_transaction(insert([5], fail=False))
    assert (await db.fetchone("SELECT count(*) FROM t"))[0] == 4


async def test_run_transaction_waits_for_another_tasks_transaction(db) -> None:
    import asyncio

    await db.execute("CREATE TABLE t (x INTEGER)")
    entered = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (1)")
                entered.set()
                await release.wait()
                raise RuntimeError("rolled back")

    first = asyncio.create_task(holder())
    await entered.wait()
    second = asyncio.create_task(
        db.run_transaction(lambda conn: conn.execute("INSERT INTO t VALUES (2)").rowcount)
    )
    await asyncio.sleep(0.05)
    assert not second.done()
    release.set()
    await asyncio.gather(first, second)
    rows = await db.fetchall("SELECT x FROM t")
    assert [r[0] for r in rows] == [2]
