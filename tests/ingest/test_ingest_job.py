"""The ingest job with real parts: parser, fugashi pipeline, SQLite, folders on disk."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.ingest import IngestJob
from bot.ingest import job as jobmod
from bot.ingest.job import unique_destination
from bot.nlp.pipeline import Pipeline
from bot.settings import Settings
from bot.storage.articles import count_articles, find_article, get_article
from bot.storage.db import Database, open_database
from bot.storage.files import count_files, find_by_sha, list_files
from bot.storage.search import search

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return settings.model_copy(update={"settle_seconds": 0.1, "max_file_bytes": 50_000})


@pytest.fixture
async def jobdb(fast: Settings) -> AsyncIterator[tuple[IngestJob, Database]]:
    db = await open_database(fast.db)
    try:
        yield IngestJob(fast, db, Pipeline.from_config(fast.config_dir)), db
    finally:
        await db.close()


def drop(settings: Settings, name: str, data: bytes | Path) -> Path:
    settings.inbox.mkdir(parents=True, exist_ok=True)
    target = settings.inbox / name
    if isinstance(data, Path):
        shutil.copyfile(data, target)
    else:
        target.write_bytes(data)
    return target


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def test_good_file_is_stored_then_archived(jobdb, fast: Settings) -> None:
    job, db = jobdb
    drop(fast, "seed.txt", SEED)
    summary = await job.scan_once()
    assert (summary.new, summary.updated, summary.unchanged) == (2, 0, 0)
    assert not summary.rejected
    assert names(fast.inbox) == []
    assert names(fast.archive) == ["seed.txt"]
    (rec,) = await list_files(db)
    assert (rec.name, rec.status, rec.article_count, rec.encoding) == (
        "seed.txt",
        "ingested",
        2,
        "utf-8",
    )
    hits = await search(db, "停戦", job.pipeline.tokenizer)
    assert "トランプ氏、戦争終結へ交渉開始 プーチン氏と合意" in {h.title for h in hits}


async def test_same_file_again_stores_nothing_and_gets_a_new_archive_name(
    jobdb, fast: Settings
) -> None:
    job, db = jobdb
    drop(fast, "seed.txt", SEED)
    await job.scan_once()
    drop(fast, "seed.txt", SEED)
    summary = await job.scan_once()
    assert [f.outcome for f in summary.files] == ["known"]
    assert (summary.new, summary.updated) == (0, 0)
    assert names(fast.archive) == ["seed-1.txt", "seed.txt"]
    assert await count_articles(db) == 2
    assert await count_files(db) == 1


async def test_later_update_time_updates_the_article(jobdb, fast: Settings) -> None:
    job, db = jobdb
    text = SEED.read_text(encoding="utf-8")
    drop(fast, "a.txt", text.encode())
    await job.scan_once()
    later = text.replace("2025年2月13日 3:59更新", "2025年2月13日 9:30更新").replace(
        "協議は1時間半に及んだという。", "協議は1時間半に及んだという。会談の日程は未定だ。"
    )
    drop(fast, "b.txt", later.encode())
    second = await job.scan_once()
    assert (second.new, second.updated, second.unchanged) == (0, 1, 1)
    article_id = await find_article(
        db, "Nikkei Online", "トランプ氏、戦争終結へ交渉開始 プーチン氏と合意"
    )
    assert article_id is not None
    stored = await get_article(db, article_id)
    assert stored is not None and stored.revision == 2
    assert "会談の日程は未定だ。" in stored.article.body
    assert stored.published_utc == "2025-02-13T00:30:00+00:00"
    # An older version arriving afterwards changes nothing.
    drop(fast, "c.txt", text.encode() + b"\n")
    third = await job.scan_once()
    assert (third.new, third.updated, third.unchanged) == (0, 0, 2)
    stored = await get_article(db, article_id)
    assert stored is not None and stored.revision == 2
    assert await count_articles(db) == 2


BAD = [
    ("empty.txt", b"", "empty file"),
    ("random.bin", bytes(range(256)) * 20, "binary"),
    ("truncated.txt", SEED.read_bytes()[:100], "no body text"),
    ("huge.txt", SEED.read_bytes() * 10, "over the limit of 50000"),
    ("labels.json", b'{"not": "an article"}', "missing 'title'"),
]


async def test_bad_files_are_quarantined_with_reasons_good_ones_stored(
    jobdb, fast: Settings, article_file: Callable[..., Path]
) -> None:
    job, db = jobdb
    for name, data, _ in BAD:
        drop(fast, name, data)
    drop(fast, "good.txt", SEED)
    article_file(fast.inbox / "writing.txt.part", "書きかけ", "まだ書いている。")
    summary = await job.scan_once()
    assert summary.rejected
    assert summary.new == 2
    verdicts = {f.path.name: (f.outcome, f.reason) for f in summary.files}
    for name, _, why in BAD:
        outcome, reason = verdicts[name]
        assert outcome == "quarantined"
        assert why in reason
        assert why in (fast.quarantine / f"{name}.reason").read_text(encoding="utf-8")
        assert (fast.quarantine / name).exists()
    assert names(fast.inbox) == ["writing.txt.part"]
    assert names(fast.archive) == ["good.txt"]
    quarantined = await list_files(db, "quarantined")
    assert sorted(f.name for f in quarantined) == sorted(n for n, _, _ in BAD)
    assert all(f.reason for f in quarantined)


async def test_restart_after_commit_only_moves_the_file(jobdb, fast: Settings) -> None:
    """The state a crash between commit and move leaves: stored, still in the inbox."""
    job, db = jobdb
    path = drop(fast, "seed.txt", SEED)
    await job.ingest_file(path, move=False)
    assert names(fast.inbox) == ["seed.txt"] and await count_articles(db) == 2
    calls = []
    real = job.pipeline.analyze
    job.pipeline.analyze = lambda a: calls.append(a) or real(a)  # type: ignore[method-assign]
    summary = await job.scan_once()
    assert calls == []  # no re-analysis
    assert [f.outcome for f in summary.files] == ["known"]
    assert names(fast.inbox) == [] and names(fast.archive) == ["seed.txt"]
    assert await count_articles(db) == 2 and await count_files(db) == 1


async def test_failure_inside_the_transaction_stores_nothing(
    jobdb, fast: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, db = jobdb
    real = jobmod.store_analyzed_sync
    calls = 0

    def second_fails(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk vanished")
        return real(*args, **kwargs)

    monkeypatch.setattr(jobmod, "store_analyzed_sync", second_fails)
    drop(fast, "seed.txt", SEED)
    with pytest.raises(OSError):
        await job.scan_once()
    assert await count_articles(db) == 0 and await count_files(db) == 0
    assert tuple(await db.fetchone("SELECT COUNT(*) FROM articles_fts")) == (0,)
    assert names(fast.inbox) == ["seed.txt"]
    monkeypatch.setattr(jobmod, "store_analyzed_sync", real)
    summary = await job.scan_once()
    assert summary.new == 2 and await count_articles(db) == 2


async def test_analysis_failure_quarantines_the_file(jobdb, fast: Settings) -> None:
    job, db = jobdb

    def broken(article):
        raise ValueError("tagger exploded")

    job.pipeline.analyze = broken  # type: ignore[method-assign]
    drop(fast, "seed.txt", SEED)
    summary = await job.scan_once()
    (f,) = summary.files
    assert f.outcome == "quarantined" and "analysis failed: ValueError" in (f.reason or "")
    assert await count_articles(db) == 0
    assert names(fast.quarantine) == ["seed.txt", "seed.txt.reason"]


async def test_ingest_paths_moves_only_inbox_files(
    jobdb, fast: Settings, tmp_path: Path, article_file: Callable[..., Path]
) -> None:
    job, db = jobdb
    outside = tmp_path / "elsewhere"
    article_file(outside / "x.txt", "外の記事", "停戦協議が続いた。")
    (outside / "nested").mkdir()
    (outside / "nested" / "bad.txt").write_bytes(b"")
    (outside / ".hidden").write_text("ignored")
    inside = drop(fast, "seed.txt", SEED)
    summary = await job.ingest_paths([outside, inside])
    verdicts = {f.path.name: f.outcome for f in summary.files}
    assert verdicts == {"x.txt": "ingested", "bad.txt": "quarantined", "seed.txt": "ingested"}
    assert names(outside) == [".hidden", "nested", "x.txt"]
    assert (outside / "nested" / "bad.txt").exists()
    assert names(fast.archive) == ["seed.txt"]
    assert await find_by_sha(db, hashlib.sha256(b"").hexdigest()) is not None


async def test_alerts_owed_for_new_articles_wake_delivery(jobdb, fast: Settings) -> None:
    job, db = jobdb
    async with db.transaction():
        await db.execute(
            "INSERT INTO subscriptions (platform, channel_id, topics, created_at)"
            " VALUES ('console', 'c1', ?, '2025-01-01T00:00:00+00:00')",
            (json.dumps(["*"]),),
        )
    woken = []
    job.on_alerts = lambda: woken.append(1)
    drop(fast, "seed.txt", SEED)
    summary = await job.scan_once()
    tagged = await db.fetchone("SELECT COUNT(DISTINCT article_id) FROM article_topics")
    assert tagged is not None and tagged[0] >= 1
    assert summary.alerts == tagged[0]
    assert woken == [1]
    # The same file again owes nothing more.
    drop(fast, "again.txt", SEED)
    await job.scan_once()
    assert tuple(await db.fetchone("SELECT COUNT(*) FROM outbox")) == (tagged[0],)


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([], "a.txt"),
        (["a.txt"], "a-1.txt"),
        (["a.txt", "a-1.txt"], "a-2.txt"),
        (["a.txt.reason"], "a-1.txt"),
    ],
)
def test_unique_destination(tmp_path: Path, existing: list[str], expected: str) -> None:
    for n in existing:
        (tmp_path / n).write_text("")
    assert unique_destination(tmp_path, "a.txt") == tmp_path / expected


def test_crash_hook_is_off_by_default() -> None:
    assert os.environ.get(jobmod.CRASH_HOOK_ENV) is None
    jobmod._crash_hook()  # returns: nothing killed us


async def test_quarantined_file_put_back_is_judged_again(jobdb, fast: Settings) -> None:
    job, db = jobdb
    real = job.pipeline.analyze

    def broken(article):
        raise ValueError("tagger exploded")

    job.pipeline.analyze = broken  # type: ignore[method-assign]
    drop(fast, "seed.txt", SEED)
    await job.scan_once()
    assert [f.status for f in await list_files(db)] == ["quarantined"]

    # Still broken: quarantined again, no second row.
    drop(fast, "seed.txt", SEED)
    again = await job.scan_once()
    assert [(f.outcome, f.seen_before) for f in again.files] == [("quarantined", True)]
    assert names(fast.quarantine) == [
        "seed-1.txt",
        "seed-1.txt.reason",
        "seed.txt",
        "seed.txt.reason",
    ]

    # Fixed: the same bytes are ingested and the row says so.
    job.pipeline.analyze = real  # type: ignore[method-assign]
    drop(fast, "seed.txt", SEED)
    fixed = await job.scan_once()
    assert fixed.new == 2 and not fixed.rejected
    (rec,) = await list_files(db)
    assert (rec.status, rec.reason, rec.article_count) == ("ingested", None, 2)
    assert names(fast.archive) == ["seed.txt"]


async def test_ingest_paths_skips_the_bots_own_archive_and_quarantine(
    jobdb, fast: Settings
) -> None:
    job, db = jobdb
    drop(fast, "seed.txt", SEED)
    drop(fast, "empty.txt", b"")
    await job.scan_once()
    assert names(fast.quarantine) == ["empty.txt", "empty.txt.reason"]
    data = fast.inbox.parent
    assert fast.archive.parent == data and fast.quarantine.parent == data
    summary = await job.ingest_paths([data])
    assert summary.files == []
    assert await count_files(db) == 2
