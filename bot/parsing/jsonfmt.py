"""JSON article files (SPEC §2.2), for scrapers and integrations.

``.json`` holds one object, a list of objects, or ``{"articles": [...]}``;
``.jsonl`` holds one object a line. Fields: ``title`` and ``body`` (required;
body paragraphs are separated by blank lines, a list of strings also works),
``source``, ``published`` (ISO 8601, naive means the given time zone, a
trailing ``Z`` is UTC; ``2025年2月13日 3:59`` is accepted too), ``subtitle``,
``url``, ``id``. A bad object is skipped with a one-line problem naming the
field and where it is; the rest is kept.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, tzinfo
from typing import Any

from bot.models import Article, Paragraph
from bot.parsing.nikkei import parse_japanese_date
from bot.parsing.paragraphs import join_lines, split_dateline, to_paragraph

BLANK_LINE_RE = re.compile(r"\n\s*\n")
OPTIONAL_TEXT_FIELDS = ("source", "subtitle", "url")


class NotJson(ValueError):
    """The text is not JSON at all (as opposed to JSON with bad articles)."""


def parse_document(
    text: str, tz: tzinfo, max_articles: int | None = None
) -> tuple[list[Article], list[str]]:
    """A ``.json`` file: one object, a list, or ``{"articles": [...]}``."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise NotJson(f"not valid JSON: {_json_error(exc)}") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, list):
        items = [(f"[{i}]", item) for i, item in enumerate(data)]
    else:
        items = [("object", data)]
    return _collect(items, tz, max_articles)


def parse_lines(
    text: str, tz: tzinfo, max_articles: int | None = None
) -> tuple[list[Article], list[str]]:
    """A ``.jsonl`` file: one object a line; blank lines are ignored."""
    items: list[tuple[str, Any]] = []
    problems: list[str] = []
    for no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append((f"line {no}", json.loads(line)))
        except (ValueError, RecursionError) as exc:
            problems.append(f"line {no}: not valid JSON: {_json_error(exc)}")
    if not items:
        raise NotJson(problems[0] if problems else "no JSON lines")
    articles, more = _collect(items, tz, max_articles)
    return articles, problems + more


def _collect(
    items: list[tuple[str, Any]], tz: tzinfo, max_articles: int | None
) -> tuple[list[Article], list[str]]:
    articles: list[Article] = []
    problems: list[str] = []
    for where, item in items:
        if max_articles is not None and len(articles) >= max_articles:
            problems.append(f"only the first {max_articles} articles were read (limit)")
            break
        article, notes = article_from_object(item, where, tz)
        problems.extend(notes)
        if article is not None:
            articles.append(article)
    return articles, problems


def article_from_object(obj: Any, where: str, tz: tzinfo) -> tuple[Article | None, list[str]]:
    """One JSON object -> an article, or None with the reason."""
    if not isinstance(obj, dict):
        return None, [f"{where}: not an object but {type(obj).__name__}"]
    notes: list[str] = []
    title = obj.get("title")
    if not isinstance(title, str) or not title.strip():
        return None, [f"{where}: {_missing('title', title)}"]
    body = obj.get("body")
    paragraphs = _paragraphs(body)
    if paragraphs is None:
        return None, [f"{where}: {_missing('body', body)}"]
    dateline = byline = None
    if paragraphs:
        dateline, byline, lead = split_dateline(paragraphs[0].text)
        if dateline is not None:
            paragraphs = ([Paragraph(lead.strip(), "p")] if lead.strip() else []) + paragraphs[1:]
    if not any(p.kind == "p" for p in paragraphs):
        return None, [f"{where}: 'body' has no paragraph text (only headings)"]
    fields: dict[str, str | None] = {}
    for name in OPTIONAL_TEXT_FIELDS:
        fields[name], note = _optional_text(obj, name)
        if note:
            notes.append(f"{where}: {note}")
    published, note = _published(obj.get("published"), tz)
    if note:
        notes.append(f"{where}: {note}")
    external_id, note = _external_id(obj.get("id"))
    if note:
        notes.append(f"{where}: {note}")
    article = Article(
        title=" ".join(title.split()),
        paragraphs=tuple(paragraphs),
        source=fields["source"],
        published=published,
        subtitle=fields["subtitle"],
        dateline=dateline,
        byline=byline,
        url=fields["url"],
        external_id=external_id,
    )
    return article, notes


def _missing(name: str, value: Any) -> str:
    if value is None:
        return f"missing '{name}'"
    if isinstance(value, str):
        return f"'{name}' is empty"
    return f"'{name}' must be text, not {type(value).__name__}"


def _paragraphs(body: Any) -> list[Paragraph] | None:
    if isinstance(body, list) and all(isinstance(part, str) for part in body):
        body = "\n\n".join(body)
    if not isinstance(body, str):
        return None
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [join_lines(block.split("\n")) for block in BLANK_LINE_RE.split(text)]
    paragraphs = [to_paragraph(block) for block in blocks if block]
    return paragraphs or None


def _optional_text(obj: dict[str, Any], name: str) -> tuple[str | None, str | None]:
    value = obj.get(name)
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, f"'{name}' ignored: must be text, not {type(value).__name__}"
    return value.strip() or None, None


def _published(value: Any, tz: tzinfo) -> tuple[datetime | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, f"'published' ignored: must be ISO 8601 text, not {type(value).__name__}"
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        # Scrapers of Japanese sites often pass the page's own date through.
        japanese = parse_japanese_date(value, tz)
        if japanese is None:
            return None, f"'published' ignored: not ISO 8601: {value[:40]!r}"
        return japanese, None
    return (when if when.tzinfo else when.replace(tzinfo=tz)), None


def _external_id(value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None, f"'id' ignored: must be text or a number, not {type(value).__name__}"
    return str(value).strip() or None, None


def _json_error(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)
