"""``newsbot run`` as a real process serving Slack over signed HTTP: an admin subscribes a
channel with ``/newsbot subscribe``, a file dropped in the inbox becomes one alert there,
and article text cannot ping anyone."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import aiohttp

from tests.conftest import nikkei_text
from tests.fakes.slack_fake import SlackFake
from tests.transports.slack.slack_support import ADMIN, CHANNEL, SIGNING_SECRET, SlackClient

TITLE = "ロシアとウクライナ、捕虜200人ずつ交換"
BODY = (
    "ロシアとウクライナは7日、捕虜200人ずつを交換した。<!channel> 仲介したアラブ首長国連邦"
    "（UAE）によると、帰還した兵士には負傷者も含まれる。ゼレンスキー大統領は"
    "「すべての捕虜を取り戻す」と述べた。"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def poll(predicate, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.1)


async def test_subscribe_then_dropped_file_alerts_once_without_pings(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    async with SlackFake() as fake, aiohttp.ClientSession() as session:
        fake.add_user(ADMIN, admin=True)
        env = {
            **cli_env,
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "NEWSBOT_SLACK_PORT": str(port),
            "NEWSBOT_SCAN_INTERVAL": "0.5",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            client = SlackClient(f"http://127.0.0.1:{port}/slack/events", fake, session)
            for _ in range(300):
                try:
                    reply = await client.command("subscribe all alerts", user=ADMIN)
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.2)
            else:
                raise AssertionError("the Slack endpoint never came up")
            assert "all topics" in str(reply).lower()
            inbox = Path(env["NEWSBOT_INBOX"])
            (inbox / "swap.txt").write_text(nikkei_text(TITLE, BODY), encoding="utf-8")
            await poll(lambda: fake.posts(CHANNEL), timeout=60)
            await poll((Path(env["NEWSBOT_ARCHIVE"]) / "swap.txt").exists, timeout=30)
            await asyncio.sleep(1.5)
        finally:
            proc.terminate()
            _, err = await asyncio.wait_for(proc.communicate(), 60)
    stderr = err.decode("utf-8", "replace")
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    (post,) = fake.posts(CHANNEL)
    posted = str(post)
    assert TITLE in posted
    assert "&lt;!channel&gt;" in posted
    assert "<!channel>" not in posted
