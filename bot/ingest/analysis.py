"""Where an inbox file is parsed and analysed: in this process, or in worker processes.

Analysis is pure CPU work in Python, so threads cannot run two of them at
once, and while one runs it holds the interpreter lock that the chat
commands and the database writes also need. :class:`ProcessAnalyzer` runs it
in worker processes instead (each loads its own pipeline from the config
folder once): the bot's own process only reads files, stores results and
answers users, and a backlog of files is analysed on several cores while the
previous file is being stored. :class:`InProcessAnalyzer` is the single-core
fallback and what tests use to reach into the pipeline.

Either way, a pipeline bug becomes a quarantine verdict for that one file,
never a stuck inbox; a worker process that dies (killed, out of memory) is
replaced and the file is tried once more before it is quarantined.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Protocol

from bot.models import ParseOutcome
from bot.nlp.pipeline import Analyzed, Pipeline
from bot.parsing import parse_bytes
from bot.settings import Settings

log = logging.getLogger(__name__)

FileAnalysis = tuple[ParseOutcome, list[Analyzed]]


@dataclass(frozen=True, slots=True)
class ParseLimits:
    tz: tzinfo
    max_bytes: int
    max_articles: int

    @classmethod
    def of(cls, settings: Settings) -> ParseLimits:
        return cls(settings.tz, settings.max_file_bytes, settings.max_articles_per_file)


def analyze_file(pipeline: Pipeline, data: bytes, name: str, limits: ParseLimits) -> FileAnalysis:
    """Parse ``data`` and analyse every article in it; never raises for bad input.

    A file that does not parse comes back with its reason and no analyses; an
    exception inside the pipeline turns into the reason ``analysis failed: …``.
    """
    outcome = parse_bytes(
        data, name, tz=limits.tz, max_bytes=limits.max_bytes, max_articles=limits.max_articles
    )
    if not outcome.ok:
        return outcome, []
    try:
        return outcome, [pipeline.analyze(a) for a in outcome.articles]
    except Exception as exc:  # noqa: BLE001 - a pipeline bug must not wedge the inbox
        log.error("analysis of %s failed: %s: %s", name, type(exc).__name__, exc)
        log.debug("analysis failure details", exc_info=True)
        reason = f"analysis failed: {type(exc).__name__}: {exc}"
        return ParseOutcome(reason=reason, encoding=outcome.encoding), []


class Analyzer(Protocol):
    parallel: int
    """How many files it can analyse at once (0: one at a time, in this process)."""

    async def start(self) -> None: ...

    async def analyze(self, data: bytes, name: str) -> FileAnalysis: ...

    async def close(self) -> None: ...


class InProcessAnalyzer:
    """Analysis in a thread of this process, one file at a time."""

    parallel = 0

    def __init__(self, pipeline: Pipeline, limits: ParseLimits) -> None:
        self.pipeline = pipeline
        self.limits = limits

    async def start(self) -> None:
        return None

    async def analyze(self, data: bytes, name: str) -> FileAnalysis:
        return await asyncio.to_thread(analyze_file, self.pipeline, data, name, self.limits)

    async def close(self) -> None:
        return None


# -- worker processes ------------------------------------------------------------------

_worker_pipeline: Pipeline | None = None


def _init_worker(config_dir: str) -> None:
    """Runs once in each worker process: load the pipeline, then tune the collector.

    Everything loaded here lives as long as the process, so it is frozen out of
    the collector's scans; a worker then only allocates short-lived token
    tuples, and collecting every 700 of them would be wasted work.
    """
    global _worker_pipeline
    _die_with_parent(os.getppid())
    _worker_pipeline = Pipeline.from_config(config_dir)
    _worker_pipeline.tokenizer.parse("起動")
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it ends, even by SIGKILL.

    A worker outliving the bot would hold its stdout/stderr open and a CPU busy
    for nothing. On Linux the kernel signals it (PR_SET_PDEATHSIG); elsewhere a
    thread notices the new parent within a second.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the line above took effect
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _analyze_in_worker(data: bytes, name: str, limits: ParseLimits) -> FileAnalysis:
    assert _worker_pipeline is not None, "worker started without _init_worker"
    outcome, analyzed = analyze_file(_worker_pipeline, data, name, limits)
    return outcome, [
        an.portable(article.title) for article, an in zip(outcome.articles, analyzed, strict=True)
    ]


def _ping() -> int:
    time.sleep(0.05)  # busy long enough that the next ping goes to another worker
    return os.getpid()


def _context() -> multiprocessing.context.BaseContext:
    # spawn, not fork: the bot already runs threads (aiosqlite, executors) that a fork
    # would copy mid-flight. Not forkserver either: its workers are the forkserver's
    # children, so they could not tell when the bot itself has died.
    return multiprocessing.get_context("spawn")


def make_analyzer(settings: Settings, pipeline: Pipeline) -> Analyzer:
    """Worker processes as the settings ask (``ingest_workers``), else this process."""
    limits = ParseLimits.of(settings)
    workers = settings.analysis_workers
    if workers > 0:
        return ProcessAnalyzer(settings.config_dir, limits, workers)
    return InProcessAnalyzer(pipeline, limits)


class ProcessAnalyzer:
    """Analysis in ``workers`` processes, each with its own pipeline from ``config_dir``."""

    def __init__(self, config_dir: Path, limits: ParseLimits, workers: int) -> None:
        if workers < 1:
            raise ValueError("ProcessAnalyzer needs at least one worker")
        self.config_dir = config_dir
        self.limits = limits
        self.parallel = workers
        self._pool: ProcessPoolExecutor | None = None
        self.pids: list[int] = []
        """The worker processes' ids once started (for monitoring and benchmarks)."""

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.parallel,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(str(self.config_dir),),
        )

    async def start(self) -> None:
        """Start the workers and wait until each has loaded its pipeline.

        Analysing the first file must not wait for MeCab and the config to load,
        and a worker that cannot start should say so now rather than at the
        first file.
        """
        if self._pool is None:
            self._pool = self._new_pool()
        loop = asyncio.get_running_loop()
        pool = self._pool
        # Workers start on demand and load their pipelines at their own pace: ping
        # until every one of them has answered.
        pids: set[int] = set()
        for _ in range(50):
            pids.update(
                await asyncio.gather(
                    *(loop.run_in_executor(pool, _ping) for _ in range(self.parallel))
                )
            )
            if len(pids) >= self.parallel:
                break
        self.pids = sorted(pids)
        log.info("analysis in %d worker process(es): %s", self.parallel, self.pids)

    async def analyze(self, data: bytes, name: str) -> FileAnalysis:
        for attempt in (1, 2):
            if self._pool is None:
                self._pool = self._new_pool()
            pool = self._pool
            try:
                return await asyncio.get_running_loop().run_in_executor(
                    pool, _analyze_in_worker, data, name, self.limits
                )
            except BrokenProcessPool:
                log.error("an analysis worker died while analysing %s (try %d)", name, attempt)
                if self._pool is pool:
                    self._pool = None
                    self.pids = []
                    await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        return ParseOutcome(reason="analysis failed: the worker process died twice"), []

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
