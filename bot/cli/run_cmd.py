"""``newsbot run``: run the bot until SIGTERM or SIGINT (Ctrl-C).

Scans the inbox every ``scan_interval`` seconds (and once at start-up),
ingests the seeds folder into a new database, delivers alerts and digests.
Discord when DISCORD_TOKEN is set, Slack when SLACK_BOT_TOKEN is set (with
SLACK_APP_TOKEN for Socket Mode or SLACK_SIGNING_SECRET for HTTP), otherwise
a local console channel on stdin/stdout that ends with the input. Logs go to
stderr at the configured ``log_level``. See :class:`bot.app.App`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import stat
import sys

from bot.app import App
from bot.cli import EXIT_OK
from bot.settings import Secrets, Settings, load_secrets, load_settings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "run",
        parents=[common],
        help="run the bot (inbox scans, alerts, digests) until stopped",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--no-console",
        action="store_true",
        help="without chat tokens, run headless instead of opening the console channel "
        "(also the default when stdin is /dev/null, as in a container)",
    )
    p.set_defaults(func=handle)


def stdin_is_null() -> bool:
    """True when stdin is /dev/null (a container without -i): no one can type."""
    try:
        st = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return True
    if not stat.S_ISCHR(st.st_mode) or sys.stdin.isatty():
        return False
    null = os.stat(os.devnull)
    return (st.st_rdev, st.st_ino) == (null.st_rdev, null.st_ino)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, args.db)
    secrets = load_secrets()
    logging.getLogger().setLevel(settings.log_level)
    console = not (args.no_console or stdin_is_null())
    return asyncio.run(_run(settings, secrets, console))


async def _run(settings: Settings, secrets: Secrets, console: bool) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        if not stop.is_set():
            log.info("%s received, stopping", sig.name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        await App(settings, secrets, console=console).run_until(stop)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    return EXIT_OK
