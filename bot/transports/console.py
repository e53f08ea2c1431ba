"""The console transport: ``newsbot run`` without tokens, on stdin/stdout.

A local channel (platform ``console``, channel ``console``) subscribed to all
topics: alerts and digests print as readable text, and lines typed on stdin
are answered like the chat commands (``/who Peskov``, ``/search 停戦``,
``/digest``, ``/topics``, ``/why 12``, ``/subscriptions``, ``/help`` …). End of
input (Ctrl-D, or the end of a piped file) ends :func:`run_console` cleanly.
The person at the terminal runs the bot, so they count as the channel's admin.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.services import queries
from bot.services.digest import digest_now
from bot.services.errors import UserError
from bot.services.plain_text import (
    render_alert,
    render_digest,
    render_search,
    render_topics,
    render_who,
    render_why,
)
from bot.services.subscriptions import MODES, SubscriptionService, describe
from bot.services.views import AlertView, DigestView
from bot.storage.subscriptions import Subscription

log = logging.getLogger(__name__)

PLATFORM = "console"
CHANNEL = "console"
SEARCH_LIMIT = 10
_TIME = re.compile(r"^\d{1,2}:\d{2}$")

HELP = """Commands:
  /who NAME            who is this person (English or Japanese: /who Peskov, /who ペスコフ)
  /search WORDS        search the stored articles (/search 停戦)
  /digest              the digest of this channel's topics, now
  /topics              the topics and what each covers
  /why ARTICLE         why an article (number or part of its headline) was tagged and sent
  /subscriptions       what this channel gets
  /subscribe TOPICS [alerts|digest|both] [HH:MM] [Area/City]
  /unsubscribe [TOPICS]  (no topics = everything)
  /help                this list
  /quit                stop (so does end of input, Ctrl-D)"""


class ConsoleTransport:
    """Prints alerts, digests and notices to ``out``; message ids are the nonces."""

    platform = PLATFORM

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text.rstrip("\n") + "\n")
        with contextlib.suppress(AttributeError, ValueError, OSError):
            self.out.flush()

    async def send_alert(self, channel_id: str, alert: AlertView, nonce: str) -> str:
        self.write(f"\n[alert] {render_alert(alert)}\n")
        return f"{PLATFORM}:{nonce}"

    async def send_digest(self, channel_id: str, digest: DigestView, nonce: str) -> list[str]:
        self.write(f"\n[digest] {render_digest(digest)}\n")
        return [f"{PLATFORM}:{nonce}"]

    async def notify(self, channel_id: str, guild_id: str | None, text: str) -> bool:
        self.write(f"[notice] {text}")
        return True


def _subscriptions(services: Any) -> SubscriptionService:
    existing = getattr(services, "subscriptions", None)
    if existing is not None:
        return existing
    settings = getattr(services, "settings", None)
    return SubscriptionService(
        services.db,
        services.topics,
        default_time=getattr(settings, "digest_time", "08:00"),
        default_timezone=getattr(settings, "timezone", "Asia/Tokyo"),
    )


async def ensure_console_subscription(services: Any) -> Subscription:
    """The console channel's subscription, created (all topics, alerts + digest) if missing."""
    subs = _subscriptions(services)
    current = await subs.get(PLATFORM, CHANNEL)
    if current is not None:
        return current
    return await subs.subscribe(PLATFORM, CHANNEL, None, "all", "both", is_admin=True)


