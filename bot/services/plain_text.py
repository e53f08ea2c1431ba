"""Plain-text renderings of the views, for the console transport and the command line.

Chat transports build their own rich formats (embeds, blocks) from the same
views; these are also a reasonable ``text`` fallback for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.storage.search import SearchHit

from .views import AlertView, DigestView, WhyView, cut_text

RULE = "─" * 60


def when(dt: datetime | None, zone: str | None = None) -> str:
    """``2025-02-13 03:59 JST``-style time, in ``zone`` when given, else as stored."""
    if dt is None:
        return "time unknown"
    if zone:
        dt = dt.astimezone(ZoneInfo(zone))
    return f"{dt:%Y-%m-%d %H:%M} {dt.tzname() or ''}".rstrip()


def render_alert(alert: AlertView) -> str:
    lines = [f"■ {alert.title}  [#{alert.article_id}]"]
    if alert.subtitle:
        lines.append(f"  {alert.subtitle}")
    if alert.lead:
        lines.append(alert.lead)
    if alert.topics:
        lines.append("Topics: " + ", ".join(t.label for t in alert.topics))
    if alert.actors:
        lines.append(
            "People: "
            + "; ".join(f"{a.display}{f' — {a.role}' if a.role else ''}" for a in alert.actors)
        )
    lines.append(f"{alert.source or 'unknown source'} · {when(alert.published)}")
    if alert.url:
        lines.append(alert.url)
    return "\n".join(lines)


def render_digest(digest: DigestView) -> str:
    zone = digest.timezone
    head = (
        f"Digest for {digest.date} — {digest.total} article{'s' if digest.total != 1 else ''} "
        f"since {when(digest.since, zone)}"
    )
    lines = [head, RULE]
    if digest.empty:
        lines.append("No new articles on this channel's topics.")
    for section in digest.sections:
        lines.append(f"{section.topic.label} ({section.total})")
        for item in section.items:
            lines.append(f"  • {item.title}  [#{item.article_id}]")
            detail = f"{item.source} · {when(item.published, zone)}"
            lines.append(f"    {detail}{' — ' + item.lead if item.lead else ''}")
        if section.more:
            lines.append(f"  … and {section.more} more")
    if digest.people:
        lines.append("Key people: " + "; ".join(_person(p) for p in digest.people))
    for quote in digest.quotes:
        lines.append(f"「{quote.text}」 — {quote.speaker} [#{quote.article_id}]")
    if digest.truncated:
        lines.append(f"({digest.truncated} more not shown; /search finds them)")
    return "\n".join(lines)


def _person(p) -> str:  # KeyPerson
    role = f", {p.role}" if p.role else ""
    return f"{p.display}{role} ({p.article_count})"


def render_why(view: WhyView) -> str:
    lines = [f"Why #{view.article_id} {view.title}"]
    if not view.topics:
        lines.append("It carries no topic, so it is sent to no channel as an alert.")
    for t in view.topics:
        mark = " ← this channel" if t.subscribed else ""
        lines.append(f"• {t.topic.label} (score {t.score:.2f}){mark}")
        if t.terms:
            lines.append("  terms: " + ", ".join(t.terms))
        for sentence in t.sentences[:3]:
            lines.append(f"  「{cut_text(sentence, 160)}」")
    if not view.channel_topics:
        lines.append("This channel has no subscription.")
    elif view.matched:
        status = {
            "sent": "an alert was sent here",
            "pending": "an alert is on its way here",
            "failed": "an alert to here failed",
        }.get(view.alert_status or "", "no alert was owed here (alerts off or subscribed later)")
        lines.append(f"Matched this channel's topics: {', '.join(view.matched)}; {status}.")
    else:
        lines.append("None of its topics is one this channel follows.")
    return "\n".join(lines)


def render_search(query: str, hits: Sequence[SearchHit]) -> str:
    if not hits:
        return f"Nothing found for {query!r}."
    lines = [f"{len(hits)} result{'s' if len(hits) != 1 else ''} for {query!r}:"]
    for hit in hits:
        lines.append(f"• #{hit.article_id} {hit.title} — {hit.source} {hit.published or ''}")
        if hit.snippet:
            lines.append(f"  {hit.snippet}")
    return "\n".join(lines)


def render_topics(topics: Iterable[object]) -> str:
    lines = ["Topics:"]
    for t in topics:
        label = f"{getattr(t, 'label_en', '')} / {getattr(t, 'label_ja', '')}".strip(" /")
        lines.append(f"• {getattr(t, 'id', '?')} — {label}")
        definition = getattr(t, "definition", "")
        if definition:
            lines.append(f"  {cut_text(str(definition), 200)}")
    return "\n".join(lines)
