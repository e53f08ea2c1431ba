"""Which inbox files are ready: names, hidden files, two looks settle_seconds apart."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from bot.ingest.scanner import InboxScanner, look, settle, split_names, walk_files


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_walk_files_recursive_skips_hidden_and_excluded(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    a = touch(inbox / "a.txt")
    b = touch(inbox / "sub" / "b.json")
    touch(inbox / ".hidden.txt")
    touch(inbox / ".git" / "c.txt")
    touch(inbox / "archive" / "old.txt")
    assert walk_files(inbox, exclude=[inbox / "archive"]) == [a, b]


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("a.txt", "ok"),
        ("a.json", "ok"),
        ("noext", "ok"),
        ("a.txt.part", "waiting"),
        ("a.tmp", "waiting"),
        ("a.txt~", "waiting"),
        (".a.txt.swp", "none"),
        (".DS_Store", "none"),
    ],
)
def test_split_names(name: str, where: str) -> None:
    ok, waiting = split_names([Path("/in") / name])
    assert (bool(ok), bool(waiting)) == {
        "ok": (True, False),
        "waiting": (False, True),
        "none": (False, False),
    }[where]


async def _append_forever(path: Path) -> None:
    n = 0
    while True:
        with path.open("ab") as fh:
            fh.write(b"more text %d\n" % n)
        n += 1
        await asyncio.sleep(0.02)


async def test_settle_separates_stable_from_growing(tmp_path: Path) -> None:
    stable = touch(tmp_path / "done.txt", b"finished")
    growing = touch(tmp_path / "growing.txt", b"")
    writer = asyncio.create_task(_append_forever(growing))
    try:
        ready, changing, looks = await settle([stable, growing], 0.3)
    finally:
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
    assert ready == [stable]
    assert changing == [growing]
    assert set(looks) == {stable, growing}


async def test_settle_drops_vanished_files(tmp_path: Path) -> None:
    ready, changing, looks = await settle([tmp_path / "gone.txt"], 0.1)
    assert (ready, changing, looks) == ([], [], {})


async def test_earlier_stable_look_needs_no_second_look(tmp_path: Path) -> None:
    f = touch(tmp_path / "a.txt")
    first = look(f)
    assert first is not None
    old = type(first)(first.size, first.mtime_ns, first.at - 10_000)
    # With an hour to settle, only the remembered look can make it ready without waiting.
    ready, changing, _ = await asyncio.wait_for(settle([f], 3600, {f: old}), timeout=30)
    assert (ready, changing) == ([f], [])


async def test_inbox_scanner_defers_then_takes_a_file(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    growing = touch(inbox / "a.txt", b"start")
    part = touch(inbox / "b.txt.part")
    scanner = InboxScanner(inbox, 0.3)
    writer = asyncio.create_task(_append_forever(growing))
    try:
        first = await scanner.scan()
    finally:
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
    assert first.ready == [] and first.changing == [growing]
    assert first.in_progress == [part]
    second = await scanner.scan()
    assert second.ready == [growing] and second.changing == []
    # The .part file waits until it is renamed.
    part.rename(inbox / "b.txt")
    third = await scanner.scan()
    assert sorted(p.name for p in third.ready) == ["a.txt", "b.txt"]


async def test_scanner_without_inbox_folder(tmp_path: Path) -> None:
    result = await InboxScanner(tmp_path / "missing", 0.1).scan()
    assert (result.ready, result.changing, result.in_progress) == ([], [], [])
