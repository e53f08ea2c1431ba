"""The ``files`` table: every article file the bot has seen, keyed by the hash of its bytes.

A row is written in the same transaction as the file's articles, so its
presence means "this file's content is fully stored (or fully rejected)".
After a crash between that commit and the move out of the inbox, the ingest
finds the row by hash and only finishes the move; nothing is analysed twice.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal

from bot.storage.db import Database
from bot.storage.outbox import utc_iso

FileStatus = Literal["ingested", "quarantined"]

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class FileRecord:
    id: int
    name: str
    sha256: str
    size: int
    status: FileStatus
    reason: str | None
    encoding: str | None
    article_count: int
    received_at: str


_COLUMNS = "id, name, sha256, size, status, reason, encoding, article_count, received_at"


def _row(r: Any) -> FileRecord:
    return FileRecord(
        id=r["id"],
        name=r["name"],
        sha256=r["sha256"],
        size=r["size"],
        status=r["status"],
        reason=r["reason"],
        encoding=r["encoding"],
        article_count=r["article_count"],
        received_at=r["received_at"],
    )


def sha256_file(path: Path) -> tuple[str, int]:
    """Hash a file in chunks (it may be larger than we are willing to read at once)."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def find_by_sha_sync(conn: sqlite3.Connection, sha256: str) -> FileRecord | None:
    """:func:`find_by_sha` on the connection's thread (see :meth:`Database.run`)."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM files WHERE sha256 = ?", (sha256,)).fetchone()
    return _row(row) if row else None


async def find_by_sha(db: Database, sha256: str) -> FileRecord | None:
    return await db.run(partial(find_by_sha_sync, sha256=sha256))


async def get_file(db: Database, file_id: int) -> FileRecord | None:
    row = await db.fetchone(f"SELECT {_COLUMNS} FROM files WHERE id = ?", (file_id,))
    return _row(row) if row else None


def record_file_sync(
    conn: sqlite3.Connection,
    *,
    name: str,
    sha256: str,
    size: int,
    status: FileStatus,
    reason: str | None = None,
    encoding: str | None = None,
    article_count: int = 0,
    now: datetime | None = None,
) -> int:
    """:func:`record_file` on the connection's thread (see :meth:`Database.run`)."""
    existing = find_by_sha_sync(conn, sha256)
    if existing is not None:
        return existing.id
    cur = conn.execute(
        "INSERT INTO files (name, sha256, size, status, reason, encoding, article_count,"
        " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            name,
            sha256,
            size,
            status,
            reason,
            encoding,
            article_count,
            utc_iso(now or datetime.now(UTC)),
        ),
    )
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


async def record_file(db: Database, **fields: Any) -> int:
    """Insert a file row and return its id (run it inside the caller's transaction).

    Takes the keyword arguments of :func:`record_file_sync`. If a row with the
    same hash exists already, that row's id is returned and nothing changes:
    the first verdict on a given content stands.
    """
    return await db.run(partial(record_file_sync, **fields))


def mark_ingested_sync(
    conn: sqlite3.Connection,
    file_id: int,
    *,
    name: str,
    reason: str | None,
    encoding: str | None,
    article_count: int,
) -> None:
    """Turn a quarantined file's row into an ingested one (it parsed on a later try)."""
    conn.execute(
        "UPDATE files SET status = 'ingested', name = ?, reason = ?, encoding = ?,"
        " article_count = ? WHERE id = ?",
        (name, reason, encoding, article_count, file_id),
    )


async def mark_ingested(db: Database, file_id: int, **fields: Any) -> None:
    """:func:`mark_ingested_sync` through the connection's thread."""
    await db.run(partial(mark_ingested_sync, file_id=file_id, **fields))


async def set_article_count(db: Database, file_id: int, count: int) -> None:
    await db.execute("UPDATE files SET article_count = ? WHERE id = ?", (count, file_id))


async def list_files(
    db: Database, status: FileStatus | None = None, limit: int = 100
) -> list[FileRecord]:
    """Most recent first."""
    if status is None:
        rows = await db.fetchall(f"SELECT {_COLUMNS} FROM files ORDER BY id DESC LIMIT ?", (limit,))
    else:
        rows = await db.fetchall(
            f"SELECT {_COLUMNS} FROM files WHERE status = ? ORDER BY id DESC LIMIT ?",
            (status, limit),
        )
    return [_row(r) for r in rows]


async def count_files(db: Database) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM files")
    return int(row[0]) if row else 0
