"""Scale: /who and /search latency, database size and memory with N articles stored.

1. **Build** a database of ``--n`` synthetic articles (bench/corpus_gen.py), each
   analysed by the real pipeline and stored through the real ``store_analyzed``
   (500 a transaction); storing, not analysing, sets the pace (~70-80 articles/s
   on 2 cores, ~25 min for 100,000). ``--pool K`` is a shortcut: only K distinct
   articles are analysed, and the others are those articles under a new
   headline, outlet and date (re-tokenised for the search index, their topics,
   people and quotes reused); the output says which mode ran.
2. **Query**, in a fresh child process that loads what the running bot loads
   (settings, the NLP pipeline, the database): ``--queries`` varied ``who``
   lookups (English surnames and full names, katakana, romaji, near misses,
   unknown names) through ``bot.services.who.who`` and as many searches
   (topic words, names, two-word queries, corpus words, words that are in no
   article) through ``bot.services.queries.search``; prints p50/p95/p99, the
   database size and the child's peak RSS (``resource.getrusage``).

    python -m bench.scale                      # 10,000 articles (a few minutes)
    python -m bench.scale --n 100000 --db /tmp/scale-100k.db --keep   # ~25 min
    python -m bench.scale --db /tmp/scale-100k.db --queries-only
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from bench.corpus_gen import DEFAULT_CORPUS, OUTLETS, Generator, invented_surnames
from bot.models import Analysis, Article
from bot.nlp.names import hepburn
from bot.nlp.pipeline import Analyzed, Pipeline
from bot.parsing import parse_text
from bot.storage.articles import count_articles, store_analyzed
from bot.storage.db import Database, open_database

REPO = Path(__file__).resolve().parents[1]
BATCH = 500


# ------------------------------------------------------------------------ build


def _variant(base: Article, i: int, rng: random.Random) -> Article:
    """The pool article under a new (unique) headline, outlet and date."""
    published = base.published
    if published is not None:
        published = published.replace(
            year=rng.randint(2022, 2025), month=rng.randint(1, 12), day=rng.randint(1, 28)
        )
    return dataclasses.replace(
        base,
        title=f"{base.title}（続報{i}）",
        source=rng.choice(OUTLETS),
        published=published,
    )


async def build(db: Database, n: int, pool_size: int, full: bool, seed: int, corpus: Path) -> None:
    have = await count_articles(db)
    if have >= n:
        print(f"build: the database already holds {have:,} articles; not adding any")
        return
    pipeline = Pipeline.from_config(REPO / "config")
    gen = Generator(corpus, seed)
    rng = random.Random(seed)
    pool: list[tuple[Article, Analysis]] = []
    mode = (
        "full: every article analysed by the real pipeline"
        if full
        else f"pool: {pool_size:,} distinct articles analysed by the real pipeline; the others "
        "reuse a pool article's analysis under a new headline, outlet and date "
        "(their text is tokenised again for the search index)"
    )
    print(f"build: {n - have:,} articles, mode {mode}")
    t0 = time.perf_counter()
    analysed = stored = 0
    i = have
    while i < n:
        async with db.transaction():
            for _ in range(min(BATCH, n - i)):
                if full or len(pool) < pool_size:
                    article = parse_text(gen.article_text(), "gen.txt").articles[0]
                    an = pipeline.analyze(article)
                    analysed += 1
                    if not full:
                        pool.append((article, an.analysis))
                else:
                    base, analysis = pool[i % pool_size]
                    article = _variant(base, i, rng)
                    an = Analyzed(analysis, pipeline.tokenizer.parse(article.nlp_text()))
                await store_analyzed(db, article, an, None)
                stored += 1
                i += 1
        if (i // BATCH) % 20 == 0 or i == n:
            rate = stored / (time.perf_counter() - t0)
            print(f"  {i:>7,} articles stored ({rate:,.0f}/s, {analysed:,} analysed)", flush=True)
    print(f"build: {stored:,} articles in {time.perf_counter() - t0:,.0f} s")


# ---------------------------------------------------------------------- queries


def who_queries(names: list[str], count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query): English surnames and names, katakana, romaji, near misses, unknown."""
    data = tomllib.loads((REPO / "config" / "actors.toml").read_text(encoding="utf-8"))
    english = [a["en"] for a in data["actor"] if a.get("en")]
    surnames = [e.split()[-1] for e in english]
    katakana = [n for n in names if all("゠" <= c <= "ヿ" for c in n)]
    kanji = [n for n in names if n not in katakana and not n.isascii()]
    invented = invented_surnames()

    def near_miss(word: str) -> str:
        k = rng.randrange(len(word))
        c = rng.choice("aeiouvwkz")
        return word[:k] + c + word[k + 1 :] if rng.random() < 0.5 else word + c

    makers = [
        ("english surname", lambda: rng.choice(surnames)),
        ("english lowercase", lambda: rng.choice(surnames).lower()),
        ("english full name", lambda: rng.choice(english)),
        ("katakana", lambda: rng.choice(katakana)),
        ("kanji", lambda: rng.choice(kanji) if kanji else rng.choice(katakana)),
        ("romaji of invented", lambda: hepburn(rng.choice(invented)).replace(" ", "")),
        ("near miss", lambda: near_miss(rng.choice(surnames))),
        (
            "unknown",
            lambda: (
                rng.choice(["Smithers", "Quimby", "Flanders", "Nakamoto", "Xu Li"])
                + rng.choice(["", "son", "berg", "ski"])
            ),
        ),  # fmt: skip
    ]
    return [(kind, make()) for kind, make in (rng.choice(makers) for _ in range(count))]


