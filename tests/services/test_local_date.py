"""Dates in plain-text answers are the news desk's day (Asia/Tokyo), not UTC's."""

from __future__ import annotations

import pytest

from bot.services.plain_text import local_date, render_who


@pytest.mark.parametrize(
    ("stored", "zone", "expected"),
    [
        ("2025-02-12T18:59:00+00:00", "Asia/Tokyo", "2025-02-13"),
        ("2025-02-12T14:00:00+00:00", "Asia/Tokyo", "2025-02-12"),
        ("2025-02-12T18:59:00+00:00", "Europe/London", "2025-02-12"),
        ("2025-02-12T18:59:00", "Asia/Tokyo", "2025-02-12"),
        ("not a date", "Asia/Tokyo", "not a date"),
    ],
)
def test_local_date(stored: str, zone: str, expected: str) -> None:
    assert local_date(stored, zone) == expected


def test_who_text_shows_tokyo_dates() -> None:
    text = render_who(
        {
            "query": "Peskov",
            "status": "found",
            "actor": {
                "id": "peskov",
                "name_ja": "ペスコフ",
                "name_en": "Dmitry Peskov",
                "roles": [{"role": "ロシア大統領報道官", "seen": "2025-02-12T18:59:00+00:00"}],
                "article_count": 2,
                "last_seen": "2025-02-12T23:46:00+00:00",
            },
        }
    )
    assert "(as of 2025-02-13)" in text
    assert "last seen 2025-02-13" in text
