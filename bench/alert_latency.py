"""Alert latency: an article file landing in the inbox → the alert POSTed to (fake) Discord.

Default (``--mode run``): the bot runs as ``python -m bot run`` in a child
process, exactly as deployed, with ``DISCORD_TOKEN``, ``DISCORD_API_BASE`` and
``DISCORD_GATEWAY_URL`` pointing at the loopback Discord fake of
``tests/fakes/discord_fake.py`` (served by this process), the default settings
of config/bot.toml (inbox scan every 1 s, files settle 0.5 s, delivery woken by
the ingest) and a channel subscribed to every topic before start. ``--mode
inprocess`` runs the same :class:`bot.app.App` in this process instead.

``--files`` generated articles that carry a topic are dropped one at a time
(written next to the inbox and renamed into it, so each lands whole), each
after a random pause of up to ``--gap`` seconds so landings fall at every phase
of the scan cycle. The time from the rename to the fake receiving ``POST
/channels/{id}/messages`` with the article's headline is the latency.

    python -m bench.alert_latency              # 100 files, newsbot run
    python -m bench.alert_latency --files 20 --mode inprocess
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.corpus_gen import DEFAULT_CORPUS, Generator
from bot.app import App
from bot.nlp.pipeline import Pipeline
from bot.parsing import parse_text
from bot.services.subscriptions import SubscriptionService
from bot.settings import Settings, load_secrets, load_settings
from bot.storage.db import open_database
from tests.fakes.discord_fake import DiscordFake

REPO = Path(__file__).resolve().parents[1]
Stop = Callable[[], Awaitable[None]]


def tagged_articles(count: int, seed: int, corpus: Path) -> list[tuple[str, str]]:
    """(headline, file text) of ``count`` generated articles that carry at least one topic."""
    pipeline = Pipeline.from_config(REPO / "config")
    gen = Generator(corpus, seed)
    out: list[tuple[str, str]] = []
    while len(out) < count:
        text = gen.article_text()
        article = parse_text(text, "gen.txt").articles[0]
        if pipeline.analyze(article).analysis.topics:
            out.append((article.title, text + "\n"))
    return out


def posted_titles(fake: DiscordFake, channel: str) -> list[tuple[int, str]]:
    """(request index, everything the post said) for each message post to ``channel``."""
    return [
        (i, json.dumps(r.body, ensure_ascii=False)) for i, r in enumerate(fake.posts_to(channel))
    ]


def folders_env(workdir: Path) -> dict[str, str]:
    return {
        "NEWSBOT_INBOX": str(workdir / "inbox"),
        "NEWSBOT_ARCHIVE": str(workdir / "archive"),
        "NEWSBOT_QUARANTINE": str(workdir / "quarantine"),
        "NEWSBOT_SEEDS": "",
    }


async def subscribe_all(db_path: Path, topics: object, channel: str, guild: str) -> None:
    """Subscribe ``channel`` to every topic, alerts and digest, in the bot's database."""
    db = await open_database(db_path)
    try:
        service = SubscriptionService(db, topics)  # type: ignore[arg-type]
        await service.subscribe("discord", channel, guild, "all", is_admin=True)
    finally:
        await db.close()


async def measure(
    mode: str, files: int, gap: float, seed: int, corpus: Path, workdir: Path
) -> dict:
    articles = tagged_articles(files, seed, corpus)
    db_path = workdir / "newsbot.db"
    settings = load_settings(REPO / "config", db_path, env=folders_env(workdir))
    print(
        f"mode {mode}; settings: scan every {settings.scan_interval:g} s, settle "
        f"{settings.settle_seconds:g} s, delivery sweep every {settings.delivery_interval:g} s"
    )
    settings.inbox.mkdir(parents=True, exist_ok=True)
    fake = DiscordFake()
    await fake.start()
    channel = fake.channel_ids[0]
    stop: Stop | None = None
    try:
        if mode == "run":
            await subscribe_all(
                db_path, Pipeline.from_config(REPO / "config").topics, channel, fake.guild_id
            )
            stop = await start_child(fake, db_path, workdir)
        else:
            stop = await start_in_process(fake, settings, channel)
        return await drop_files(fake, channel, articles, settings.inbox, workdir, gap, seed)
    finally:
        if stop is not None:
            await stop()
        await fake.close()