SEARCH_WORDS = [
    "停戦", "停戦交渉", "NATO", "ＮＡＴＯ", "領土", "捕虜", "捕虜交換", "ウクライナ", "ロシア",
    "プーチン", "ゼレンスキー", "トランプ", "制裁", "首脳会談", "加盟", "北方領土", "人質",
    "解放", "ミサイル", "ドローン", "ガザ", "ハマス", "スウェーデン", "フィンランド", "国防費",
    "和平案", "クリミア", "ザポロジエ", "原発", "エネルギー", "国連", "安保理", "中国", "北朝鮮",
]  # fmt: skip
MISSING = ["量子コンピューター", "甲子園", "将棋", "ラーメン", "Bitcoin", "サッカーW杯", "花粉症"]


def search_queries(words: list[str], count: int, rng: random.Random) -> list[tuple[str, str]]:
    makers = [
        ("topic word", lambda: rng.choice(SEARCH_WORDS)),
        ("two words", lambda: f"{rng.choice(SEARCH_WORDS)} {rng.choice(SEARCH_WORDS)}"),
        ("corpus word", lambda: rng.choice(words)),
        ("name", lambda: rng.choice(["ペスコフ", "ラブロフ", "ウィトコフ", "ルッテ", "岸田"])),
        ("not in any article", lambda: rng.choice(MISSING)),
    ]
    return [(kind, make()) for kind, make in (rng.choice(makers) for _ in range(count))]


