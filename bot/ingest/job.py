"""The ingest job: inbox file → parse → analyse → store → archive (or quarantine).

Crash safety rests on one rule: everything a file contributes (its articles,
topics, people, owed alerts and its ``files`` row, keyed by the SHA-256 of its
bytes) is committed in ONE transaction, and the file is moved out of the inbox
only after that commit. A crash before the commit leaves nothing stored and
the file in the inbox, so it is simply ingested again; a crash after it leaves
the file in the inbox with its hash already recorded, so the next scan only
finishes the move, without analysing or storing anything twice.

Test hook: when the environment has ``NEWSBOT_TEST_CRASH_AFTER_COMMIT=1`` the
process SIGKILLs itself right after that commit (before the move). Only the
crash-recovery tests set it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import signal
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bot.ingest.analysis import Analyzer, InProcessAnalyzer, ParseLimits
from bot.ingest.report import FileResult, IngestSummary
from bot.ingest.scanner import InboxScanner, settle, split_names, walk_files
from bot.models import ParseOutcome
from bot.nlp.pipeline import Analyzed, Pipeline
from bot.settings import Settings
from bot.storage.articles import store_analyzed_sync
from bot.storage.db import Database
from bot.storage.files import (
    FileRecord,
    find_by_sha,
    find_by_sha_sync,
    mark_ingested_sync,
    record_file_sync,
    sha256_file,
)

log = logging.getLogger(__name__)

CRASH_HOOK_ENV = "NEWSBOT_TEST_CRASH_AFTER_COMMIT"


def _crash_hook() -> None:
    if os.environ.get(CRASH_HOOK_ENV) == "1":
        os.kill(os.getpid(), signal.SIGKILL)


def unique_destination(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/stem-N.suffix`` with the first free N."""
    dest = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while dest.exists() or dest.with_name(dest.name + ".reason").exists():
        dest = folder / f"{stem}-{n}{suffix}"
        n += 1
    return dest


