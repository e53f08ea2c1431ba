"""Views → ``discord.Embed`` lists that fit Discord's limits.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
title 256, description 4096, 25 fields, field name 256, field value 1024, footer 2048,
and at most 6,000 characters and 10 embeds in one message. Text is cut at sentence ends
(``cut_text``); long lists continue in a further embed, and embeds are packed into as
many messages as needed. Times are Discord timestamps (``<t:…>``) so each reader sees
their own zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import discord

from bot.services.views import (
    AlertView,
    DigestSection,
    DigestView,
    TopicChip,
    cut_text,
    parse_colour,
)

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
MESSAGE_CHARS = 6000
MESSAGE_EMBEDS = 10

ALERT_LEAD = 1500
ITEM_TITLE = 180
ITEM_LEAD = 160
QUOTE = 300


def units(text: str | None) -> int:
    """Length as Discord counts it (UTF-16 code units, so an emoji can count twice)."""
    return len(text.encode("utf-16-le")) // 2 if text else 0


def fit(text: str, limit: int) -> str:
    """``text`` within ``limit`` as Discord counts (UTF-16), keeping its line breaks.

    Whole lines are kept while they fit; the line that does not is cut at a sentence end
    where possible (``cut_text``), and the rest is left out.
    """
    if units(text) <= limit:
        return text
    out: list[str] = []
    used = 0
    for line in text.split("\n"):
        sep = 1 if out else 0
        if used + sep + units(line) <= limit:
            out.append(line)
            used += sep + units(line)
            continue
        room = limit - used - sep
        if room >= 20 or not out:
            out.append(_fit_line(line, room))
        break
    return "\n".join(out)


def _fit_line(text: str, limit: int) -> str:
    budget = limit
    out = cut_text(text, budget)
    while units(out) > limit and budget > 0:
        budget -= max(1, (units(out) - limit + 1) // 2)
        out = cut_text(text, budget)
    return out


def embed_size(embed: discord.Embed) -> int:
    """The characters of an embed that count towards the 6,000 a message."""
    total = units(embed.title) + units(embed.description)
    total += units(embed.footer.text) + units(embed.author.name)
    for f in embed.fields:
        total += units(f.name) + units(f.value)
    return total


def ts(value: datetime | str | None, style: str = "f") -> str:
    """A Discord timestamp (``<t:1739386740:f>``); naive times are taken as UTC."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return discord.utils.format_dt(value, style)  # type: ignore[arg-type]


def bounded_lines(lines: Iterable[str], limit: int, more: str = "…and {n} more") -> str:
    """Join lines while they fit in ``limit``; say how many were left out."""
    out: list[str] = []
    used = 0
    pending = list(lines)
    for i, line in enumerate(pending):
        left = len(pending) - i
        tail = units(more.format(n=left)) + 1
        if used + units(line) + 1 + (tail if left > 1 else 0) > limit:
            out.append(more.format(n=left))
            break
        out.append(line)
        used += units(line) + 1
    return fit("\n".join(out), limit)


def chip_colour(chip: TopicChip | None) -> int | None:
    return parse_colour(chip.colour) if chip is not None else None


def topic_colour(topic: Any) -> int | None:
    """The colour of a configured topic (``colour`` in topics.toml), as 0xRRGGBB."""
    return parse_colour(getattr(topic, "colour", None) or getattr(topic, "color", None))