def percentiles(values: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": qs[49], "p95": qs[94], "p99": qs[98], "max": max(values)}


async def run_queries(db_path: Path, count: int, seed: int) -> dict:
    """The query phase (run in a child process, so its peak RSS is the bot's)."""
    from bot.services.queries import search
    from bot.services.who import who

    pipeline = Pipeline.from_config(REPO / "config")  # loaded like the running bot
    db = await open_database(db_path)
    rng = random.Random(seed)
    try:
        articles = await count_articles(db)
        names = [r[0] for r in await db.fetchall("SELECT name FROM actor_names")]
        top = (await db.fetchone("SELECT MAX(id) FROM articles"))[0] or 0
        sample = rng.sample(range(1, top + 1), min(50, top))
        bodies = await db.fetchall(
            f"SELECT body FROM articles WHERE id IN ({','.join('?' * len(sample))})", sample
        )
        words = sorted(
            {
                t.surface
                for r in bodies
                for t in pipeline.tokenizer.parse(r[0]).tokens
                if t.pos1 == "名詞" and len(t.surface) >= 2
            }
        )
        out: dict = {"articles": articles, "rss_before_mb": current_rss_mb()}
        for label, queries, call in (
            ("who", who_queries(names, count, rng), lambda q: who(db, q)),
            ("search", search_queries(words, count, rng), lambda q: search(db, q)),
        ):
            await call(queries[0][1])  # first-use costs (statement cache) out of the figures
            times: list[float] = []
            by_kind: dict[str, list[float]] = {}
            outcomes: dict[str, int] = {}
            for kind, q in queries:
                t0 = time.perf_counter()
                result = await call(q)
                ms = (time.perf_counter() - t0) * 1000
                times.append(ms)
                by_kind.setdefault(kind, []).append(ms)
                key = getattr(result, "status", None) or ("hits" if result else "no hits")
                outcomes[key] = outcomes.get(key, 0) + 1
            out[label] = {
                "all": percentiles(times),
                "kinds": {k: percentiles(v) | {"n": len(v)} for k, v in by_kind.items()},
                "outcomes": outcomes,
            }
    finally:
        await db.close()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["rss_after_mb"] = current_rss_mb()
    return out


def current_rss_mb() -> float | None:
    """This process's resident set now (Linux), in MB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def db_size(path: Path) -> int:
    return sum(
        Path(str(path) + s).stat().st_size
        for s in ("", "-wal", "-shm")
        if Path(str(path) + s).exists()
    )


def report(result: dict, path: Path) -> None:
    print(f"\nqueries over {result['articles']:,} stored articles (child process):")
    for label in ("who", "search"):
        r = result[label]
        a = r["all"]
        print(
            f"  {label:6s} p50 {a['p50']:6.1f} ms  p95 {a['p95']:6.1f} ms  p99 {a['p99']:6.1f} ms"
            f"  max {a['max']:6.1f} ms   outcomes {r['outcomes']}"
        )
        for kind, k in sorted(r["kinds"].items()):
            print(f"      {kind:20s} n={k['n']:4d}  p50 {k['p50']:6.1f}  p95 {k['p95']:6.1f} ms")
    print(f"  database size {db_size(path) / 1e6:,.0f} MB ({path})")
    print(
        f"  peak RSS of the query process {result['peak_rss_mb']:.0f} MB (pipeline loaded; "
        f"{result['rss_before_mb'] or 0:.0f} MB before the first query, "
        f"{result['rss_after_mb'] or 0:.0f} MB after the last)"
    )
    print("  targets: who/search p95 <= 50 ms, RSS <= 300 MB at 100,000 articles")


# ------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles to store (10,000)")
    ap.add_argument(
        "--pool", type=int, default=0, help="analyse only this many distinct articles and reuse"
    )
    ap.add_argument("--full", action="store_true", help="analyse every article (the default)")
    ap.add_argument("--queries", type=int, default=1_000, help="who and search queries each")
    ap.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the database file")
    ap.add_argument("--queries-only", action="store_true", help="only query an existing --db")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)

    if args.child:
        print(json.dumps(asyncio.run(run_queries(args.db, args.queries, args.seed))))
        return 0

    tmp = None
    if args.db is None:
        tmp = tempfile.mkdtemp(prefix="newsbot-scale-")
        args.db = Path(tmp) / "scale.db"
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    try:
        if not args.queries_only:

            async def _build() -> None:
                db = await open_database(args.db)
                try:
                    full = args.full or args.pool <= 0
                    await build(db, args.n, args.pool, full, args.seed, args.corpus)
                    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    await db.close()

            asyncio.run(_build())
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"build process peak RSS {peak:.0f} MB (generator and pool included)")
        child = subprocess.run(
            [sys.executable, "-m", "bench.scale", "--child", "--db", str(args.db),
             "--queries", str(args.queries), "--seed", str(args.seed)],
            cwd=REPO, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return 1
        report(json.loads(child.stdout.strip().splitlines()[-1]), args.db)
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        if tmp is not None and not args.keep:
            for s in ("", "-wal", "-shm"):
                Path(str(args.db) + s).unlink(missing_ok=True)
            os.rmdir(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
