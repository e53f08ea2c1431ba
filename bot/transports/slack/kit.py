"""Block Kit primitives for Slack messages: escaping, cutting, date tokens, blocks, packing.

Slack's limits live here: 50 blocks a message, 3,000 characters of section
text, 150 of header text, 10 context elements, and a total of
:data:`MESSAGE_CHARS` characters of text per message (Slack rejects long block
payloads well before 50 × 3,000). :func:`pack` splits a long list of blocks
into messages that each fit; :class:`Message` drops blocks Slack would refuse
(empty text, empty context).

Every block helper here takes text that is already escaped (mrkdwn), except
:func:`header` and :func:`fit`, which take raw text and escape it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.services.views import cut_text

MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
MESSAGE_CHARS = 11_000  # sum of text in one message; Slack's practical ceiling is ~13k
FALLBACK_TEXT = 300

Block = dict[str, Any]

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str | None) -> str:
    """Escape ``&``, ``<`` and ``>`` as Slack asks, so text can never form a mention or link."""
    return (text or "").translate(_ESCAPES)


def fit(text: str | None, limit: int) -> str:
    """``text`` cut (at a sentence end where possible) and escaped, at most ``limit`` long.

    Cutting happens before escaping so an entity like ``&amp;`` is never split.
    """
    raw = text or ""
    budget = limit
    while budget > 0:
        out = escape(cut_text(raw, budget))
        if len(out) <= limit:
            return out
        budget -= len(out) - limit
    return ""


def slack_date(dt: datetime | None, fmt: str = "{date_short_pretty} {time}") -> str:
    """A ``<!date^…>`` token showing ``dt`` in the reader's time zone; '' for None."""
    if dt is None:
        return ""
    if dt.tzinfo is None:
        raise ValueError("naive datetime given to slack_date")
    fallback = dt.strftime("%Y-%m-%d %H:%M %z")  # same text after a JSON round trip
    return f"<!date^{int(dt.timestamp())}^{fmt}|{fallback}>"


def link(url: str | None, label: str) -> str:
    """``<url|label>`` for a plain http(s) URL, else the (already escaped) label alone."""
    if not url or not url.startswith(("http://", "https://")):
        return label
    if any(c in url for c in "|<> \n\t"):
        return label
    return f"<{escape(url)}|{label}>"


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> Block:
    """A section of already-escaped mrkdwn, hard-capped at Slack's 3,000 characters."""
    return {"type": "section", "text": mrkdwn(_cap(text, SECTION_TEXT))}


def header(text: str) -> Block:
    """A header block; ``text`` is raw and is cut and escaped here."""
    return {"type": "header", "text": {"type": "plain_text", "text": fit(text, HEADER_TEXT)}}


def context(parts: Iterable[str]) -> Block:
    """A context block of already-escaped mrkdwn parts (at most 10 elements)."""
    items = [p for p in parts if p][:CONTEXT_ELEMENTS]
    return {"type": "context", "elements": [mrkdwn(_cap(p, SECTION_TEXT)) for p in items]}


def divider() -> Block:
    return {"type": "divider"}


def _cap(text: str, limit: int) -> str:
    """Last-resort cut of escaped text, never inside an ``&…;`` entity or ``<…>`` token."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp, lt = cut.rfind("&"), cut.rfind("<")
    if amp > cut.rfind(";"):
        cut = cut[:amp]
    if lt > cut.rfind(">"):
        cut = cut[:lt]
    return cut + "…"


@dataclass(slots=True)
class Message:
    """One Slack message: fallback ``text`` plus ``blocks``."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.blocks = [b for b in self.blocks if _has_content(b)]
        if not self.text.strip():
            self.text = "newsbot"

    def kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _has_content(block: Block) -> bool:
    """Slack rejects a text object with empty text and a context with no elements."""
    if block["type"] == "divider":
        return True
    text = block.get("text")
    if isinstance(text, dict) and not text.get("text", "").strip():
        return False
    return not ("elements" in block and not block["elements"])


def block_chars(block: Block) -> int:
    """Characters of text a block carries (what Slack's size ceiling counts)."""
    total = 0
    text = block.get("text")
    if isinstance(text, dict):
        total += len(text.get("text", ""))
    for element in block.get("elements", []) or []:
        if isinstance(element, dict):
            total += len(element.get("text", "") or "")
    for fld in block.get("fields", []) or []:
        total += len(fld.get("text", ""))
    return total


def pack(
    blocks: Sequence[Block],
    text: str,
    *,
    max_blocks: int = MAX_BLOCKS,
    max_chars: int = MESSAGE_CHARS,
    continued: str | None = None,
) -> list[Message]:
    """Split blocks into as few messages as fit Slack's limits, never splitting a block.

    ``continued``, when given, is the fallback text of the second and later
    messages (the first keeps ``text``).
    """
    messages: list[Message] = []
    current: list[Block] = []
    chars = 0
    for block in blocks:
        size = block_chars(block)
        if current and (len(current) >= max_blocks or chars + size > max_chars):
            messages.append(Message(text if not messages else (continued or text), current))
            current, chars = [], 0
        current.append(block)
        chars += size
    if current or not messages:
        messages.append(Message(text if not messages else (continued or text), current))
    return messages


def lines_to_sections(lines: Sequence[str], limit: int = SECTION_TEXT) -> list[Block]:
    """Escaped lines joined into as few sections as fit ``limit`` characters each."""
    blocks: list[Block] = []
    buf: list[str] = []
    size = 0
    for line in lines:
        line = _cap(line, limit)
        extra = len(line) + (1 if buf else 0)
        if buf and size + extra > limit:
            blocks.append(section("\n".join(buf)))
            buf, size = [], 0
            extra = len(line)
        buf.append(line)
        size += extra
    if buf:
        blocks.append(section("\n".join(buf)))
    return blocks
