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
    WhyView,
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


def _bounded_lines(lines: Iterable[str], limit: int, more: str = "…and {n} more") -> str:
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


def _colour(chip: TopicChip | None) -> int | None:
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
            name="Key people", value=_bounded_lines(people[:8], FIELD_VALUE), inline=True
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
    colour = _colour(section.topic)
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
        embed.add_field(name="Key people", value=_bounded_lines(people, FIELD_VALUE), inline=False)
    if view.quotes:
        quotes = [f"「{fit(q.text, QUOTE)}」 — {q.speaker}" for q in view.quotes]
        embed.add_field(
            name="Notable quotes", value=_bounded_lines(quotes, FIELD_VALUE), inline=False
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


# ----------------------------------------------------------------------------- lookups
def why_embeds(view: WhyView) -> list[discord.Embed]:
    """Each topic with its evidence, and whether the channel's subscription matched."""
    if view.matched:
        sent = "This channel follows " + ", ".join(
            t.topic.label for t in view.topics if t.subscribed
        )
        sent += "." if view.alerts_on else ", but alerts are off here."
    elif not view.channel_topics:
        sent = "This channel has no subscription, so it was not sent here."
    else:
        sent = "None of its topics are followed here, so it was not sent as an alert."
    if view.alert_status:
        sent += f" Alert status here: {view.alert_status}."
    if not view.topics:
        sent = "The article carries no topic. " + sent
    colour = next((_colour(t.topic) for t in view.topics if t.subscribed), None)
    if colour is None and view.topics:
        colour = _colour(view.topics[0].topic)
    meta = " · ".join(p for p in (view.source, ts(view.published)) if p)
    embed = discord.Embed(
        title=fit(view.title, TITLE),
        description=fit(f"{meta}\n{sent}" if meta else sent, DESCRIPTION),
        colour=colour,
    )
    for topic in view.topics[:FIELDS]:
        evidence = [f"> {fit(s, 300)}" for s in topic.sentences]
        if topic.terms:
            evidence.append("Terms: " + ", ".join(topic.terms))
        embed.add_field(
            name=fit(f"{topic.topic.label} (score {topic.score:.2f})", FIELD_NAME),
            value=_bounded_lines(evidence, FIELD_VALUE) or "(no evidence recorded)",
            inline=False,
        )
    embed.set_footer(text=f"Article {view.article_id}")
    return [embed]


def topics_embeds(topics: Sequence[Any]) -> list[list[discord.Embed]]:
    """One embed per configured topic, in its colour, with its definition."""
    embeds = []
    for t in topics:
        label = f"{t.label_en} / {t.label_ja}" if t.label_ja else t.label_en
        embed = discord.Embed(
            title=fit(label, TITLE),
            description=fit(getattr(t, "definition", "") or "", DESCRIPTION) or None,
            colour=topic_colour(t),
        )
        embed.set_footer(text=f"id: {t.id}")
        embeds.append(embed)
    if not embeds:
        embeds.append(discord.Embed(title="Topics", description="No topics are configured."))
    return pack(embeds)


def search_embeds(query: str, hits: Sequence[Any], total: int | None = None) -> list[discord.Embed]:
    """Search hits as one embed (title, source, date, snippet per hit)."""
    lines = []
    for hit in hits:
        meta = " · ".join(p for p in (hit.source, ts(hit.published, "d")) if p)
        line = f"**{fit(hit.title, ITEM_TITLE)}** — {meta} · #{hit.article_id}"
        if hit.snippet:
            line += f"\n{fit(hit.snippet, 200)}"
        lines.append(line)
    description = _bounded_lines(lines, DESCRIPTION) if lines else "No articles found."
    embed = discord.Embed(title=fit(f"Search: {query}", TITLE), description=description)
    count = total if total is not None else len(hits)
    embed.set_footer(text=f"{count} result{'s' if count != 1 else ''}")
    return [embed]


def _who_data(result: Any) -> dict[str, Any]:
    for attr in ("as_json", "to_dict"):
        if hasattr(result, attr):
            return dict(getattr(result, attr)())
    return dict(result)


def _role_text(role: Any) -> str:
    if isinstance(role, dict):
        text = role.get("role") or role.get("text") or ""
        seen = role.get("seen") or role.get("seen_at") or role.get("last_seen")
        return f"{text} (as of {ts(seen, 'd')})" if seen else str(text)
    return str(role)


def who_embeds(result: Any, topics: Any = None) -> list[discord.Embed]:
    """The ``/who`` answer (SPEC §5 ``who --json`` shape): found, ambiguous or unknown."""
    data = _who_data(result)
    status = data.get("status")
    query = str(data.get("query") or "")
    candidates = data.get("candidates") or []

    def label(c: Any) -> str:
        if isinstance(c, dict):
            en, ja = c.get("name_en"), c.get("name_ja")
            name = f"{en} ({ja})" if en and ja and en != ja else str(en or ja or c.get("id"))
            return f"{name} — {c['role']}" if c.get("role") else name
        return str(c)

    if status != "found" or not data.get("actor"):
        if status == "ambiguous":
            text = f"{query!r} could be several people. Which one?"
        elif candidates:
            text = f"No one called {query!r} is in the articles. Did you mean:"
        else:
            text = f"No one called {query!r} is in the articles, and no name is close to it."
        lines = [text] + [f"• {label(c)}" for c in candidates[:10]]
        return [
            discord.Embed(
                title=fit(f"/who {query}", TITLE), description=_bounded_lines(lines, DESCRIPTION)
            )
        ]
    actor = data["actor"]
    en, ja = actor.get("name_en"), actor.get("name_ja")
    name = f"{en} ({ja})" if en and ja and en != ja else str(en or ja)
    roles = [_role_text(r) for r in actor.get("roles") or []]
    lines = []
    if roles:
        lines.append(f"**{fit(roles[0], 300)}**")
    count = actor.get("article_count") or 0
    seen = ts(actor.get("last_seen"), "d")
    lines.append(
        f"In {count} article{'s' if count != 1 else ''}" + (f", last {seen}." if seen else ".")
    )
    topic_counts = actor.get("topics") or {}
    colour = None
    if topic_counts and topics is not None:
        top = max(topic_counts, key=lambda k: topic_counts[k])
        topic = topics.get(top) if hasattr(topics, "get") else None
        colour = topic_colour(topic) if topic is not None else None
    embed = discord.Embed(
        title=fit(name, TITLE), description=fit("\n".join(lines), DESCRIPTION), colour=colour
    )
    if len(roles) > 1:
        embed.add_field(
            name="Roles", value=_bounded_lines([f"• {r}" for r in roles], FIELD_VALUE), inline=False
        )
    if topic_counts:
        parts = []
        for tid, n in sorted(topic_counts.items(), key=lambda kv: -kv[1]):
            topic = topics.get(tid) if topics is not None and hasattr(topics, "get") else None
            parts.append(f"{getattr(topic, 'label_en', None) or tid}: {n}")
        embed.add_field(name="Topics", value=fit(", ".join(parts), FIELD_VALUE), inline=False)
    for q in (actor.get("quotes") or [])[:5]:
        when = ts(q.get("published"), "d")
        src = fit(str(q.get("article_title") or ""), 150)
        embed.add_field(
            name=fit(f"Said in: {src}" if src else "Quote", FIELD_NAME - 30)
            + (f" {when}" if when else ""),
            value=f"「{fit(str(q.get('text', '')), QUOTE)}」",
            inline=False,
        )
    articles = [
        f"#{a.get('id')} {fit(str(a.get('title') or ''), 120)}"
        + (f" · {ts(a.get('published'), 'd')}" if a.get("published") else "")
        for a in actor.get("articles") or []
    ]
    if articles:
        embed.add_field(
            name="Recent articles", value=_bounded_lines(articles, FIELD_VALUE), inline=False
        )
    co = actor.get("co_actors") or []
    if co:
        embed.add_field(
            name="Often with",
            value=fit(", ".join(label(c) for c in co[:10]), FIELD_VALUE),
            inline=False,
        )
    embed.set_footer(text=f"id: {actor.get('id')}")
    return [within_message(embed)]


def within_message(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed fits in one message's 6,000 characters."""
    while embed_size(embed) > MESSAGE_CHARS and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed
