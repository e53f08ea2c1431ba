"""Shared fixtures: a private copy of the config folder, settings pointing into a temp
folder, a real SQLite database on a temp file, a writer of article files, and the
environment for running ``python -m bot`` as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


@pytest.fixture
def cli_env(tmp_path: Path, config_dir: Path) -> dict[str, str]:
    """Environment for ``python -m bot``: inherited NEWSBOT_*/chat tokens removed, the
    config copy as NEWSBOT_CONFIG, every folder and the database under ``tmp_path/data``,
    no seeds (tests may change any of it)."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "DISCORD_", "SLACK_"))
    }
    data = tmp_path / "data"
    env.update(
        NEWSBOT_CONFIG=str(config_dir),
        NEWSBOT_INBOX=str(data / "inbox"),
        NEWSBOT_ARCHIVE=str(data / "archive"),
        NEWSBOT_QUARANTINE=str(data / "quarantine"),
        NEWSBOT_DB=str(data / "newsbot.db"),
        NEWSBOT_SEEDS="",
        PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


@pytest.fixture
def cli(cli_env: dict[str, str], tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``cli(*args, timeout=120)`` runs ``python -m bot ARGS`` in ``tmp_path`` with
    ``cli_env`` (as it is at call time) and stdin closed; output captured as text."""

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=cli_env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
