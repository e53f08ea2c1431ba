"""Plain-text renderings of the views, for the console transport and the command line.

Chat transports build their own rich formats (embeds, blocks) from the same
views; these are also a reasonable ``text`` fallback for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.storage.search import SearchHit

from .views import AlertView, DigestView, KeyPerson, WhyView, cut_text

RULE = "─" * 60


def when(dt: datetime | None, zone: str | None = None) -> str:
    """``2025-02-13 03:59 JST``-style time, in ``zone`` when given, else as stored."""
    if dt is None:
        return "time unknown"
    if zone:
        dt = dt.astimezone(ZoneInfo(zone))
    name = dt.tzname() or ""
    if not name.isalpha():  # a fixed offset ("UTC+09:00"): show it as +09:00
        offset = dt.strftime("%z")
        name = f"{offset[:3]}:{offset[3:5]}" if offset else ""
    return f"{dt:%Y-%m-%d %H:%M} {name}".rstrip()


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def local_date(text: str | None, zone: str = "Asia/Tokyo") -> str:
    """The calendar date of a stored UTC instant in ``zone`` (the news desk's day)."""
    dt = _parse_time(text)
    if dt is None:
        return str(text or "")[:10]
    if dt.tzinfo is None:
        return dt.date().isoformat()
    return dt.astimezone(ZoneInfo(zone)).date().isoformat()


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


def _person(p: KeyPerson) -> str:
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
        published = _parse_time(hit.published)
        stamp = when(published) if published else ""
        lines.append(f"• #{hit.article_id} {hit.title} — {hit.source} {stamp}".rstrip())
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


def who_data(result: Any) -> dict[str, Any]:
    """The SPEC §5 ``who --json`` dict of a WhoResult (``as_json``/``to_dict``) or a dict."""
    for attr in ("as_json", "to_dict"):
        if hasattr(result, attr):
            return dict(getattr(result, attr)())
    if is_dataclass(result) and not isinstance(result, type):
        return asdict(result)
    return dict(result)


def _name(c: Any) -> str:
    if isinstance(c, dict):
        en, ja = c.get("name_en"), c.get("name_ja")
        return f"{en} ({ja})" if en and ja and en != ja else str(en or ja or c.get("id"))
    return str(c)


def _role(r: Any) -> str:
    if isinstance(r, dict):
        text = r.get("role") or r.get("text") or ""
        seen = r.get("seen") or r.get("seen_at") or r.get("last_seen")
        return f"{text} (as of {local_date(str(seen))})" if seen else str(text)
    return str(r)


def render_who(result: Any) -> str:
    """The /who answer as text: the person, or the candidates when ambiguous or unknown."""
    data = who_data(result)
    query = str(data.get("query") or "")
    candidates = data.get("candidates") or []
    actor = data.get("actor")
    if data.get("status") != "found" or not actor:
        if data.get("status") == "ambiguous":
            text = f"{query!r} could be several people:"
        else:
            text = f"No one called {query!r} is in the articles."
            if candidates:
                text += " Did you mean:"
        return "\n".join([text, *(f"• {_name(c)}" for c in candidates[:10])])
    lines = [_name(actor)]
    roles = [_role(r) for r in actor.get("roles") or []]
    if roles:
        lines.append("Role: " + "; ".join(roles[:3]))
    count = actor.get("article_count") or 0
    seen = actor.get("last_seen")
    lines.append(
        f"In {count} article{'s' if count != 1 else ''}"
        + (f", last seen {local_date(str(seen))}" if seen else "")
    )
    topics = actor.get("topics") or {}
    if topics:
        lines.append("Topics: " + ", ".join(f"{k} {v}" for k, v in topics.items()))
    for q in (actor.get("quotes") or [])[:3]:
        title = q.get("article_title") or ""
        lines.append(f"「{cut_text(str(q.get('text', '')), 160)}」 — {cut_text(str(title), 60)}")
    for a in (actor.get("articles") or [])[:5]:
        stamp = when(_parse_time(a.get("published"))) if a.get("published") else ""
        lines.append(f"• #{a.get('id')} {cut_text(str(a.get('title', '')), 60)} {stamp}".rstrip())
    co = actor.get("co_actors") or []
    if co:
        lines.append("Often with: " + ", ".join(_name(c) for c in co[:8]))
    return "\n".join(lines)
