"""Kill -9 the delivery process at random points: no alert lost, a resend reuses its nonce.

A child process sends the owed alerts through a transport that appends each
nonce to a file (standing for the platform). It is killed with SIGKILL while
sending, several times, then allowed to finish. Every owed row must have been
posted; a row may be posted twice only when the kill fell between the post and
its 'sent' mark — at most once per kill, and always with the same nonce, which
the platform deduplicates (Discord ``enforce_nonce``).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage import outbox
from bot.storage.db import open_database
from tests.services.conftest import REPO, add_article

CHILD = r"""
import asyncio, sys
from pathlib import Path
from bot.nlp.topics import load_topics
from bot.services.delivery import DeliveryWorker
from bot.storage.db import open_database

class FileTransport:
    platform = "discord"
    def __init__(self, path):
        self.fh = open(path, "a", buffering=1)
    async def send_alert(self, channel_id, alert, nonce):
        self.fh.write(nonce + "\n")
        self.fh.flush()
        await asyncio.sleep(0.002)
        return nonce
    async def send_digest(self, channel_id, digest, nonce):
        return [await self.send_alert(channel_id, None, nonce)]
    async def notify(self, channel_id, guild_id, text):
        return False

async def main(db_path, posted, topics):
    db = await open_database(db_path)
    worker = DeliveryWorker(db, {"discord": FileTransport(posted)}, load_topics(topics))
    await worker.run_once()
    await db.close()

asyncio.run(main(*sys.argv[1:4]))
"""

ROWS = 150
KILLS = 4


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_at_random_points_nothing_lost(tmp_path: Path) -> None:
    db_path, posted = tmp_path / "kill.db", tmp_path / "posted.txt"
    now = datetime(2025, 2, 13, tzinfo=UTC)

    async def owe() -> set[str]:
        db = await open_database(db_path)
        try:
            await db.execute(
                "INSERT INTO subscriptions (platform, channel_id, topics, created_at)"
                " VALUES ('discord', '1', ?, ?)",
                (json.dumps(["*"]), now.isoformat()),
            )
            for i in range(ROWS):
                aid = await add_article(db, f"記事{i}", now, {"nato": []})
                await outbox.enqueue_alerts(db, aid, ["nato"], now=now)
            return {r.nonce for r in await outbox.list_rows(db)}
        finally:
            await db.close()

    owed = asyncio.run(owe())
    assert len(owed) == ROWS
    argv = [
        sys.executable,
        "-c",
        CHILD,
        str(db_path),
        str(posted),
        str(REPO / "config/topics.toml"),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rng = random.Random(20250213)
    kills = 0
    for _ in range(KILLS):
        before = len(_lines(posted))
        child = subprocess.Popen(argv, env=env, cwd=REPO)
        deadline = time.monotonic() + 60
        while len(_lines(posted)) <= before and child.poll() is None:
            assert time.monotonic() < deadline, "the child never started sending"
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(timeout=60)
    final = subprocess.run(argv, env=env, cwd=REPO, timeout=120)
    assert final.returncode == 0

    sent = _lines(posted)
    assert kills >= 1
    assert set(sent) == owed  # nothing lost
    assert len(sent) - len(set(sent)) <= kills  # a resend only where a kill fell mid-send

    async def statuses() -> set[str]:
        db = await open_database(db_path)
        try:
            return {r.status for r in await outbox.list_rows(db)}
        finally:
            await db.close()

    assert asyncio.run(statuses()) == {"sent"}
