"""Database.run: a synchronous function on the connection's thread, inside the task's turn."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.storage.db import open_database


async def test_run_returns_the_result_with_sqlite_rows(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "n.db")
    try:

        def fn(conn: sqlite3.Connection) -> sqlite3.Row:
            return conn.execute("SELECT 1 AS one, 'x' AS two").fetchone()

        row = await db.run(fn)
        assert isinstance(row, sqlite3.Row)
        assert (row["one"], row["two"]) == (1, "x")
    finally:
        await db.close()


async def test_run_joins_the_task_transaction_and_rolls_back_with_it(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "n.db")
    try:
        await db.execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.run(lambda c: c.execute("INSERT INTO t VALUES (1)"))
                raise RuntimeError("boom")
        async with db.transaction():
            await db.run(lambda c: c.execute("INSERT INTO t VALUES (2)"))
        rows = await db.fetchall("SELECT x FROM t")
        assert [r[0] for r in rows] == [2]
    finally:
        await db.close()


async def test_run_from_another_task_waits_for_the_open_transaction(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "n.db")
    try:
        await db.execute("CREATE TABLE t (x INTEGER)")
        seen: list[int] = []
        inside = asyncio.Event()
        release = asyncio.Event()

        async def writer() -> None:
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (1)")
                inside.set()
                await release.wait()

        async def reader() -> None:
            await inside.wait()
            seen.append(await db.run(lambda c: c.execute("SELECT COUNT(*) FROM t").fetchone()[0]))

        w = asyncio.create_task(writer())
        r = asyncio.create_task(reader())
        await inside.wait()
        await asyncio.sleep(0.05)
        assert seen == []  # blocked behind the writer's transaction
        release.set()
        await asyncio.gather(w, r)
        assert seen == [1]
    finally:
        await db.close()