# ----------------------------------------------------------------------------- alerts
def alert_embeds(view: AlertView) -> list[discord.Embed]:
    """One embed: headline, lead, topics, key people, source and time; the topic's colour."""
    parts = []
    if view.subtitle:
        parts.append(f"*{fit(view.subtitle, 300)}*")
    if view.lead:
        parts.append(fit(view.lead, ALERT_LEAD))
    embed = discord.Embed(
        title=fit(view.title, TITLE),
        description=fit("\n\n".join(parts), DESCRIPTION) or None,
        url=view.url or None,
        colour=view.colour,
        timestamp=view.published,
    )
    if view.topics:
        labels = ", ".join(t.label for t in view.topics)
        embed.add_field(name="Topics", value=fit(labels, FIELD_VALUE), inline=True)
    if view.actors:
        people = [f"{a.display} — {a.role}" if a.role else a.display for a in view.actors]
        embed.add_field(
            name="Key people", value=bounded_lines(people[:8], FIELD_VALUE), inline=True
        )
    when = f"{ts(view.published)} ({ts(view.published, 'R')})" if view.published else ""
    source = " · ".join(p for p in (fit(view.source, 200), when) if p)
    if source:
        embed.add_field(name="Source", value=fit(source, FIELD_VALUE), inline=False)
    embed.set_footer(text=f"Article {view.article_id} · /why {view.article_id} explains the tags")
    return [embed]


# ----------------------------------------------------------------------------- digests
def _item_line(item: Any) -> str:
    head = f"**{fit(item.title, ITEM_TITLE)}**"
    meta = " · ".join(p for p in (fit(item.source or "", 60), ts(item.published, "d")) if p)
    line = f"{head} — {meta}" if meta else head
    if item.lead:
        line += f"\n{fit(item.lead, ITEM_LEAD)}"
    return line


def _section_embeds(section: DigestSection) -> list[discord.Embed]:
    """One section as embeds; a long list continues in further embeds of the same colour."""
    colour = chip_colour(section.topic)
    title = fit(f"{section.topic.label} ({section.total})", TITLE)
    embeds: list[discord.Embed] = []
    chunk: list[str] = []
    used = 0
    lines = [_item_line(i) for i in section.items]
    if section.more:
        lines.append(f"…and {section.more} more on this topic (see /search).")
    for line in lines:
        line = fit(line, DESCRIPTION - 1)
        if chunk and used + units(line) + 2 > DESCRIPTION:
            embeds.append(discord.Embed(title=title, description="\n\n".join(chunk), colour=colour))
            title = fit(f"{section.topic.label} (continued)", TITLE)
            chunk, used = [], 0
        chunk.append(line)
        used += units(line) + 2
    if chunk or not embeds:
        text = "\n\n".join(chunk) or "Nothing new."
        embeds.append(discord.Embed(title=title, description=text, colour=colour))
    return embeds


def _digest_header(view: DigestView) -> discord.Embed:
    lines = [
        f"{view.total} article{'s' if view.total != 1 else ''} "
        f"from {ts(view.since)} to {ts(view.until)}."
    ]
    if view.truncated:
        lines.append(f"{view.truncated} more are left out for length; /search finds them.")
    if view.empty:
        lines.append("No new articles on this channel's topics.")
    embed = discord.Embed(title=f"Digest — {view.date}", description="\n".join(lines))
    if view.people:
        people = [
            f"{p.display}" + (f" — {p.role}" if p.role else "") + f" ({p.article_count})"
            for p in view.people
        ]
        embed.add_field(name="Key people", value=bounded_lines(people, FIELD_VALUE), inline=False)
    if view.quotes:
        quotes = [f"「{fit(q.text, QUOTE)}」 — {q.speaker}" for q in view.quotes]
        embed.add_field(
            name="Notable quotes", value=bounded_lines(quotes, FIELD_VALUE), inline=False
        )
    embed.set_footer(text=f"Times as of {view.timezone}")
    return embed


def digest_messages(view: DigestView) -> list[list[discord.Embed]]:
    """The digest as messages: a header, then each topic's section, packed within limits."""
    embeds = [_digest_header(view)]
    for section in view.sections:
        embeds.extend(_section_embeds(section))
    return pack(embeds)


def pack(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages of at most 10 embeds and 6,000 characters."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    used = 0
    for embed in embeds:
        size = embed_size(embed)
        if current and (len(current) >= MESSAGE_EMBEDS or used + size > MESSAGE_CHARS):
            messages.append(current)
            current, used = [], 0
        current.append(embed)
        used += size
    if current:
        messages.append(current)
    return messages


def within_message(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed fits in one message's 6,000 characters."""
    while embed_size(embed) > MESSAGE_CHARS and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed
