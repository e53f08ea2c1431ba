"""The files table: one row per distinct content, first verdict stands, hashing in chunks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bot.storage import files
from bot.storage.db import Database


@pytest.mark.parametrize("size", [0, 1, files._CHUNK - 1, files._CHUNK, files._CHUNK * 2 + 5])
def test_sha256_file(tmp_path: Path, size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert files.sha256_file(path) == (hashlib.sha256(data).hexdigest(), size)


async def test_record_and_find(db: Database) -> None:
    async with db.transaction():
        fid = await files.record_file(
            db,
            name="a.txt",
            sha256="h1",
            size=12,
            status="quarantined",
            reason="empty file",
            encoding="utf-8",
        )
    rec = await files.find_by_sha(db, "h1")
    assert rec is not None
    assert (rec.id, rec.name, rec.status, rec.reason, rec.encoding) == (
        fid,
        "a.txt",
        "quarantined",
        "empty file",
        "utf-8",
    )
    assert rec.received_at.endswith("+00:00")
    assert await files.get_file(db, fid) == rec
    assert await files.find_by_sha(db, "nope") is None


async def test_same_content_twice_is_one_row_and_first_verdict_stands(db: Database) -> None:
    async with db.transaction():
        first = await files.record_file(db, name="a.txt", sha256="h", size=1, status="ingested")
        second = await files.record_file(
            db, name="b.txt", sha256="h", size=1, status="quarantined", reason="x"
        )
    assert first == second
    assert await files.count_files(db) == 1
    rec = await files.get_file(db, first)
    assert rec is not None and (rec.name, rec.status) == ("a.txt", "ingested")


async def test_list_files_newest_first_and_by_status(db: Database) -> None:
    async with db.transaction():
        for i, status in enumerate(["ingested", "quarantined", "ingested"]):
            await files.record_file(db, name=f"{i}.txt", sha256=str(i), size=1, status=status)
        await files.set_article_count(db, 1, 7)
    assert [f.name for f in await files.list_files(db)] == ["2.txt", "1.txt", "0.txt"]
    assert [f.name for f in await files.list_files(db, "quarantined")] == ["1.txt"]
    rec = await files.get_file(db, 1)
    assert rec is not None and rec.article_count == 7


async def test_mark_ingested_flips_a_quarantined_row(db: Database) -> None:
    async with db.transaction():
        fid = await files.record_file(
            db, name="a.txt", sha256="h", size=3, status="quarantined", reason="bad"
        )
        await files.mark_ingested(
            db, fid, name="b.txt", reason=None, encoding="cp932", article_count=4
        )
    rec = await files.get_file(db, fid)
    assert rec is not None
    assert (rec.status, rec.name, rec.reason, rec.encoding, rec.article_count) == (
        "ingested",
        "b.txt",
        None,
        "cp932",
        4,
    )
