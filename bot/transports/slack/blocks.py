"""Block Kit rendering of alerts, digests, /who, /why, /search and /topics answers.

Rules kept everywhere here:

- Every piece of text that did not come from this module (article text, names,
  topic labels from config) goes through :func:`escape`, so ``<!channel>``,
  ``<!here>`` or ``<@U123>`` in an article is shown, never acted on. mrkdwn
  text objects are also ``verbatim`` so Slack does not auto-link names.
- Slack's limits: 50 blocks a message, 3,000 characters of section text,
  150 of header text, 10 context elements. A message is also kept under
  :data:`MESSAGE_CHARS` characters in total (Slack rejects long block
  payloads well before 50 × 3,000); a digest that does not fit is split into
  several messages rather than cut.
- Times are ``<!date^…>`` tokens, so each reader sees their own local time,
  with the article's own time as the fallback text.

A rendered message is a :class:`Message`: ``text`` (the notification and
accessibility fallback) and ``blocks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.services.subscriptions import topic_label
from bot.services.views import AlertView, DigestItem, DigestView, WhyView

from .kit import (
    CONTEXT_ELEMENTS,
    FALLBACK_TEXT,
    HEADER_TEXT,
    MAX_BLOCKS,
    MESSAGE_CHARS,
    SECTION_TEXT,
    Block,
    Message,
    block_chars,
    context,
    divider,
    escape,
    fit,
    header,
    lines_to_sections,
    link,
    pack,
    section,
    slack_date,
)

__all__ = [
    "CONTEXT_ELEMENTS",
    "HEADER_TEXT",
    "MAX_BLOCKS",
    "MESSAGE_CHARS",
    "SECTION_TEXT",
    "Message",
    "alert_message",
    "block_chars",
    "digest_messages",
    "escape",
    "fit",
    "link",
    "search_message",
    "slack_date",
    "text_message",
    "topics_message",
    "who_message",
    "why_message",
]


# -- alerts ------------------------------------------------------------------------------


def alert_message(alert: AlertView) -> Message:
    """One alert: headline (linked), sub-headline, lead, then topics · people · source · time."""
    title = fit(alert.title, 400)
    head = f"*{link(alert.url, title)}*"
    if alert.subtitle:
        head += f"\n{fit(alert.subtitle, 300)}"
    blocks: list[Block] = [section(head)]
    if alert.lead:
        blocks.append(section(fit(alert.lead, 1500)))
    facts: list[str] = []
    if alert.topics:
        facts.append(":label: " + ", ".join(f"*{fit(t.label, 80)}*" for t in alert.topics))
    if alert.actors:
        people = []
        for actor in alert.actors:
            name = fit(actor.display, 80)
            people.append(f"{name} — {fit(actor.role, 60)}" if actor.role else name)
        facts.append(":bust_in_silhouette: " + "; ".join(people))
    if facts:
        blocks.append(section("\n".join(facts)))
    meta = [p for p in (fit(alert.source, 100), slack_date(alert.published)) if p]
    meta.append(f"#{alert.article_id}")
    blocks.append(context([" · ".join(meta)]))
    fallback = fit(f"{alert.title} ({alert.source})" if alert.source else alert.title, 300)
    return Message(fallback, blocks)


# -- digests -----------------------------------------------------------------------------


def _digest_line(item: DigestItem) -> str:
    when = slack_date(item.published, "{time}")
    parts = [f"• *{fit(item.title, 200)}*"]
    tail = ", ".join(p for p in (fit(item.source, 60), when) if p)
    if tail:
        parts.append(f"({tail})")
    parts.append(f"#{item.article_id}")
    line = " ".join(parts)
    if item.lead:
        line += f"\n    {fit(item.lead, 160)}"
    return line


def digest_messages(digest: DigestView) -> list[Message]:
    """The digest as one message, or several when it cannot fit in one."""
    title = f"newsbot digest · {digest.date}"
    blocks: list[Block] = [header(title)]
    window = f"{slack_date(digest.since)} – {slack_date(digest.until)}"
    if digest.empty:
        blocks.append(section(f"No new articles on this channel's topics ({window})."))
        return [Message(escape(title) + ": no new articles", blocks)]
    summary = f"{digest.total} article{'s' if digest.total != 1 else ''} · {window}"
    if digest.truncated:
        summary += f" · {digest.truncated} not shown (use /newsbot search)"
    blocks.append(context([summary]))
    for sec in digest.sections:
        blocks.append(divider())
        blocks.append(section(f"*{fit(sec.topic.label, 200)}* · {sec.total}"))
        blocks.extend(lines_to_sections([_digest_line(i) for i in sec.items]))
        if sec.more:
            blocks.append(context([f"…and {sec.more} more on this topic"]))
    if digest.people:
        blocks.append(divider())
        people = []
        for p in digest.people:
            role = f" — {fit(p.role, 60)}" if p.role else ""
            people.append(f"• {fit(p.display, 80)}{role} ({p.article_count})")
        blocks.extend(lines_to_sections(["*Key people*", *people]))
    if digest.quotes:
        blocks.append(divider())
        quotes = [
            f"> 「{fit(q.text, 300)}」 — {fit(q.speaker, 80)} (#{q.article_id})"
            for q in digest.quotes
        ]
        blocks.extend(lines_to_sections(["*Notable quotes*", *quotes]))
    fallback = escape(f"{title}: {digest.total} articles")
    return pack(blocks, fallback, continued=escape(f"{title} (continued)"))


# -- /why ----------------------------------------------------------------------------------


def why_message(view: WhyView) -> Message:
    blocks: list[Block] = [
        section(f"*Why #{view.article_id}: {fit(view.title, 300)}*"),
        context([p for p in (fit(view.source, 100), slack_date(view.published)) if p]),
    ]
    if not view.topics:
        blocks.append(section("This article carries no topic, so it was not sent as an alert."))
    for t in view.topics[:10]:
        mark = ":white_check_mark: subscribed here" if t.subscribed else "not subscribed here"
        lines = [f"*{fit(t.topic.label, 120)}* (score {t.score:.2f}) — {mark}"]
        if t.terms:
            lines.append("Terms: " + ", ".join(fit(term, 40) for term in t.terms[:12]))
        lines.extend(f"> {fit(s, 400)}" for s in t.sentences[:4])
        blocks.extend(lines_to_sections(lines))
    if view.matched and view.alerts_on:
        status = view.alert_status or "not owed (sent before this channel subscribed?)"
        verdict = f"Sent here because this channel follows {', '.join(view.matched)}: {status}."
    elif view.matched:
        verdict = "Matches this channel's topics, but alerts are off or paused here."
    elif view.channel_topics:
        verdict = "Not sent here: none of its topics is one this channel follows."
    else:
        verdict = "This channel has no subscription."
    blocks.append(context([escape(verdict)]))
    return Message(fit(f"Why #{view.article_id}: {view.title}", FALLBACK_TEXT), blocks[:MAX_BLOCKS])


# -- /search -------------------------------------------------------------------------------


def search_message(query: str, hits: Sequence[Any], tz: Any = None) -> Message:
    """Search hits (``bot.storage.search.SearchHit``) as a list with snippets."""
    q = fit(query, 100)
    if not hits:
        return Message(f"No articles match {q}.", [section(f"No articles match *{q}*.")])
    lines = [f"*{len(hits)} result{'s' if len(hits) != 1 else ''} for {q}*"]
    for hit in hits:
        when = _parse_time(getattr(hit, "published", None))
        tail = ", ".join(p for p in (fit(hit.source, 60), slack_date(when)) if p)
        line = f"• *#{hit.article_id}* {fit(hit.title, 200)}"
        if tail:
            line += f" ({tail})"
        if getattr(hit, "snippet", ""):
            line += f"\n    {fit(hit.snippet, 240)}"
        lines.append(line)
    blocks = lines_to_sections(lines)[: MAX_BLOCKS - 1]
    return Message(f"{len(hits)} results for {q}", blocks)


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else None
    if isinstance(value, str) and value:
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            return None
        return dt if dt.tzinfo else None
    return None


# -- /topics and plain replies -------------------------------------------------------------


def topics_message(topics: Sequence[Any]) -> Message:
    """The configured topics with their definitions."""
    if not topics:
        return Message("No topics are configured.", [section("No topics are configured.")])
    lines = []
    for t in topics:
        en, ja = getattr(t, "label_en", "") or "", getattr(t, "label_ja", "") or ""
        label = " / ".join(x for x in (en, ja) if x) or t.id
        definition = getattr(t, "definition", "") or ""
        line = f"*{fit(label, 120)}* (`{fit(t.id, 60)}`)"
        if definition:
            line += f"\n{fit(definition, 600)}"
        lines.append(line)
    blocks = [section("*Topics*"), *lines_to_sections(lines, SECTION_TEXT)][:MAX_BLOCKS]
    return Message(f"{len(topics)} topics", blocks)


def text_message(text: str) -> Message:
    """A plain reply (errors, confirmations) from raw text: escaped, one section."""
    body = fit(text, SECTION_TEXT)
    return Message(fit(text, FALLBACK_TEXT), [section(body)])


# -- /who ----------------------------------------------------------------------------------


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """Attribute or key ``name`` of ``obj`` (results may be dataclasses or JSON dicts)."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _person(obj: Any) -> str:
    """``Dmitry Peskov (ペスコフ)`` from a candidate / co-actor / actor, raw (not escaped)."""
    if isinstance(obj, str):
        return obj
    ja, en = _get(obj, "name_ja") or "", _get(obj, "name_en") or ""
    if en and ja and en != ja:
        return f"{en} ({ja})"
    return en or ja or str(_get(obj, "id", "?"))


