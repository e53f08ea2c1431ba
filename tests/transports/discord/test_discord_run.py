"""``newsbot run`` as a real process connected to the Discord fake: files dropped in the
inbox become alerts in the matching channels only, once each, even across a SIGKILL.

The fake runs in the test's event loop on 127.0.0.1; the bot is ``python -m bot run``
with DISCORD_TOKEN / DISCORD_API_BASE / DISCORD_GATEWAY_URL pointing at it.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.nlp.topics import load_topics
from bot.services.subscriptions import SubscriptionService
from bot.storage.db import open_database
from tests.conftest import nikkei_text
from tests.fakes.discord_fake import DiscordFake, running_fake

PRISONERS = (
    "ロシアとウクライナ、捕虜150人ずつ交換 @everyone",
    "ロシアとウクライナは5日、捕虜150人ずつを交換した。<@123> 仲介したアラブ首長国連邦"
    "（UAE）によると、帰還した兵士には負傷者も含まれる。ゼレンスキー大統領は"
    "「すべての捕虜を取り戻す」と述べた。両国は今後も身柄の交換を続ける方針だ。",
)


@pytest.fixture
async def fake() -> AsyncIterator[DiscordFake]:
    async with running_fake() as server:
        yield server


@pytest.fixture
def env(cli_env: dict[str, str], fake: DiscordFake) -> dict[str, str]:
    return {
        **cli_env,
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "NEWSBOT_SCAN_INTERVAL": "0.5",
        "NEWSBOT_DELIVERY_INTERVAL": "0.5",
    }


async def subscribe(env: dict[str, str], channel: str, guild: str, topics: str) -> None:
    db = await open_database(env["NEWSBOT_DB"])
    try:
        service = SubscriptionService(
            db,
            load_topics(Path(env["NEWSBOT_CONFIG"]) / "topics.toml"),
            default_time="08:00",
            default_timezone="Asia/Tokyo",
        )
        await service.subscribe("discord", channel, guild, topics, "alerts", is_admin=True)
    finally:
        await db.close()


async def start_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop_bot(proc: asyncio.subprocess.Process, sig: int = signal.SIGTERM) -> str:
    if proc.returncode is None:
        proc.send_signal(sig)
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    return err.decode("utf-8", "replace")


async def poll(predicate: Callable[[], object], timeout: float) -> None:
    """Wait for a condition the fake hears nothing about (files on disk)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


def titles_in(fake: DiscordFake, channel: str) -> list[str]:
    return [e["title"] for m in fake.messages_in(channel) for e in m.get("embeds", [])[:1]]


async def test_dropped_file_alerts_matching_channels_once_without_mentions(
    fake: DiscordFake, env: dict[str, str], tmp_path: Path
) -> None:
    prisoners_channel, nato_channel = fake.channel_ids
    await subscribe(env, prisoners_channel, fake.guild_id, "prisoner_release")
    await subscribe(env, nato_channel, fake.guild_id, "nato")
    proc = await start_bot(env, tmp_path)
    try:
        await fake.wait_for(lambda: fake.command_puts, timeout=90)
        inbox = Path(env["NEWSBOT_INBOX"])
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "swap.txt").write_text(nikkei_text(*PRISONERS), encoding="utf-8")
        await fake.wait_for(lambda: fake.messages_in(prisoners_channel), timeout=60)
        archived = Path(env["NEWSBOT_ARCHIVE"]) / "swap.txt"
        await poll(archived.exists, timeout=30)
        (inbox / "swap-again.txt").write_text(nikkei_text(*PRISONERS), encoding="utf-8")
        again = Path(env["NEWSBOT_ARCHIVE"]) / "swap-again.txt"
        await poll(again.exists, timeout=30)
        await asyncio.sleep(1.5)  # two delivery sweeps: anything owed would have gone out
    finally:
        stderr = await stop_bot(proc)
    assert "Traceback" not in stderr
    assert proc.returncode == 0, stderr
    (posted,) = [r for r in fake.posts_to(prisoners_channel)]
    assert posted.body["allowed_mentions"] == {"parse": []}
    assert titles_in(fake, prisoners_channel) == [PRISONERS[0]]
    assert fake.messages_in(nato_channel) == []


async def test_sigkill_with_alerts_pending_then_restart_delivers_each_once(
    fake: DiscordFake, env: dict[str, str], tmp_path: Path
) -> None:
    channel = fake.channel_ids[0]
    await subscribe(env, channel, fake.guild_id, "all")
    titles = [f"ロシアとウクライナ、捕虜{n}人ずつ交換" for n in (101, 102, 103, 104, 105)]
    # The first post is stored but its answer is a 500 (the bot cannot know it went out);
    # later ones fail outright, so alerts are still pending when the bot is killed.
    fake.fail_next_posts(channel, 500, count=1, after_create=True)
    fake.fail_next_posts(channel, 503, count=1000)
    proc = await start_bot(env, tmp_path)
    try:
        await fake.wait_for(lambda: fake.command_puts, timeout=90)
        inbox = Path(env["NEWSBOT_INBOX"])
        inbox.mkdir(parents=True, exist_ok=True)
        for i, title in enumerate(titles):
            (inbox / f"swap{i}.txt").write_text(
                nikkei_text(title, PRISONERS[1].replace("150", title[-6:-3])), encoding="utf-8"
            )
        archive = Path(env["NEWSBOT_ARCHIVE"])
        await poll(lambda: len(list(archive.glob("swap*.txt"))) == len(titles), timeout=90)
        await fake.wait_for(lambda: len(fake.posts_to(channel)) >= 3, timeout=60)
    finally:
        stderr = await stop_bot(proc, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert len(titles_in(fake, channel)) == 1  # the one whose answer was lost

    fake._failures.clear()
    proc = await start_bot(env, tmp_path)
    try:
        await fake.wait_for(lambda: len(titles_in(fake, channel)) >= len(titles), timeout=120)
        await asyncio.sleep(1.5)
    finally:
        stderr = await stop_bot(proc)
    assert "Traceback" not in stderr
    assert sorted(titles_in(fake, channel)) == sorted(titles)
