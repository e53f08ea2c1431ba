"""``newsbot run``: run the bot until SIGTERM or SIGINT (Ctrl-C).

Scans the inbox every ``scan_interval`` seconds (and once at start-up) and
ingests the seeds folder into a new database; logs to stderr at the
configured ``log_level``. See :class:`bot.app.App`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bot.app import App
from bot.cli import EXIT_OK
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "run",
        parents=[common],
        help="run the bot (inbox scans, alerts, digests) until stopped",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, args.db)
    logging.getLogger().setLevel(settings.log_level)
    return asyncio.run(_run(settings))


async def _run(settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        if not stop.is_set():
            log.info("%s received, stopping", sig.name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        await App(settings).run_until(stop)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    return EXIT_OK