def _role_text(role: Any) -> str:
    if isinstance(role, str):
        return fit(role, 120)
    text = _get(role, "role") or _get(role, "text") or ""
    seen = _get(role, "seen") or _get(role, "seen_at") or _get(role, "date")
    when = _parse_time(seen)
    suffix = f" (as of {slack_date(when, '{date_short}')})" if when else ""
    return fit(text, 120) + suffix


def _candidate(obj: Any) -> str:
    role = _get(obj, "role") if not isinstance(obj, str) else None
    text = fit(_person(obj), 120)
    return f"{text} — {fit(role, 60)}" if role else text


def who_message(result: Any, catalog: Any = None) -> Message:
    """The ``/who`` answer (``bot.services.who.WhoResult`` or its JSON form, SPEC §5).

    ``catalog`` (the topic set), when given, turns topic ids into their labels.
    """
    query = fit(_get(result, "query", ""), 100)
    status = _get(result, "status", "unknown")
    candidates = list(_get(result, "candidates", None) or [])
    if status != "found" or _get(result, "actor") is None:
        if status == "ambiguous":
            head = f"*{query}* could mean several people:"
        else:
            head = f"No one called *{query}* is known."
        lines = [head]
        if candidates:
            if status != "ambiguous":
                lines.append("Did you mean:")
            lines.extend(f"• {_candidate(c)}" for c in candidates[:10])
        return Message(f"who {query}: {status}", lines_to_sections(lines)[:MAX_BLOCKS])
    actor = _get(result, "actor")
    name = _person(actor)
    blocks: list[Block] = [header(name)]
    facts: list[str] = []
    roles = list(_get(actor, "roles", None) or [])
    if roles:
        facts.append("*Role:* " + "; ".join(_role_text(r) for r in roles[:5]))
    affiliation = _get(actor, "affiliation")
    if affiliation:
        facts.append(f"*Affiliation:* {fit(str(affiliation), 120)}")
    count = _get(actor, "article_count")
    last = _parse_time(_get(actor, "last_seen"))
    seen = []
    if count is not None:
        seen.append(f"{count} article{'s' if count != 1 else ''}")
    if last:
        seen.append(f"last seen {slack_date(last)}")
    if seen:
        facts.append("*In the news:* " + ", ".join(seen))
    topics = _get(actor, "topics") or {}
    if isinstance(topics, dict) and topics:
        ranked = sorted(topics.items(), key=lambda kv: -float(kv[1] or 0))
        named = [(topic_label(catalog, t) if catalog is not None else t, n) for t, n in ranked]
        facts.append("*Topics:* " + ", ".join(f"{fit(str(t), 60)} ({n})" for t, n in named[:6]))
    if facts:
        blocks.extend(lines_to_sections(facts))
    quotes = list(_get(actor, "quotes", None) or [])
    if quotes:
        lines = ["*Recent quotes*"]
        for q in quotes[:5]:
            where = fit(_get(q, "article_title", "") or "", 120)
            when = slack_date(_parse_time(_get(q, "published")), "{date_short}")
            tail = ", ".join(p for p in (where, when) if p)
            lines.append(f"> 「{fit(_get(q, 'text', ''), 400)}」" + (f"\n— {tail}" if tail else ""))
        blocks.extend(lines_to_sections(lines))
    articles = list(_get(actor, "articles", None) or [])
    if articles:
        lines = ["*Recent articles*"]
        for a in articles[:5]:
            when = slack_date(_parse_time(_get(a, "published")), "{date_short}")
            line = f"• #{_get(a, 'id', '?')} {fit(_get(a, 'title', ''), 150)}"
            lines.append(f"{line} ({when})" if when else line)
        blocks.extend(lines_to_sections(lines))
    co = list(_get(actor, "co_actors", None) or [])
    if co:
        blocks.append(context(["Often with: " + ", ".join(fit(_person(c), 60) for c in co[:8])]))
    if candidates:
        blocks.append(
            context(["Also matching: " + ", ".join(fit(_person(c), 60) for c in candidates[:5])])
        )
    return Message(
        fit(f"who {_get(result, 'query', '')}: {name}", FALLBACK_TEXT), blocks[:MAX_BLOCKS]
    )
