"""The one place that opens SQLite (through aiosqlite).

The schema version lives in the database (``PRAGMA user_version``); each
migration in ``migrations/NNNN_*.sql`` runs in its own transaction, and a
database written by newer code than this is refused rather than damaged.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class DatabaseError(Exception):
    """A database that cannot be used: newer than the code, or not SQLite at all."""


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration, in order."""
    found = []
    for entry in resources.files("bot.storage.migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise DatabaseError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found


SCHEMA_VERSION = len(migrations())


class Database:
    """An open connection with the project's pragmas; use :func:`open_database`.

    Ingest, delivery, digests and chat commands share this one connection from
    different asyncio tasks. A transaction belongs to the task that opened it:
    statements from other tasks wait until it commits or rolls back instead of
    silently joining it. Inside its own transaction a task runs freely, and a
    nested ``transaction()`` joins the outer one.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    def _in_own_transaction(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        if self._in_own_transaction():
            yield
        else:
            async with self._lock:
                yield

    async def execute(self, sql: str, params: Sequence[Any] | dict = ()) -> aiosqlite.Cursor:
        async with self._turn():
            return await self.conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self._turn():
            await self.conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Sequence[Any] | dict = ()) -> list[aiosqlite.Row]:
        async with self._turn(), self.conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Sequence[Any] | dict = ()) -> aiosqlite.Row | None:
        async with self._turn(), self.conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(connection)`` on the connection's thread, in one hop.

        For hot paths that issue many statements (storing an article): each
        awaited statement is a thread hop, whereas ``fn`` runs them all
        synchronously. Its rows are ``sqlite3.Row`` (the connection's row
        factory). It joins the caller's transaction like :meth:`execute`; it
        must not BEGIN, COMMIT or ROLLBACK itself.
        """
        async with self._turn():
            # aiosqlite has no public API for this: ``_execute`` queues a callable on
            # its worker thread and ``_conn`` is the underlying sqlite3.Connection
            # (only safe to touch from that thread, i.e. inside the callable).
            conn = self.conn
            return await conn._execute(lambda: fn(conn._conn))

    async def run_transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn(connection)`` inside BEGIN IMMEDIATE … COMMIT, all in one hop.

        The same guarantees as :meth:`transaction` (rolled back on any
        exception, one task at a time) for a transaction whose statements need
        no awaiting in between: the ingest stores a whole file this way, where a
        hop per statement would cost more than the statements. Inside the
        caller's own transaction it simply joins it, like :meth:`run`.
        """
        if self._in_own_transaction():
            return await self.run(fn)
        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                conn = self.conn
                return await conn._execute(lambda: _in_transaction(conn._conn, fn))
            finally:
                self._owner = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception; one task at a time."""
        if self._in_own_transaction():
            yield self
            return
        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    await self.conn.rollback()
                    raise
                else:
                    await self.conn.commit()
            finally:
                self._owner = None

    async def close(self) -> None:
        await self.conn.close()


def _in_transaction(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn)
        conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    return result


async def _migrate(conn: aiosqlite.Connection, path: Path) -> None:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path} has schema version {current}, newer than this newsbot "
            f"(knows up to {SCHEMA_VERSION}); upgrade newsbot instead of opening it"
        )
    for version, name, sql in migrations():
        if version <= current:
            continue
        log.info("applying migration %s", name)
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(sql):
                await conn.execute(statement)
            await conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            await conn.rollback()
            raise
        await conn.commit()


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement keeps triggers whole)."""
    import sqlite3

    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


async def open_database(path: str | Path) -> Database:
    """Open (creating if needed) and migrate the database at ``path``."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
    except Exception as exc:  # sqlite3.OperationalError and friends
        raise DatabaseError(f"cannot open database {path}: {exc}") from exc
    conn.row_factory = aiosqlite.Row
    try:
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await _migrate(conn, path)
    except DatabaseError:
        await conn.close()
        raise
    except Exception as exc:
        await conn.close()
        raise DatabaseError(f"cannot use database {path}: {exc}") from exc
    return Database(conn, path)
