"""The running bot: settings, database, NLP pipeline, scheduler, services and transports.

``newsbot run`` builds one :class:`App`, awaits :meth:`App.start`, waits for
SIGTERM/SIGINT (or the end of console input) and awaits :meth:`App.stop`.
Which chat transports start depends on the secrets: Discord when
``DISCORD_TOKEN`` is set, Slack when ``SLACK_BOT_TOKEN`` is, both at once if
both are, and otherwise a console channel on stdin/stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.ingest import Analyzer, IngestJob, make_analyzer
from bot.nlp.pipeline import Pipeline
from bot.scheduling import Scheduler
from bot.services.runtime import Services
from bot.settings import ConfigError, Secrets, Settings
from bot.storage.db import Database, open_database
from bot.storage.files import count_files

log = logging.getLogger(__name__)

INGEST_JOB_ID = "ingest"
HEARTBEAT_JOB_ID = "heartbeat"
HEARTBEAT_SECONDS = 30.0


class App:
    def __init__(
        self,
        settings: Settings,
        secrets: Secrets | None = None,
        *,
        console: bool = True,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        self.settings = settings
        self.secrets = secrets or Secrets.model_validate({})
        self.console = console
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.scheduler = Scheduler()
        self.services: Services | None = None
        self.handles: list[Any] = []
        self.finished = asyncio.Event()
        self._db: Database | None = None
        self._pipeline: Pipeline | None = None
        self._ingest: IngestJob | None = None
        self._analyzer: Analyzer | None = None

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
            self.services = Services(self._db, self._pipeline.topics, s, self.scheduler)
            self._analyzer = make_analyzer(s, self._pipeline)
            await self._analyzer.start()
            self._ingest = IngestJob(
                s,
                self._db,
                self._pipeline,
                on_alerts=self.services.wake_delivery,
                analyzer=self._analyzer,
            )
            if await count_files(self._db) == 0:
                await self.ingest_seeds()
            self.scheduler.start()
            await self._start_transports()
            await self.services.start()
            self.scheduler.every(
                s.scan_interval, self._ingest.scan_once, INGEST_JOB_ID, run_now=True
            )
            self.scheduler.every(HEARTBEAT_SECONDS, self._heartbeat, HEARTBEAT_JOB_ID, run_now=True)
        except BaseException:
            await self.stop()
            raise
        log.info(
            "newsbot running: inbox %s, scanning every %g s, database %s",
            s.inbox,
            s.scan_interval,
            s.db,
        )

    async def _start_transports(self) -> None:
        """Connect Discord and/or Slack as the secrets say; else the console channel."""
        assert self.services is not None
        sec = self.secrets
        if sec.discord_token is not None and sec.discord_token.get_secret_value():
            await self._start_discord()
        if sec.slack_bot_token is not None and sec.slack_bot_token.get_secret_value():
            await self._start_slack()
        if not self.handles and self.console:
            from bot.transports.console import start_console

            handle = await start_console(self.services, self.stdin, self.stdout)
            handle.task.add_done_callback(lambda _t: self.finished.set())
            self._add(handle)

    async def _start_discord(self) -> None:
        import discord

        from bot.transports.discord.client import start_discord

        assert self.services is not None and self.secrets.discord_token is not None
        try:
            handle = await start_discord(
                self.services,
                self.secrets.discord_token.get_secret_value(),
                self.secrets.discord_api_base,
                self.secrets.discord_gateway_url,
            )
        except discord.LoginFailure:
            raise ConfigError("DISCORD_TOKEN was refused by Discord (check the token)") from None
        except (discord.HTTPException, OSError) as exc:
            raise ConfigError(
                f"cannot reach Discord at {self.secrets.discord_api_base}: {exc}"
            ) from None
        handle.task.add_done_callback(self._transport_ended)
        self._add(handle)

    async def _start_slack(self) -> None:
        from bot.transports.slack.app import SlackConfigError, start_slack

        assert self.services is not None
        try:
            handle = await start_slack(self.services, self.secrets)
        except SlackConfigError as exc:
            raise ConfigError(str(exc)) from None
        self._add(handle)

    def _add(self, handle: Any) -> None:
        assert self.services is not None
        self.handles.append(handle)
        self.services.add_transport(handle.transport)

    def _transport_ended(self, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("chat connection ended: %s: %s", type(exc).__name__, exc)
            self.finished.set()

    async def _heartbeat(self) -> None:
        """Touch ``<db folder>/heartbeat``: the container health check reads its age."""
        beat = Path(self.settings.db).parent / "heartbeat"
        with contextlib.suppress(OSError):
            beat.touch()

    async def ingest_seeds(self) -> None:
        """Ingest the seeds folder once (files are read, never moved)."""
        seeds = self.settings.seeds
        if seeds is None or not seeds.is_dir():
            return
        summary = await self.ingest.ingest_paths([seeds])
        log.info("seeds from %s: %s", seeds, summary.one_line())

    async def stop(self) -> None:
        """Finish the file in progress, stop the scheduler, close the database."""
        if self.services is not None:
            await self.services.stop()
        for handle in reversed(self.handles):
            with contextlib.suppress(Exception):
                await handle.close()
        self.handles.clear()
        if self._ingest is not None:
            await self._ingest.idle()
        if self._analyzer is not None:
            await self._analyzer.close()
            self._analyzer = None
        self.scheduler.shutdown()
        await asyncio.sleep(0)  # let the scheduler's shutdown run on the loop
        if self._db is not None:
            await self._db.close()
            self._db = None
        log.info("newsbot stopped")

    async def run_until(self, stop: asyncio.Event) -> None:
        """start(), wait for ``stop`` (or the end of console input), stop()."""
        await self.start()
        try:
            waiters = {
                asyncio.ensure_future(stop.wait()),
                asyncio.ensure_future(self.finished.wait()),
            }
            _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for w in pending:
                w.cancel()
        finally:
            await self.stop()
