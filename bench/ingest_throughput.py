"""Ingest throughput: the whole pipeline against fugashi alone, in one run on one machine.

Generates distinct articles from the dev corpus (bench/corpus_gen.py) until the
files hold at least ``--mb`` megabytes, then, in alternating order for
``--rounds`` rounds and in this one process:

* **fugashi alone**: one ``fugashi.Tagger`` tokenises each article's text (the
  headline, sub-headline and paragraphs, i.e. ``Article.nlp_text()``) and reads
  every token's surface and features (pos1-4, lemma, kana);
* **the pipeline**: the real ``IngestJob.ingest_paths`` over the same files into
  a new SQLite database: read, hash, parse, tokenise, tag topics, find people and
  quotes, store everything and commit, one transaction a file. It runs as
  ``newsbot run`` and ``newsbot ingest`` do by default: analysis in worker
  processes (``ingest_workers``; by default two, none on a single core),
  started before the clock starts, as the bot starts them at start-up;
* **in-process**: the same with ``ingest_workers = 0``, everything in this one
  process, for the cost per core.

Rates are characters of article text per second over the same texts, by the
wall clock and by CPU time (all threads, and the worker processes' own CPU
time read from /proc). Ratios are computed per round (the runs next to each
other in time) and the median is reported, because the machine may be shared.

    python -m bench.ingest_throughput            # 5 MB, 3 rounds
    python -m bench.ingest_throughput --workers 2
    python -m bench.ingest_throughput --mb 1 --rounds 1 --profile /tmp/ingest.html
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import fugashi

from bench.corpus_gen import DEFAULT_CORPUS, Generator
from bot.ingest import IngestJob, make_analyzer
from bot.nlp.pipeline import Pipeline
from bot.parsing import parse_bytes
from bot.settings import load_settings
from bot.storage.db import open_database

REPO = Path(__file__).resolve().parents[1]


def make_files(folder: Path, megabytes: float, seed: int, corpus: Path) -> list[Path]:
    """Write generated files into ``folder`` until they hold ``megabytes`` MB."""
    target = int(megabytes * 1_000_000)
    gen = Generator(corpus, seed)
    paths: list[Path] = []
    total = 0
    for name, text in gen.files(10**9):
        data = text.encode("utf-8")
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
        total += len(data)
        if total >= target:
            break
    return paths


def article_texts(paths: list[Path]) -> list[str]:
    texts: list[str] = []
    for p in paths:
        outcome = parse_bytes(p.read_bytes(), p.name)
        texts.extend(a.nlp_text() for a in outcome.articles)
    return texts


def fugashi_alone(texts: list[str], tagger: fugashi.Tagger) -> tuple[float, float, int]:
    """Wall and CPU seconds to tokenise ``texts`` and read each token's features; tokens."""
    count = 0
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    for text in texts:
        for node in tagger(text):
            f = node.feature
            _ = (node.surface, f.pos1, f.pos2, f.pos3, f.pos4, f.lemma, f.kana)
            count += 1
    return time.perf_counter() - t0, time.process_time() - c0, count


def _worker_cpu(pids: list[int]) -> float | None:
    """CPU seconds the given processes have used so far (Linux /proc), or None."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _worker_rss(pids: list[int]) -> str:
    """Each worker's RSS and PSS (shared dictionary pages split between processes)."""
    if not pids:
        return ""
    out = []
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            return ""
        kb = {
            line.split(":")[0]: int(line.split()[1])
            for line in text.splitlines()
            if line.startswith(("Rss:", "Pss:"))
        }
        out.append(f"{kb.get('Rss', 0) // 1024}/{kb.get('Pss', 0) // 1024} MB")
    return ", ".join(out) + " (RSS/PSS)"