class ConsoleSession:
    """Answers one typed line at a time (separate from the I/O so it is easy to test)."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.db = services.db
        self.topics = services.topics
        self.subscriptions = _subscriptions(services)
        clock = getattr(services, "clock", None)
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.commands: dict[str, Callable[[str], Awaitable[str]]] = {
            "help": self._help,
            "who": self._who,
            "search": self._search,
            "digest": self._digest,
            "topics": self._topics,
            "why": self._why,
            "subscriptions": self._subscriptions,
            "subscribe": self._subscribe,
            "unsubscribe": self._unsubscribe,
        }

    async def answer(self, line: str) -> str | None:
        """The reply to ``line``; None for a blank line. Never raises for bad input."""
        line = line.strip()
        if not line:
            return None
        if not line.startswith("/"):
            return "Commands start with / (try /help)."
        name, _, rest = line[1:].partition(" ")
        handler = self.commands.get(name.lower())
        if handler is None:
            return f"Unknown command /{name}. /help lists the commands."
        try:
            return await handler(rest.strip())
        except UserError as err:
            return f"error: {err.message}"
        except Exception:
            log.exception("console command %r failed", line)
            return "Something went wrong on the bot's side; the error was logged."

    async def _help(self, _: str) -> str:
        return HELP

    async def _who(self, name: str) -> str:
        if not name:
            raise UserError("Whom? For example: /who Peskov")
        from bot.services import who as who_service

        return render_who(await who_service.who(self.db, name))

    async def _search(self, query: str) -> str:
        hits = await queries.search(self.db, query, limit=SEARCH_LIMIT)
        return render_search(query, hits)

    async def _digest(self, _: str) -> str:
        settings = getattr(self.services, "settings", None)
        view = await digest_now(
            self.db,
            self.topics,
            PLATFORM,
            CHANNEL,
            self.clock(),
            default_timezone=getattr(settings, "timezone", "Asia/Tokyo"),
        )
        return render_digest(view)

    async def _topics(self, _: str) -> str:
        return render_topics(self.topics.topics)

    async def _why(self, ref: str) -> str:
        if not ref:
            raise UserError("Which article? Give its number, e.g. /why 12")
        return render_why(await queries.why(self.db, self.topics, ref, PLATFORM, CHANNEL))

    async def _subscriptions(self, _: str) -> str:
        return describe(await self.subscriptions.get(PLATFORM, CHANNEL), self.topics)

    async def _subscribe(self, args: str) -> str:
        topics, mode, time_, zone = [], None, None, None
        for word in args.split():
            if word.lower() in MODES or word.lower() in ("alert", "digests"):
                mode = word
            elif _TIME.match(word):
                time_ = word
            elif "/" in word or word.upper() == "UTC":
                zone = word
            else:
                topics.append(word)
        sub = await self.subscriptions.subscribe(
            PLATFORM, CHANNEL, None, topics, mode, time_, zone, is_admin=True
        )
        return "Subscribed. " + describe(sub, self.topics)

    async def _unsubscribe(self, args: str) -> str:
        left = await self.subscriptions.unsubscribe(PLATFORM, CHANNEL, args or None, is_admin=True)
        return "Unsubscribed. " + describe(left, self.topics)


def _line_reader(stdin: TextIO) -> Callable[[], Awaitable[str]]:
    """An async readline for ``stdin`` that never blocks the event loop.

    A real file descriptor (terminal, pipe, file) is read by a daemon thread,
    so a pending read neither blocks the loop nor keeps the process alive at
    shutdown, and the descriptor's blocking mode (shared with stdout on a
    terminal) is left alone. In-memory streams are read directly.
    """
    reconfigure = getattr(stdin, "reconfigure", None)
    if reconfigure is not None:  # a stray byte that is not UTF-8 must not end the session
        with contextlib.suppress(AttributeError, ValueError, OSError):
            reconfigure(errors="replace")
    try:
        stdin.fileno()
    except (AttributeError, OSError, ValueError):

        async def read_memory() -> str:
            return stdin.readline()

        return read_memory

    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        while True:
            try:
                line = stdin.readline()
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                log.warning("stopped reading the console: %s", exc)
                line = ""
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:  # the loop has closed: the app is gone
                return
            if not line:
                return

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()

    async def read_thread() -> str:
        return await lines.get()

    return read_thread


async def run_console(services: Any, stdin: TextIO, stdout: TextIO) -> int:
    """Answer commands from ``stdin`` until end of input or /quit; returns the exit code 0.

    ``services`` needs ``db`` and ``topics``; ``subscriptions`` (the app's
    SubscriptionService, so the digest schedule hears of changes), ``settings``
    and ``clock`` are used when present. Alerts and digests reach ``stdout``
    through a :class:`ConsoleTransport` that the app gives the delivery worker.
    """
    out = ConsoleTransport(stdout)
    sub = await ensure_console_subscription(services)
    session = ConsoleSession(services)
    out.write(
        "newsbot console — channel 'console'. "
        f"{describe(sub, services.topics)}\nType /help for commands; Ctrl-D to quit."
    )
    read = _line_reader(stdin)
    while True:
        line = await read()
        if not line:
            break
        if line.strip().lower() in ("/quit", "/exit"):
            break
        reply = await session.answer(line)
        if reply is not None:
            out.write(reply)
    out.write("bye.")
    return 0


@dataclass
class ConsoleHandle:
    """A running console session, shaped like the Discord and Slack handles.

    ``task`` finishes (with exit code 0) when input ends or on /quit: the app
    should then stop, as it does on SIGTERM.
    """

    transport: ConsoleTransport
    task: asyncio.Task[int]

    async def close(self) -> None:
        if not self.task.done():
            self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def start_console(services: Any, stdin: TextIO, stdout: TextIO) -> ConsoleHandle:
    """Create the console channel's subscription and start answering ``stdin``.

    The subscription exists when this returns, so the caller can hand
    ``handle.transport`` to the delivery worker right away.
    """
    await ensure_console_subscription(services)
    task = asyncio.create_task(run_console(services, stdin, stdout), name="console")
    return ConsoleHandle(ConsoleTransport(stdout), task)
