"""Which files in a folder are ready to ingest, and which are still being written.

A file is ready when its size and mtime are the same in two looks at least
``settle_seconds`` apart. Files with in-progress names (``.part``, ``.tmp``,
``.swp``, ``~``) wait for their final name; hidden files (dot names) and
hidden folders are never touched.

The inbox scanner remembers what it saw in the previous scan, so a file that
was already stable then is ready without another wait; only newly seen or
changed files cost one ``settle_seconds`` pause per scan.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.parsing import is_supported_name


@dataclass(frozen=True, slots=True)
class Look:
    size: int
    mtime_ns: int
    at: float  # time.monotonic() of the look

    def same_file_state(self, other: Look) -> bool:
        return self.size == other.size and self.mtime_ns == other.mtime_ns


@dataclass(slots=True)
class ScanResult:
    ready: list[Path]
    changing: list[Path]  # size or mtime moved between two looks
    in_progress: list[Path]  # .part / .tmp / ... names


def is_hidden(path: Path) -> bool:
    return path.name.startswith(".")


def walk_files(root: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """Every non-hidden file under ``root`` (recursively), skipping ``exclude`` folders."""
    skip = {p.resolve() for p in exclude}
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (here / d).resolve() not in skip
        )
        out.extend(here / f for f in sorted(filenames) if not f.startswith("."))
    return out


def look(path: Path) -> Look | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return Look(st.st_size, st.st_mtime_ns, time.monotonic())


async def settle(
    paths: list[Path], settle_seconds: float, earlier: dict[Path, Look] | None = None
) -> tuple[list[Path], list[Path], dict[Path, Look]]:
    """Split ``paths`` into (stable, changing) by two looks ``settle_seconds`` apart.

    ``earlier`` holds looks from a previous scan: a file unchanged since a look
    at least ``settle_seconds`` old needs no second look now. Returns the
    latest look of every file that still exists, to pass as ``earlier`` next
    time. Files that vanished are in neither list.
    """
    earlier = earlier or {}
    first: dict[Path, Look] = {}
    stable: list[Path] = []
    pending: list[Path] = []
    for p in paths:
        lk = look(p)
        if lk is None:
            continue
        prev = earlier.get(p)
        if prev is not None and prev.same_file_state(lk) and lk.at - prev.at >= settle_seconds:
            stable.append(p)
            first[p] = prev
        else:
            pending.append(p)
            first[p] = lk
    changing: list[Path] = []
    if pending:
        if settle_seconds > 0:
            await asyncio.sleep(settle_seconds)
        for p in pending:
            lk = look(p)
            if lk is None:
                first.pop(p, None)
            elif lk.same_file_state(first[p]):
                stable.append(p)
            else:
                changing.append(p)
                first[p] = lk
    return sorted(stable, key=_order_key), sorted(changing), first


def _order_key(p: Path) -> tuple[int, str]:
    """Oldest first, so files are ingested in the order they arrived."""
    try:
        return (p.stat().st_mtime_ns, str(p))
    except OSError:
        return (0, str(p))


def split_names(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(parseable names, in-progress names); hidden files belong to neither."""
    ok: list[Path] = []
    waiting: list[Path] = []
    for p in paths:
        if is_hidden(p):
            continue
        (ok if is_supported_name(p.name) else waiting).append(p)
    return ok, waiting


class InboxScanner:
    """Finds the files in the inbox that are ready, remembering looks between scans."""

    def __init__(self, inbox: Path, settle_seconds: float, exclude: Iterable[Path] = ()) -> None:
        self.inbox = inbox
        self.settle_seconds = settle_seconds
        self.exclude = list(exclude)
        self._looks: dict[Path, Look] = {}

    async def scan(self) -> ScanResult:
        if not self.inbox.is_dir():
            return ScanResult([], [], [])
        files = await asyncio.to_thread(walk_files, self.inbox, self.exclude)
        candidates, in_progress = split_names(files)
        stable, changing, looks = await settle(candidates, self.settle_seconds, self._looks)
        self._looks = looks
        return ScanResult(stable, changing, in_progress)

    def forget(self, path: Path) -> None:
        """Drop what was remembered about ``path`` (after it was moved away)."""
        self._looks.pop(path, None)