def is_within(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


@dataclass(slots=True)
class _Prepared:
    """A file read and analysed, waiting for its commit."""

    path: Path
    move: bool
    sha: str
    size: int
    outcome: ParseOutcome
    analyzed: list[Analyzed]


class IngestJob:
    """Ingests inbox files (``scan_once``) and explicit paths (``ingest_paths``)."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        pipeline: Pipeline,
        on_alerts: Callable[[], None] | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.pipeline = pipeline
        self.analyzer: Analyzer = analyzer or InProcessAnalyzer(pipeline, ParseLimits.of(settings))
        """Where files are parsed and analysed; its owner starts and closes it."""
        self.on_alerts = on_alerts
        """Called after a commit that owed new alerts (the delivery worker wakes up)."""
        self.scanner = InboxScanner(
            settings.inbox,
            settings.settle_seconds,
            exclude=[settings.archive, settings.quarantine],
        )
        self._lock = asyncio.Lock()
        self._stopping = False

    # -- entry points ----------------------------------------------------------------

    async def scan_once(self) -> IngestSummary:
        """Ingest every ready file in the inbox and move each out of it."""
        summary = IngestSummary()
        async with self._lock:
            if self._stopping:
                return summary
            scan = await self.scanner.scan()
            await self._ingest_in_order(
                [(path, True) for path in scan.ready], summary, done=self.scanner.forget
            )
            for path in scan.changing:
                log.debug("%s is still being written; next scan", path.name)
        if summary.files:
            log.info("inbox scan: %s", summary.one_line())
        return summary

    async def ingest_paths(self, paths: Iterable[Path]) -> IngestSummary:
        """Ingest files and folders (recursively) once, for the command line.

        Files inside the inbox are moved like the scheduler would move them;
        files anywhere else are left where they are (their verdict is still
        recorded in the database). Files still being written are deferred.
        """
        summary = IngestSummary()
        files: list[Path] = []
        # The bot's own archive, quarantine and database are not input, even inside a
        # given folder.
        skip = [self.settings.archive, self.settings.quarantine]
        db = self.settings.db.resolve()
        own = {db, *(db.with_name(db.name + s) for s in ("-wal", "-shm", "-journal"))}
        for p in paths:
            if p.is_dir():
                files.extend(f for f in walk_files(p, skip) if f.resolve() not in own)
            else:
                files.append(p)
        candidates, in_progress = split_names(dict.fromkeys(files))
        for p in in_progress:
            summary.add(FileResult(p, "deferred", reason="still being written (temporary name)"))
        stable, changing, _ = await settle(candidates, self.settings.settle_seconds)
        for p in changing:
            summary.add(
                FileResult(p, "deferred", reason="still being written (size or mtime changing)")
            )
        async with self._lock:
            items = [(path, is_within(path, self.settings.inbox)) for path in stable]
            await self._ingest_in_order(items, summary)
        return summary

    async def idle(self) -> None:
        """Stop taking new files and wait until the file in progress is finished."""
        self._stopping = True
        async with self._lock:
            pass

    # -- one file --------------------------------------------------------------------

    async def _ingest_in_order(
        self,
        items: list[tuple[Path, bool]],
        summary: IngestSummary,
        done: Callable[[Path], None] | None = None,
    ) -> None:
        """Ingest ``(path, move)`` items, committing strictly in their order.

        While one file is being committed the next ones are already read and
        analysed: one more than the analyzer runs at once, so that a worker
        never waits for a commit (each file's duplicate check needs the
        database too), and one when it analyses in this process. Files not
        committed when this stops (an error, the bot stopping) are left
        untouched in the inbox for the next scan.
        """
        ahead = self.analyzer.parallel + 1
        queue = iter(items)
        pending: deque[asyncio.Task[_Prepared | FileResult]] = deque()

        def top_up() -> None:
            while len(pending) < ahead and not self._stopping:
                item = next(queue, None)
                if item is None:
                    return
                pending.append(asyncio.ensure_future(self._prepare(*item)))

        top_up()
        try:
            while pending:
                prepared = await pending.popleft()
                top_up()
                result = (
                    prepared if isinstance(prepared, FileResult) else await self._finish(prepared)
                )
                summary.add(result)
                if done is not None:
                    done(result.path)
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def ingest_file(self, path: Path, *, move: bool) -> FileResult:
        """Ingest one file; never raises for bad input (the verdict is in the result)."""
        prepared = await self._prepare(path, move)
        if isinstance(prepared, FileResult):
            return prepared
        return await self._finish(prepared)

    async def _prepare(self, path: Path, move: bool) -> _Prepared | FileResult:
        """Read, hash and analyse one file; a final verdict when there is nothing to store."""
        try:
            data, sha, size = await asyncio.to_thread(self._read, path)
        except FileNotFoundError:
            return FileResult(path, "deferred", reason="vanished before it could be read")
        except OSError as exc:
            reason = f"cannot read: {exc.strerror or exc}"
            log.warning("quarantining %s: %s", path.name, reason)
            if move:
                self._move(path, self.settings.quarantine, reason)
            return FileResult(path, "quarantined", reason=reason)

        known = await find_by_sha(self.db, sha)
        if known is not None and known.status == "ingested":
            return self._finish_known(path, known, move)
        # A file quarantined before is read again: the verdict may differ after an
        # upgrade, and the operator's way to retry is to put the file back.

        if data is None:
            reason = f"file is {size} bytes, over the limit of {self.settings.max_file_bytes}"
            return _Prepared(path, move, sha, size, ParseOutcome(reason=reason), [])
        outcome, analyzed = await self.analyzer.analyze(data, path.name)
        return _Prepared(path, move, sha, size, outcome, analyzed)

    async def _finish(self, p: _Prepared) -> FileResult:
        """Commit one prepared file, then move it out of the inbox."""
        path, move = p.path, p.move
        result = await self._commit(path, p.sha, p.size, p.outcome, p.analyzed)
        _crash_hook()
        if result.outcome == "known":
            # Someone else (another process) committed the same bytes meanwhile.
            known = await find_by_sha(self.db, p.sha)
            assert known is not None
            return self._finish_known(path, known, move)
        if result.outcome == "quarantined":
            log.warning("quarantined %s: %s", path.name, result.reason)
        else:
            log.info("ingested %s: %s", path.name, result.one_line())
        if move:
            folder = (
                self.settings.archive if result.outcome == "ingested" else self.settings.quarantine
            )
            result.moved_to = self._move(
                path, folder, result.reason if result.outcome != "ingested" else None
            )
        if result.alerts and self.on_alerts is not None:
            self.on_alerts()
        return result

    def _read(self, path: Path) -> tuple[bytes | None, str, int]:
        """(bytes, sha256, size); bytes is None when over the size limit (hashed in chunks)."""
        size = path.stat().st_size
        if size > self.settings.max_file_bytes:
            sha, size = sha256_file(path)
            return None, sha, size
        data = path.read_bytes()
        if len(data) > self.settings.max_file_bytes:
            return None, hashlib.sha256(data).hexdigest(), len(data)
        return data, hashlib.sha256(data).hexdigest(), len(data)

    async def _commit(
        self,
        path: Path,
        sha: str,
        size: int,
        outcome: ParseOutcome,
        analyzed: list[Analyzed],
    ) -> FileResult:
        """Store the file's verdict and articles in one transaction (one hop to SQLite)."""
        return await self.db.run_transaction(
            partial(_commit_sync, path=path, sha=sha, size=size, outcome=outcome, analyzed=analyzed)
        )

    def _finish_known(self, path: Path, known: FileRecord, move: bool) -> FileResult:
        """A file whose bytes were ingested before: only archive it, never analyse again."""
        result = FileResult(path, "known")
        if move:
            result.moved_to = self._move(path, self.settings.archive, None)
        log.info(
            "%s was ingested before (as %s); %s",
            path.name,
            known.name,
            "archived" if move else "left in place",
        )
        return result

    def _move(self, path: Path, folder: Path, reason: str | None) -> Path | None:
        """Move ``path`` into ``folder`` (a ``.reason`` file next to it when given)."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            dest = unique_destination(folder, path.name)
            if reason is not None:
                dest.with_name(dest.name + ".reason").write_text(reason + "\n", encoding="utf-8")
            shutil.move(str(path), str(dest))
        except OSError as exc:
            log.error("cannot move %s to %s: %s", path.name, folder, exc.strerror or exc)
            return None
        return dest


def _commit_sync(
    conn: sqlite3.Connection,
    path: Path,
    sha: str,
    size: int,
    outcome: ParseOutcome,
    analyzed: list[Analyzed],
) -> FileResult:
    """The body of :meth:`IngestJob._commit`, on the connection's thread."""
    result = FileResult(path, "ingested" if outcome.ok else "quarantined", reason=outcome.reason)
    earlier = find_by_sha_sync(conn, sha)
    if earlier is not None and earlier.status == "ingested":
        return FileResult(path, "known")
    if earlier is not None and not outcome.ok:
        result.seen_before = True
        return result
    fields = {
        "name": path.name,
        "reason": outcome.reason,
        "encoding": outcome.encoding,
        "article_count": len(outcome.articles),
    }
    if earlier is not None:
        file_id = earlier.id
        mark_ingested_sync(conn, file_id, **fields)
    else:
        file_id = record_file_sync(
            conn,
            sha256=sha,
            size=size,
            status="ingested" if outcome.ok else "quarantined",
            **fields,
        )
    for article, an in zip(outcome.articles, analyzed, strict=True):
        result.count(store_analyzed_sync(conn, article, an, file_id))
    return result
