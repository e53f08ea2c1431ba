"""The running bot: settings, database, NLP pipeline, scheduler and the jobs on it.

``newsbot run`` builds one :class:`App`, awaits :meth:`App.start`, waits for
SIGTERM/SIGINT and awaits :meth:`App.stop`. For now the app ingests the inbox
and logs; the chat transports hook in here (``on_alerts`` wakes their
delivery, more jobs go on :attr:`App.scheduler`).
"""

from __future__ import annotations

import asyncio
import logging

from bot.ingest import IngestJob
from bot.nlp.pipeline import Pipeline
from bot.scheduling import Scheduler
from bot.settings import Settings
from bot.storage.db import Database, open_database
from bot.storage.files import count_files

log = logging.getLogger(__name__)

INGEST_JOB_ID = "ingest"


class App:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.scheduler = Scheduler()
        self._db: Database | None = None
        self._pipeline: Pipeline | None = None
        self._ingest: IngestJob | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("App.start() has not run")
        return self._db

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            raise RuntimeError("App.start() has not run")
        return self._pipeline

    @property
    def ingest(self) -> IngestJob:
        if self._ingest is None:
            raise RuntimeError("App.start() has not run")
        return self._ingest

    async def start(self) -> None:
        """Open everything, ingest the seeds into a new database, start the scans.

        Raises ConfigError / DatabaseError (one line each) when the bot cannot
        start; whatever was opened is closed again first.
        """
        s = self.settings
        try:
            self._pipeline = await asyncio.to_thread(Pipeline.from_config, s.config_dir)
            self._db = await open_database(s.db)
            for folder in (s.inbox, s.archive, s.quarantine):
                folder.mkdir(parents=True, exist_ok=True)
            self._ingest = IngestJob(s, self._db, self._pipeline)
            if await count_files(self._db) == 0:
                await self.ingest_seeds()
            self.scheduler.every(
                s.scan_interval, self._ingest.scan_once, INGEST_JOB_ID, run_now=True
            )
            self.scheduler.start()
        except BaseException:
            await self.stop()
            raise
        log.info(
            "newsbot running: inbox %s, scanning every %g s, database %s",
            s.inbox,
            s.scan_interval,
            s.db,
        )

    async def ingest_seeds(self) -> None:
        """Ingest the seeds folder once (files are read, never moved)."""
        seeds = self.settings.seeds
        if seeds is None or not seeds.is_dir():
            return
        summary = await self.ingest.ingest_paths([seeds])
        log.info("seeds from %s: %s", seeds, summary.one_line())

    async def stop(self) -> None:
        """Finish the file in progress, stop the scheduler, close the database."""
        if self._ingest is not None:
            await self._ingest.idle()
        self.scheduler.shutdown()
        await asyncio.sleep(0)  # let the scheduler's shutdown run on the loop
        if self._db is not None:
            await self._db.close()
            self._db = None
        log.info("newsbot stopped")

    async def run_until(self, stop: asyncio.Event) -> None:
        """start(), wait for ``stop`` to be set, stop()."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
