"""Article files -> :class:`~bot.models.Article` objects. Pure functions, no I/O.

Entry points:

- :func:`parse_bytes` — the bytes of one file and its name -> ParseOutcome.
  Never raises. ``.json`` / ``.jsonl`` (also ``.ndjson``) are JSON article
  files (SPEC §2.2);
  every other name is the Nikkei-style text format (SPEC §2.1), except that
  content starting with ``{`` or ``[`` that is valid JSON is read as JSON.
- :func:`decode` — bytes -> (text, encoding) or :class:`DecodeError`.
- :func:`is_supported_name` — whether a file name may be parsed now.

``ParseOutcome.reason`` is one line: why there are no articles, or, next to
the articles that were kept, what was skipped or doubtful in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from zoneinfo import ZoneInfo

from bot.models import Article, ParseOutcome
from bot.parsing import jsonfmt
from bot.parsing.encoding import DecodeError, decode, decode_detailed
from bot.parsing.nikkei import parse_text as parse_nikkei

__all__ = ["DecodeError", "decode", "is_supported_name", "parse_bytes", "parse_text"]

TOKYO = ZoneInfo("Asia/Tokyo")
JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# Names of files that are still being written (browsers, editors, rsync, our own
# writers): leave them for a later scan.
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".tmp", ".swp", ".swx", ".crdownload", "~")
MAX_PROBLEMS_SHOWN = 3

JsonParser = Callable[[str, tzinfo, int | None], tuple[list[Article], list[str]]]


def is_supported_name(name: str) -> bool:
    """False for files that are still being written or hidden; True otherwise.

    Every other name is parseable: ``.json``/``.jsonl`` as JSON, anything else
    (``.txt``, no suffix, ...) as the Nikkei text format. ``name`` may be a
    path; only its last component counts.
    """
    base = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if not base or base.startswith("."):
        return False
    return not base.lower().endswith(IN_PROGRESS_SUFFIXES)


def parse_bytes(
    data: bytes,
    name: str,
    *,
    tz: tzinfo = TOKYO,
    max_bytes: int | None = None,
    max_articles: int | None = None,
) -> ParseOutcome:
    """Parse one file. Never raises; see the module docstring for dispatch."""
    try:
        return _parse_bytes(data, name, tz, max_bytes, max_articles)
    except Exception as exc:  # noqa: BLE001 - last line of defence: never crash the ingester
        return _internal_error(exc)


def parse_text(
    text: str, name: str, *, tz: tzinfo = TOKYO, max_articles: int | None = None
) -> ParseOutcome:
    """Like :func:`parse_bytes` for text that is already decoded (line ends ``\\n``)."""
    try:
        if not text.strip():
            return ParseOutcome(reason="empty file")
        articles, problems = _dispatch(text, name, tz, max_articles)
        return _outcome(articles, problems, None)
    except Exception as exc:  # noqa: BLE001 - same guarantee as parse_bytes
        return _internal_error(exc)


def _internal_error(exc: Exception) -> ParseOutcome:
    detail = " ".join(str(exc).split())[:200]
    return ParseOutcome(reason=f"internal parser error: {type(exc).__name__}: {detail}")


def _parse_bytes(
    data: bytes, name: str, tz: tzinfo, max_bytes: int | None, max_articles: int | None
) -> ParseOutcome:
    if max_bytes is not None and len(data) > max_bytes:
        return ParseOutcome(reason=f"file is {len(data)} bytes, over the limit of {max_bytes}")
    try:
        decoded = decode_detailed(data)
    except DecodeError as exc:
        return ParseOutcome(reason=exc.reason)
    if not decoded.text.strip():
        return ParseOutcome(reason="empty file", encoding=decoded.encoding)
    articles, problems = _dispatch(decoded.text, name, tz, max_articles)
    if decoded.replaced:
        problems.insert(0, f"{decoded.replaced} damaged spot(s) shown as U+FFFD")
    return _outcome(articles, problems, decoded.encoding)


def _dispatch(
    text: str, name: str, tz: tzinfo, max_articles: int | None
) -> tuple[list[Article], list[str]]:
    lower = name.lower()
    if lower.endswith(JSONL_SUFFIXES):
        order = (jsonfmt.parse_lines, jsonfmt.parse_document)
    elif lower.endswith(JSON_SUFFIXES):
        order = (jsonfmt.parse_document, jsonfmt.parse_lines)
    elif text.lstrip().startswith(("{", "[")):
        order = (jsonfmt.parse_document, jsonfmt.parse_lines)
        try:
            return _first_json(order, text, tz, max_articles)
        except jsonfmt.NotJson:
            return parse_nikkei(text, tz, max_articles)
    else:
        return parse_nikkei(text, tz, max_articles)
    try:
        return _first_json(order, text, tz, max_articles)
    except jsonfmt.NotJson as exc:
        return [], [str(exc)]


def _first_json(
    order: tuple[JsonParser, JsonParser], text: str, tz: tzinfo, max_articles: int | None
) -> tuple[list[Article], list[str]]:
    """Try the expected JSON layout, then the other; raise the first NotJson."""
    try:
        return order[0](text, tz, max_articles)
    except jsonfmt.NotJson as first:
        try:
            return order[1](text, tz, max_articles)
        except jsonfmt.NotJson:
            raise first from None


def _outcome(articles: list[Article], problems: list[str], encoding: str | None) -> ParseOutcome:
    summary = _summary(problems)
    if not articles:
        reason = "no article found" + (f": {summary}" if summary else "")
        return ParseOutcome(reason=reason, encoding=encoding)
    return ParseOutcome(articles=tuple(articles), reason=summary or None, encoding=encoding)


def _summary(problems: list[str]) -> str:
    shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
    if len(problems) > MAX_PROBLEMS_SHOWN:
        shown += f" (and {len(problems) - MAX_PROBLEMS_SHOWN} more)"
    return " ".join(shown.split())
