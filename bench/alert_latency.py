"""Alert latency: an article file landing in the inbox → the alert POSTed to (fake) Discord.

Runs the real bot parts in this process with the default settings of
config/bot.toml (inbox scan every 1 s, files settle 0.5 s, delivery woken by
the ingest): :class:`bot.app.App` (scheduler, IngestJob, pipeline, SQLite),
the services runtime (subscriptions, DeliveryWorker) and the real discord.py
client logged in to the loopback Discord fake of ``tests/fakes/discord_fake.py``.
A channel is subscribed to every topic; then ``--files`` generated articles
that carry a topic are dropped one at a time (written next to the inbox and
renamed into it, so the file lands whole), each after a random pause of up to
``--gap`` seconds so landings fall at every phase of the scan cycle. The time
from the rename to the fake receiving ``POST /channels/{id}/messages`` with the
article's headline is the latency.

    python -m bench.alert_latency              # 100 files
    python -m bench.alert_latency --files 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus_gen import DEFAULT_CORPUS, Generator
from bot.app import App
from bot.nlp.pipeline import Pipeline
from bot.parsing import parse_text
from bot.services.runtime import Services
from bot.settings import load_settings
from bot.transports.discord import start_discord
from tests.fakes.discord_fake import DiscordFake

REPO = Path(__file__).resolve().parents[1]


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


async def measure(files: int, gap: float, seed: int, corpus: Path, workdir: Path) -> dict:
    articles = tagged_articles(files, seed, corpus)
    settings = load_settings(
        REPO / "config",
        workdir / "newsbot.db",
        env={
            "NEWSBOT_INBOX": str(workdir / "inbox"),
            "NEWSBOT_ARCHIVE": str(workdir / "archive"),
            "NEWSBOT_QUARANTINE": str(workdir / "quarantine"),
            "NEWSBOT_SEEDS": "",
        },
    )
    print(
        f"settings: scan every {settings.scan_interval:g} s, settle {settings.settle_seconds:g} s,"
        f" delivery sweep every {settings.delivery_interval:g} s"
    )
    fake = DiscordFake()
    await fake.start()
    app = App(settings)
    await app.start()
    services = Services(app.db, app.pipeline.topics, settings, app.scheduler)
    handle = await start_discord(
        services, fake.token, api_base=fake.api_base, gateway_url=fake.gateway_url
    )
    latencies: list[float] = []
    lost: list[str] = []
    try:
        await handle.wait_ready(timeout=30)
        services.add_transport(handle.transport)
        app.ingest.on_alerts = services.wake_delivery
        await services.start()
        channel = fake.channel_ids[0]
        await services.subscriptions.subscribe(
            "discord", channel, fake.guild_id, "all", is_admin=True
        )
        staging = workdir / "staging"
        staging.mkdir()
        rng = random.Random(seed)
        for n, (title, text) in enumerate(articles, 1):
            await asyncio.sleep(rng.uniform(0, gap))
            seen = len(fake.posts_to(channel))
            tmp = staging / f"article_{n:04d}.txt"
            tmp.write_text(text, encoding="utf-8")
            os.rename(tmp, settings.inbox / tmp.name)
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
        posts = fake.posts_to(channel)
    finally:
        await services.stop()
        await handle.close()
        await app.stop()
        await fake.close()
    return {"latencies": latencies, "lost": lost, "posts": len(posts)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100, help="files to drop (100)")
    ap.add_argument("--gap", type=float, default=1.0, help="max random pause between files (s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory(prefix="newsbot-alert-") as tmp:
        result = asyncio.run(measure(args.files, args.gap, args.seed, args.corpus, Path(tmp)))
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
