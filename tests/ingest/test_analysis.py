"""Analysis in worker processes: same results as in-process, in order, and no orphans."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.ingest import IngestJob, make_analyzer
from bot.ingest.analysis import InProcessAnalyzer, ParseLimits, ProcessAnalyzer
from bot.nlp.pipeline import Pipeline
from bot.settings import Settings, load_settings
from bot.storage.db import open_database

REPO = Path(__file__).resolve().parents[2]
HELDOUT = REPO / "tests" / "fixtures" / "heldout"
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"


def inputs(folder: Path) -> list[Path]:
    """The held-out articles, the seed, an empty file and a binary one, in this order."""
    folder.mkdir(parents=True)
    paths = []
    for src in [*sorted(HELDOUT.glob("held_*.txt"))[:6], SEED]:
        target = folder / src.name
        target.write_bytes(src.read_bytes())
        paths.append(target)
    (folder / "zz_empty.txt").write_bytes(b"")
    (folder / "zz_binary.txt").write_bytes(bytes(range(256)) * 4)
    return [*paths, folder / "zz_empty.txt", folder / "zz_binary.txt"]


async def stored(settings: Settings, workers: int, paths: list[Path]) -> tuple[list, list]:
    """Ingest ``paths`` with ``workers`` analysis processes; (verdicts, stored rows)."""
    settings = settings.model_copy(
        update={"ingest_workers": workers, "db": settings.db.with_name(f"w{workers}.db")}
    )
    pipeline = Pipeline.from_config(settings.config_dir)
    db = await open_database(settings.db)
    analyzer = make_analyzer(settings, pipeline)
    try:
        await analyzer.start()
        summary = await IngestJob(settings, db, pipeline, analyzer=analyzer).ingest_paths(paths)
        rows = await db.fetchall(
            """
            SELECT a.title,
                   (SELECT group_concat(topic_id || ':' || round(score, 6) || ':' || evidence, '|')
                      FROM (SELECT * FROM article_topics WHERE article_id = a.id
                            ORDER BY topic_id)) AS topics,
                   (SELECT group_concat(actor_id || ':' || mentions || ':' || coalesce(role, ''),
                                        '|')
                      FROM (SELECT * FROM article_actors WHERE article_id = a.id
                            ORDER BY actor_id)) AS actors,
                   (SELECT group_concat(coalesce(actor_id, '?') || ':' || text, '|')
                      FROM (SELECT * FROM quotes WHERE article_id = a.id
                            ORDER BY sentence, text)) AS quotes,
                   (SELECT title || '/' || body FROM articles_fts WHERE rowid = a.id) AS fts
            FROM articles AS a ORDER BY a.id
            """
        )
    finally:
        await analyzer.close()
        await db.close()
    verdicts = [(f.path.name, f.outcome, f.reason) for f in summary.files]
    return verdicts, [tuple(r) for r in rows]


async def test_workers_store_exactly_what_in_process_analysis_stores(
    settings: Settings, tmp_path: Path
) -> None:
    paths = inputs(tmp_path / "in")
    here_verdicts, here_rows = await stored(settings, 0, paths)
    two_verdicts, two_rows = await stored(settings, 2, paths)
    assert two_verdicts == here_verdicts
    # Committed in the order given, whatever order the workers finished in.
    assert [name for name, _, _ in two_verdicts] == [p.name for p in paths]
    assert [outcome for _, outcome, _ in two_verdicts][-2:] == ["quarantined", "quarantined"]
    assert len(two_rows) >= 8
    assert two_rows == here_rows
    assert any(r[2] for r in two_rows) and any(r[3] for r in two_rows)  # people, quotes


async def test_a_worker_killed_mid_run_is_replaced_and_nothing_is_lost(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    analyzer = ProcessAnalyzer(settings.config_dir, ParseLimits.of(settings), workers=1)
    try:
        await analyzer.start()
        (victim,) = analyzer.pids
        os.kill(victim, signal.SIGKILL)
        await asyncio.sleep(0.2)
        outcome, analyzed = await analyzer.analyze(SEED.read_bytes(), SEED.name)
        assert outcome.ok and len(analyzed) == len(outcome.articles) == 2
        assert analyzed[0].doc is None and analyzed[0].columns is not None  # sent portable
        assert "peskov" in {a.id for an in analyzed for a in an.analysis.actors}
        assert "an analysis worker died while analysing" in caplog.text
        assert analyzer.pids == []  # the replacement pool's workers are not pinged
    finally:
        await analyzer.close()


async def test_in_process_analyzer_reports_a_pipeline_bug_as_a_reason(
    settings: Settings,
) -> None:
    pipeline = Pipeline.from_config(settings.config_dir)

    def broken(article: object) -> None:
        raise ValueError("tagger exploded")

    pipeline.analyze = broken  # type: ignore[method-assign]
    analyzer = InProcessAnalyzer(pipeline, ParseLimits.of(settings))
    outcome, analyzed = await analyzer.analyze(SEED.read_bytes(), SEED.name)
    assert analyzed == [] and outcome.reason == "analysis failed: ValueError: tagger exploded"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_the_bot_is_killed(tmp_path: Path, config_dir: Path) -> None:
    """SIGKILL leaves no analysis process behind holding the bot's output open."""
    script = textwrap.dedent(
        f"""
        import asyncio, json, os, signal
        from pathlib import Path
        from bot.ingest.analysis import ParseLimits, ProcessAnalyzer
        from bot.settings import load_settings

        async def main():
            s = load_settings(Path({str(config_dir)!r}), env={{}})
            a = ProcessAnalyzer(s.config_dir, ParseLimits.of(s), workers=2)
            await a.start()
            print(json.dumps(a.pids), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
    )
    started = time.monotonic()
    # communicate() returns only when every holder of the pipes has exited.
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    pids = json.loads(proc.stdout.splitlines()[0])
    assert len(pids) == 2
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or _is_zombie(pid)
    assert time.monotonic() - started < 30


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.parametrize(
    ("value", "cores", "expected"),
    [(None, 1, 0), (None, 2, 2), (None, 16, 2), ("0", 8, 0), ("3", 1, 3)],
)
def test_worker_count_default_and_override(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, cores: int, expected: int
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    env = {} if value is None else {"NEWSBOT_INGEST_WORKERS": value}
    assert load_settings(config_dir, env=env).analysis_workers == expected
