"""Shared fixtures: a private copy of the config folder, settings pointing into a temp
folder, a real SQLite database on a temp file, and a writer of article files."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.settings import Settings, load_settings
from bot.storage.db import Database, open_database

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A copy of the repository's config/ (edit it freely) at ``tmp_path/config``."""
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target)
    return target


@pytest.fixture
def settings(config_dir: Path) -> Settings:
    """Settings from the copied config; inbox, archive, quarantine and db under tmp_path;
    no seeds."""
    return load_settings(config_dir, env={"NEWSBOT_SEEDS": ""})


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "newsbot.db")
    try:
        yield database
    finally:
        await database.close()


def nikkei_text(
    title: str,
    body: str,
    updated: str = "2025年2月13日 3:59",
    source: str = "Nikkei Online",
) -> str:
    """One article in the Nikkei text format of SPEC §2.1."""
    return (
        f"{title}\n\n<<Return to Main\n\nSource: {source}, {updated}更新\n\n"
        f"【モスクワ=記者】{body}\n\n<<Return to pageTop\n"
    )


@pytest.fixture
def article_file() -> Callable[..., Path]:
    """``article_file(path, title, body, updated=..., source=...)`` writes one article file."""

    def write(path: Path, title: str, body: str, **kw: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nikkei_text(title, body, **kw), encoding="utf-8")
        return path

    return write