async def _pipeline_run(
    paths: list[Path], workdir: Path, pipeline: Pipeline, workers: int
) -> tuple[float, float | None, str]:
    db_path = workdir / f"ingest-{time.monotonic_ns()}.db"
    settings = load_settings(
        REPO / "config",
        db_path,
        env={
            "NEWSBOT_INBOX": str(workdir / "inbox"),
            "NEWSBOT_ARCHIVE": str(workdir / "archive"),
            "NEWSBOT_QUARANTINE": str(workdir / "quarantine"),
            "NEWSBOT_SEEDS": "",
            "NEWSBOT_SETTLE_SECONDS": "0",
            "NEWSBOT_INGEST_WORKERS": str(workers),
        },
    )
    db = await open_database(db_path)
    analyzer = make_analyzer(settings, pipeline)
    try:
        await analyzer.start()
        pids: list[int] = getattr(analyzer, "pids", [])
        job = IngestJob(settings, db, pipeline, analyzer=analyzer)
        gc.collect()
        w0 = _worker_cpu(pids)
        t0, c0 = time.perf_counter(), time.process_time()
        summary = await job.ingest_paths(paths)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        w1 = _worker_cpu(pids)
        rss = _worker_rss(pids)
    finally:
        await analyzer.close()
        await db.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    total_cpu = None if w0 is None or w1 is None else cpu + w1 - w0
    note = summary.one_line() + (f"; worker RSS {rss}" if rss else "")
    return elapsed, total_cpu, note


def pipeline_run(
    paths: list[Path], workdir: Path, pipeline: Pipeline, workers: int = 0
) -> tuple[float, float | None, str]:
    """Wall and CPU seconds (all threads and worker processes; None when unknown) for
    the real ingest of ``paths`` into a fresh database; its summary line."""
    return asyncio.run(_pipeline_run(paths, workdir, pipeline, workers))


