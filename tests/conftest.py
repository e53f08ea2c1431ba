"""Shared fixtures: a private copy of the config folder, settings pointing into a temp
folder, and a real SQLite database on a temp file."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import Settings, load_settings
from bot.storage.db import Database, open_database

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A copy of the repository's config/ (edit it freely) at ``tmp_path/config``."""
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target)
    return target


@pytest.fixture
def settings(config_dir: Path) -> Settings:
    """Settings from the copied config, every folder under the temp dir, no seeds."""
    return load_settings(config_dir, env={"NEWSBOT_SEEDS": ""})


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "newsbot.db")
    try:
        yield database
    finally:
        await database.close()
