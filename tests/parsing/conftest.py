"""Paths and bytes shared by the parsing tests: the seed file and the dev corpus."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"
# CI clones the repo somewhere else and copies shared/ beside it, as here.
DEV_CORPUS = (REPO / ".." / "shared" / "corpus" / "dev").resolve()
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture(scope="session")
def seed_text(seed_bytes: bytes) -> str:
    return seed_bytes.decode("utf-8")
