"""Lookup answers as embeds: /who, /why, /search and /topics (limits as in :mod:`.render`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.services.views import WhyView

from .render import (
    DESCRIPTION,
    FIELD_NAME,
    FIELD_VALUE,
    FIELDS,
    ITEM_TITLE,
    QUOTE,
    TITLE,
    bounded_lines,
    chip_colour,
    fit,
    pack,
    topic_colour,
    ts,
    within_message,
)


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
    colour = next((chip_colour(t.topic) for t in view.topics if t.subscribed), None)
    if colour is None and view.topics:
        colour = chip_colour(view.topics[0].topic)
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
            value=bounded_lines(evidence, FIELD_VALUE) or "(no evidence recorded)",
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
    description = bounded_lines(lines, DESCRIPTION) if lines else "No articles found."
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
                title=fit(f"/who {query}", TITLE), description=bounded_lines(lines, DESCRIPTION)
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
            name="Roles", value=bounded_lines([f"• {r}" for r in roles], FIELD_VALUE), inline=False
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
            name="Recent articles", value=bounded_lines(articles, FIELD_VALUE), inline=False
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
