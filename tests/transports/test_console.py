"""The console transport: typed commands answered, alerts printed, clean exit at end of input."""

from __future__ import annotations

import asyncio
import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.models import ActorRef, QuoteRef
from bot.services.delivery import DeliveryWorker
from bot.services.subscriptions import SubscriptionService
from bot.storage import outbox
from bot.storage.db import Database
from bot.transports.console import (
    CHANNEL,
    PLATFORM,
    ConsoleSession,
    ConsoleTransport,
    ensure_console_subscription,
    run_console,
)
from tests.services.conftest import default_topics, store_article

NOW = datetime(2025, 2, 13, 9, 0, tzinfo=UTC)
JST = ZoneInfo("Asia/Tokyo")


@dataclass
class Services:
    db: Database
    topics: Any
    subscriptions: SubscriptionService
    clock: Any = None


@pytest.fixture
def services(db: Database) -> Services:
    catalog = default_topics()
    return Services(db, catalog, SubscriptionService(db, catalog), clock=lambda: NOW)


async def _news(db: Database) -> tuple[int, int]:
    a = await store_article(
        db,
        "ウクライナ停戦交渉、来週に再開へ",
        (NOW - timedelta(hours=3)).astimezone(JST),
        {"ceasefire_talks": ["両国は停戦交渉を来週再開することで合意した。"]},
        body="ロシアとウクライナは停戦交渉を来週再開することで合意した。詳細は未定だ。",
    )
    b = await store_article(
        db,
        "NATO国防相会議が開幕",
        (NOW - timedelta(hours=2)).astimezone(JST),
        {"nato": ["北大西洋条約機構（NATO）の国防相会議が開幕した。"]},
        body="北大西洋条約機構（NATO）の国防相会議がブリュッセルで開幕した。",
    )
    return a, b


async def test_a_session_from_start_to_end_of_input(services: Services) -> None:
    a, _ = await _news(services.db)
    stdin = io.StringIO(
        "/help\n\n/topics\n/search 停戦\n/why " + str(a) + "\n/digest\n/subscriptions\nhello\n"
        "/nonsense\n/why 9999\n"
    )
    stdout = io.StringIO()
    assert await run_console(services, stdin, stdout) == 0
    out = stdout.getvalue()
    assert out.startswith("newsbot console") and out.rstrip().endswith("bye.")
    assert "/who NAME" in out  # help
    assert "prisoner_release — Prisoner release / 捕虜・拘束者の解放" in out  # topics
    assert "1 result for '停戦':" in out  # search
    assert f"#{a} ウクライナ停戦交渉、来週に再開へ — Nikkei Online 2025-02-13 15:00 +09:00" in out
    assert "Ceasefire talks / 停戦交渉 (score 0.90) ← this channel" in out  # why
    assert "「両国は停戦交渉を来週再開することで合意した。」" in out
    assert "Digest for 2025-02-13 — 2 articles" in out and "NATO (1)" in out  # digest
    assert "Topics: all topics. Gets alerts and a daily digest at 08:00 Asia/Tokyo." in out
    assert "Commands start with /" in out
    assert "Unknown command /nonsense." in out
    assert "error: There is no article #9999." in out
    assert "Traceback" not in out


async def test_who_finds_a_person_by_english_name(services: Services) -> None:
    aid = await store_article(
        services.db,
        "ペスコフ報道官、停戦案に慎重姿勢",
        NOW.astimezone(JST),
        {"ceasefire_talks": ["根拠。"]},
        body="ロシアのペスコフ大統領報道官は記者団に語った。",
        actors=[
            ActorRef(
                "peskov", "ペスコフ", "Dmitry Peskov", role="ロシア大統領報道官", names=["ペスコフ"]
            )
        ],
        quotes=[QuoteRef("現時点で停戦の条件は整っていない", "peskov", 1)],
    )
    session = ConsoleSession(services)
    reply = await session.answer("/who Peskov")
    assert reply is not None
    assert reply.startswith("Dmitry Peskov (ペスコフ)\nRole: ロシア大統領報道官")
    assert "「現時点で停戦の条件は整っていない」" in reply
    assert f"• #{aid} ペスコフ報道官、停戦案に慎重姿勢 2025-02-13 18:00 +09:00" in reply
    unknown = await session.answer("/who Nobody")
    assert unknown is not None and unknown.startswith("No one called 'Nobody'")


async def test_console_channel_is_subscribed_to_everything(services: Services) -> None:
    sub = await ensure_console_subscription(services)
    assert (sub.platform, sub.channel_id, sub.topics) == (PLATFORM, CHANNEL, ("*",))
    assert sub.alerts and sub.digest
    # An operator's own choice is kept on the next start.
    await services.subscriptions.subscribe(PLATFORM, CHANNEL, None, "nato", is_admin=True)
    await services.subscriptions.unsubscribe(PLATFORM, CHANNEL, "all", is_admin=True)
    await services.subscriptions.subscribe(PLATFORM, CHANNEL, None, "nato", "digest", is_admin=True)
    again = await ensure_console_subscription(services)
    assert again.topics == ("nato",) and not again.alerts


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/subscribe", "Subscribed. Topics: all topics."),  # nothing to change
        ("/subscribe sanctions", "error: Unknown topic 'sanctions'."),
        ("/subscribe nato digest 07:30 Europe/Kyiv", "daily digest at 07:30 Europe/Kyiv"),
        ("/subscribe nato 25:00", "error: Digest time '25:00'"),
        ("/unsubscribe nato", "Unsubscribed. Topics: Ceasefire talks / 停戦交渉, Territory"),
        ("/unsubscribe", "Unsubscribed. This channel has no subscription."),
        ("/why", "error: Which article?"),
        ("/who", "error: Whom?"),
        ("/search   ", "error: Type something to search for"),
        ("/why 停戦", "Why #1 ウクライナ停戦交渉、来週に再開へ"),  # a headline fragment
    ],
)
async def test_commands(services: Services, line: str, expected: str) -> None:
    await _news(services.db)
    await ensure_console_subscription(services)
    reply = await ConsoleSession(services).answer(line)
    assert reply is not None and expected in reply


async def test_alerts_and_digests_print_through_the_delivery_worker(services: Services) -> None:
    await ensure_console_subscription(services)
    a, b = await _news(services.db)  # stored after subscribing: alerts are owed
    stdout = io.StringIO()
    worker = DeliveryWorker(
        services.db, {PLATFORM: ConsoleTransport(stdout)}, services.topics, clock=lambda: NOW
    )
    assert (await worker.run_once()).sent == 2
    out = stdout.getvalue()
    assert out.count("[alert] ■") == 2
    assert f"ウクライナ停戦交渉、来週に再開へ  [#{a}]" in out and f"[#{b}]" in out
    assert "Topics: NATO" in out and "Nikkei Online · 2025-02-13 16:00 +09:00" in out
    rows = await outbox.list_rows(services.db)
    assert {r.message_id for r in rows} == {f"console:nb{r.id}" for r in rows}


async def test_reads_a_real_pipe_until_it_closes(services: Services) -> None:
    read_fd, write_fd = os.pipe()
    stdin = os.fdopen(read_fd, "r", encoding="utf-8")
    stdout = io.StringIO()
    task = asyncio.create_task(run_console(services, stdin, stdout))
    os.write(write_fd, b"/subscriptions\n/search \xff\xfe\n")  # not UTF-8
    os.close(write_fd)
    assert await asyncio.wait_for(task, timeout=30) == 0
    stdin.close()
    out = stdout.getvalue()
    assert "Topics: all topics" in out and out.rstrip().endswith("bye.")


async def test_quit_stops_before_the_rest(services: Services) -> None:
    stdout = io.StringIO()
    assert await run_console(services, io.StringIO("/quit\n/topics\n"), stdout) == 0
    assert "Topics:" not in stdout.getvalue().split("Ctrl-D to quit.")[1]


async def test_start_console_with_the_wired_services(db: Database, settings) -> None:
    """The app's path: Services + start_console; an alert prints, end of input ends the task."""
    from bot.scheduling import Scheduler
    from bot.services.runtime import Services as Runtime
    from bot.transports.console import start_console

    scheduler = Scheduler()
    scheduler.start()
    runtime = Runtime(db, default_topics(), settings, scheduler, clock=lambda: NOW)
    read_fd, write_fd = os.pipe()
    stdin = os.fdopen(read_fd, "r", encoding="utf-8")
    stdout = io.StringIO()
    try:
        handle = await start_console(runtime, stdin, stdout)
        runtime.add_transport(handle.transport)
        await runtime.start()
        aid, _ = await _news(db)
        runtime.wake_delivery()
        for _ in range(10_000):
            if f"[#{aid}]" in stdout.getvalue():
                break
            await asyncio.sleep(0.001)
        os.write(write_fd, b"/subscriptions\n")
        os.close(write_fd)
        assert await asyncio.wait_for(handle.task, timeout=30) == 0
        await handle.close()
    finally:
        await runtime.stop()
        scheduler.shutdown()
        stdin.close()
    out = stdout.getvalue()
    assert f"[alert] ■ ウクライナ停戦交渉、来週に再開へ  [#{aid}]" in out
    assert "Topics: all topics" in out and out.rstrip().endswith("bye.")