async def start_child(fake: DiscordFake, db_path: Path, workdir: Path) -> Stop:
    """``python -m bot run`` against the fake; returns an async stop function."""
    env = {
        **os.environ,
        **folders_env(workdir),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
    }
    log = (workdir / "bot.log").open("w")
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(REPO / "config"),
         "--db", str(db_path)],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip

    async def stop() -> None:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            await asyncio.to_thread(child.wait, 30)
        log.close()

    try:
        await fake.wait_for(lambda: fake.identify is not None or child.poll() is not None, 60)
        if child.poll() is not None:
            raise RuntimeError(f"newsbot run exited with {child.returncode}")
        await asyncio.sleep(1.0)  # start-up finishes (delivery loop, first scan)
    except BaseException:
        await stop()
        print((workdir / "bot.log").read_text()[-3000:], file=sys.stderr)
        raise
    return stop


async def start_in_process(fake: DiscordFake, settings: Settings, channel: str) -> Stop:
    """The same :class:`App` as ``newsbot run``, in this process; returns a stop function."""
    secrets = load_secrets(
        {
            "DISCORD_TOKEN": fake.token,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
        }
    )
    app = App(settings, secrets, console=False)
    await app.start()
    try:
        assert app.services is not None
        await fake.wait_for(lambda: fake.identify is not None, 30)
        await app.services.subscriptions.subscribe(
            "discord", channel, fake.guild_id, "all", is_admin=True
        )
    except BaseException:
        await app.stop()
        raise
    return app.stop


async def drop_files(
    fake: DiscordFake,
    channel: str,
    articles: list[tuple[str, str]],
    inbox: Path,
    workdir: Path,
    gap: float,
    seed: int,
) -> dict:
    latencies: list[float] = []
    lost: list[str] = []
    staging = workdir / "staging"
    staging.mkdir()
    rng = random.Random(seed)
    for n, (title, text) in enumerate(articles, 1):
        await asyncio.sleep(rng.uniform(0, gap))
        seen = len(fake.posts_to(channel))
        tmp = staging / f"article_{n:04d}.txt"
        tmp.write_text(text, encoding="utf-8")
        os.rename(tmp, inbox / tmp.name)
        landed = time.perf_counter()

        def arrived(seen: int = seen, title: str = title) -> bool:
            return any(title in body for i, body in posted_titles(fake, channel) if i >= seen)

        try:
            await fake.wait_for(arrived, timeout=30)
        except TimeoutError:
            lost.append(title)
            continue
        latencies.append(time.perf_counter() - landed)
        if n % 10 == 0:
            print(f"  {n:4d} files, last latency {latencies[-1] * 1000:6.0f} ms", flush=True)
    await asyncio.sleep(2)  # a duplicate would come within a delivery sweep or two
    return {"latencies": latencies, "lost": lost, "posts": len(fake.posts_to(channel))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100, help="files to drop (100)")
    ap.add_argument("--gap", type=float, default=1.0, help="max random pause between files (s)")
    ap.add_argument("--mode", choices=["run", "inprocess"], default="run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory(prefix="newsbot-alert-") as tmp:
        result = asyncio.run(
            measure(args.mode, args.files, args.gap, args.seed, args.corpus, Path(tmp))
        )
    lat = sorted(x * 1000 for x in result["latencies"])
    if len(lat) < 2:
        print(f"too few alerts arrived ({len(lat)}); lost: {result['lost'][:5]}")
        return 1
    qs = statistics.quantiles(lat, n=100, method="inclusive")
    print(
        f"\nfile landing -> alert POST received by the fake, {len(lat)} files: "
        f"p50 {qs[49]:.0f} ms, p95 {qs[94]:.0f} ms, p99 {qs[98]:.0f} ms, "
        f"min {lat[0]:.0f} ms, max {lat[-1]:.0f} ms"
    )
    print(
        f"alerts lost: {len(result['lost'])}; message posts to the channel: {result['posts']} "
        f"(one per file expected)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}; target p95 <= 2000 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
