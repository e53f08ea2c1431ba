"""Discord's embed limits, checked on the JSON discord.py actually sends."""

from __future__ import annotations

from typing import Any


def units(text: str | None) -> int:
    return len(text.encode("utf-16-le")) // 2 if text else 0


def check_message(embeds: list[dict[str, Any]]) -> int:
    """Assert one message's embeds are within Discord's limits; return its character count."""
    assert 1 <= len(embeds) <= 10, f"{len(embeds)} embeds"
    total = 0
    for e in embeds:
        assert units(e.get("title")) <= 256
        assert units(e.get("description")) <= 4096
        fields = e.get("fields", [])
        assert len(fields) <= 25
        for f in fields:
            assert 1 <= units(f["name"]) <= 256 and 1 <= units(f["value"]) <= 1024
        footer = (e.get("footer") or {}).get("text")
        assert units(footer) <= 2048
        total += units(e.get("title")) + units(e.get("description")) + units(footer)
        total += units((e.get("author") or {}).get("name"))
        total += sum(units(f["name"]) + units(f["value"]) for f in fields)
    assert total <= 6000, f"{total} characters"
    return total