async def _stages(paths: list[Path], workdir: Path, pipeline: Pipeline) -> dict[str, float]:
    """CPU seconds of each stage of the same ingest, run one stage at a time over all files."""
    from bot.models import Analysis
    from bot.nlp.people import find_people
    from bot.nlp.pipeline import Analyzed
    from bot.nlp.topics import classify

    clock = time.process_time
    out: dict[str, float] = {}
    t = clock()
    blobs = [(p, p.read_bytes()) for p in paths]
    outcomes = [(p, b, parse_bytes(b, p.name)) for p, b in blobs]
    out["read + parse"] = clock() - t
    articles = [a for _, _, o in outcomes for a in o.articles]
    t = clock()
    docs = [pipeline.tokenizer.parse(a.nlp_text()) for a in articles]
    out["tokenize"] = clock() - t
    t = clock()
    topics = [classify(d, a, pipeline.topics) for d, a in zip(docs, articles, strict=True)]
    out["topics"] = clock() - t
    t = clock()
    people = [find_people(d, a, pipeline.gazetteer) for d, a in zip(docs, articles, strict=True)]
    out["people + quotes"] = clock() - t
    analyzed = iter(
        Analyzed(Analysis(topics=tp, actors=pe[0], quotes=pe[1]), d)
        for d, tp, pe in zip(docs, topics, people, strict=True)
    )
    db_path = workdir / f"stages-{time.monotonic_ns()}.db"
    settings = load_settings(REPO / "config", db_path, env={"NEWSBOT_SEEDS": ""})
    db = await open_database(db_path)
    try:
        job = IngestJob(settings, db, pipeline)
        t = clock()
        for path, data, outcome in outcomes:
            sha = hashlib.sha256(data).hexdigest()
            mine = [next(analyzed) for _ in outcome.articles]
            await job._commit(path, sha, len(data), outcome, mine)
        out["store + commit"] = clock() - t
    finally:
        await db.close()
    return out


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, fugashi {version('fugashi')}, "
        f"load average {load[0]:.2f} at start"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=5.0, help="megabytes of article files (5)")
    ap.add_argument("--rounds", type=int, default=3, help="measurement rounds (3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument(
        "--workers",
        type=int,
        default=None,
        help="analysis processes for the pipeline run (default: as the bot, "
        f"{load_settings(REPO / 'config', env={}).analysis_workers} here)",
    )
    ap.add_argument("--no-stages", action="store_true", help="skip the per-stage breakdown")
    ap.add_argument(
        "--profile", type=Path, help="also profile the stages with pyinstrument (HTML file)"
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        workdir = Path(tmp)
        files = workdir / "files"
        files.mkdir()
        paths = make_files(files, args.mb, args.seed, args.corpus)
        size = sum(p.stat().st_size for p in paths)
        texts = article_texts(paths)
        chars = sum(len(t) for t in texts)
        print(f"machine: {machine()}")
        print(
            f"input: {len(texts)} distinct articles in {len(paths)} files, "
            f"{size / 1e6:.2f} MB on disk, {chars:,} characters of article text"
        )
        pipeline = Pipeline.from_config(REPO / "config")
        pipeline.tokenizer.parse("ウォームアップ")  # MeCab and config loaded before timing
        tagger = fugashi.Tagger()  # one plain tagger for every round, like the pipeline's
        tagger("ウォームアップ")

        workers = (
            args.workers
            if args.workers is not None
            else load_settings(REPO / "config", env={}).analysis_workers
        )
        runs = ["fugashi", "pipeline"] + (["in-process"] if workers > 0 else [])
        labels = {
            "fugashi": "fugashi alone",
            "pipeline": f"pipeline, {workers} worker{'s' if workers != 1 else ''}"
            if workers
            else "pipeline, in-process",
            "in-process": "pipeline, in-process",
        }
        print(
            f"pipeline runs with ingest_workers = {workers}"
            + (" (and once more in-process for the cost per core)" if workers else "")
        )
        rates: dict[str, list[float]] = {k: [] for k in runs}
        cpu_rates: dict[str, list[float]] = {k: [] for k in runs}
        ratios: dict[str, list[float]] = {k: [] for k in runs[1:]}
        cpu_ratios: dict[str, list[float]] = {k: [] for k in runs[1:]}
        for r in range(args.rounds):
            order = runs if r % 2 == 0 else runs[::-1]
            for which in order:
                cpu: float | None
                if which == "fugashi":
                    secs, cpu, tokens = fugashi_alone(texts, tagger)
                    note = f"{tokens:,} tokens"
                else:
                    n = workers if which == "pipeline" else 0
                    secs, cpu, note = pipeline_run(paths, workdir, pipeline, n)
                rates[which].append(chars / secs)
                if cpu is not None:
                    cpu_rates[which].append(chars / cpu)
                cpu_text = f"{cpu:6.2f} s CPU {chars / cpu:>9,.0f} chars/s" if cpu else "CPU n/a"
                print(
                    f"round {r + 1} {labels[which]:22s} {secs:6.2f} s wall "
                    f"{chars / secs:>9,.0f} chars/s | {cpu_text}  ({note})"
                )
            for which in runs[1:]:
                ratios[which].append(rates[which][-1] / rates["fugashi"][-1])
                if len(cpu_rates[which]) == r + 1:
                    cpu_ratios[which].append(cpu_rates[which][-1] / cpu_rates["fugashi"][-1])
                print(
                    f"round {r + 1} ratio {labels[which]} / fugashi: {ratios[which][-1]:.3f} wall"
                    + (f", {cpu_ratios[which][-1]:.3f} CPU" if cpu_ratios[which] else "")
                )

        med = statistics.median
        print()
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
        for which in runs:
            cpu_part = f", {med(cpu_rates[which]):>9,.0f} chars/s CPU" if cpu_rates[which] else ""
            print(f"{labels[which]:22s} median {med(rates[which]):>9,.0f} chars/s wall{cpu_part}")
        for which in runs[1:]:
            rounds = ", ".join(f"{x:.3f}" for x in ratios[which])
            cpu_part = (
                f", {med(cpu_ratios[which]):.3f} CPU (rounds "
                + ", ".join(f"{x:.3f}" for x in cpu_ratios[which])
                + ")"
                if cpu_ratios[which]
                else ""
            )
            print(
                f"RATIO {labels[which]} / fugashi: {med(ratios[which]):.3f} wall "
                f"(rounds {rounds}){cpu_part}; target >= 0.5"
            )

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process {peak:.0f} MB (MeCab's dictionary is memory-mapped)")

        if not args.no_stages:
            stages = asyncio.run(_stages(paths, workdir, pipeline))
            total = sum(stages.values())
            print(f"\nwhere the pipeline's CPU time goes (one stage at a time, {total:.2f} s):")
            for name, secs in stages.items():
                print(f"  {name:16s} {secs:6.2f} s  {100 * secs / total:5.1f} %")

        if args.profile:
            # The stages run in this thread (the ingest itself analyses in a worker
            # thread, which pyinstrument does not see); SQLite's own thread is not shown.
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="disabled")
            profiler.start()
            asyncio.run(_stages(paths, workdir, pipeline))
            profiler.stop()
            args.profile.write_text(profiler.output_html(), encoding="utf-8")
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            print(f"profile written to {args.profile}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
