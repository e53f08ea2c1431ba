"""The Nikkei-style text format (SPEC §2.1): one or more articles a file.

An article is: headline; optional indented sub-headline; optional
``<<Return to Main``; ``Source: <outlet>, <YYYY>年<M>月<D>日 <H>:<MM>更新``;
an optional photo caption; body paragraphs (the lead may open with
【city=reporter】); and ``<<Return to pageTop``. Blank lines may appear
anywhere. When an end marker is missing, a second ``Source:`` line still
starts a new article (its headline is the block just above it).

:func:`parse_text` never raises; what it could not use is described in the
returned problem list, one short line each.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from bot.models import Article, Paragraph
from bot.parsing.paragraphs import (
    continues,
    is_caption,
    join_lines,
    merge_wrapped,
    split_dateline,
    to_paragraph,
)

_MARK = r"(?:<<|＜＜|≪|«)\s*return\s+to\s+"
MAIN_RE = re.compile(rf"^\s*{_MARK}main\s*$", re.IGNORECASE)
END_RE = re.compile(rf"{_MARK}(?:page\s*)?top\s*$", re.IGNORECASE)
NAV_RE = re.compile(rf"^\s*{_MARK}", re.IGNORECASE)
# Matched on the NFKC form of the line, so full-width digits/colons work too.
SOURCE_RE = re.compile(r"^\s*(?:source|出典)\s*:\s*(?P<rest>.*?)\s*$", re.IGNORECASE)
DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*(?:年|[-/.])\s*(?P<mo>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*T?\s*(?P<h>\d{1,2})\s*[:時]\s*(?P<mi>\d{2})\s*分?)?"
    r"\s*(?P<tz>JST|UTC|GMT|Z|[+-]\d{2}:?\d{2})?\s*(?:\(日本時間\))?"
    r"\s*(?:更新|配信|公開|掲載)?\s*$",
    re.IGNORECASE,
)
SOURCE_INITIALS = frozenset("sSｓＳ出")
INDENT = (" ", "\u3000", "\t")
HEADLINE_MAX_CHARS = 200
HEADER_MAX_LINES = 3


@dataclass(frozen=True, slots=True)
class Line:
    no: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def parse_text(
    text: str, tz: tzinfo, max_articles: int | None = None
) -> tuple[list[Article], list[str]]:
    """Parse every article in ``text``; return the articles and the problems."""
    segments, ended = _segments(_lines(text))
    articles: list[Article] = []
    problems: list[str] = []
    for number, (segment, has_end) in enumerate(zip(segments, ended, strict=True), start=1):
        if max_articles is not None and len(articles) >= max_articles:
            problems.append(f"only the first {max_articles} articles were read (limit)")
            break
        article, problem = _parse_article(segment, tz)
        label = _label(number, segment, article)
        if problem:
            problems.append(f"{label}: {problem}")
        if article is None:
            continue
        articles.append(article)
        if not has_end and any(ended):
            problems.append(f"{label}: no <<Return to pageTop (file may be cut short)")
    return articles, problems


def _lines(text: str) -> list[Line]:
    """Number the lines; an end marker glued to a paragraph gets its own line."""
    out: list[Line] = []
    for no, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        match = END_RE.search(line)
        if match and match.start() > 0 and line[: match.start()].strip():
            out.append(Line(no, line[: match.start()].rstrip()))
            out.append(Line(no, line[match.start() :]))
        else:
            out.append(Line(no, line))
    return out


def _segments(lines: list[Line]) -> tuple[list[list[Line]], list[bool]]:
    """Cut the file at end markers, then at second ``Source:`` lines."""
    segments: list[list[Line]] = []
    ended: list[bool] = []
    current: list[Line] = []
    for line in lines:
        if END_RE.match(line.text.strip()):
            _add_segment(current, True, segments, ended)
            current = []
        else:
            current.append(line)
    _add_segment(current, False, segments, ended)
    return segments, ended


def _add_segment(
    lines: list[Line], has_end: bool, segments: list[list[Line]], ended: list[bool]
) -> None:
    if all(line.blank or NAV_RE.match(line.text) for line in lines):
        return
    sources = [i for i, line in enumerate(lines) if _source_rest(line.text) is not None]
    starts = [0] + [_header_start(lines, s) for s in sources[1:]]
    starts = sorted(set(starts))
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
        segments.append(lines[start:stop])
        ended.append(has_end if stop == len(lines) else False)


def _header_start(lines: list[Line], source_index: int) -> int:
    """Index of the headline that belongs to the ``Source:`` line at ``source_index``."""
    i = source_index - 1
    while i >= 0 and (lines[i].blank or MAIN_RE.match(lines[i].text)):
        i -= 1
    start = source_index
    taken = 0
    while i >= 0 and taken < HEADER_MAX_LINES and _headerish(lines[i].text):
        start, taken = i, taken + 1
        i -= 1
        if lines[start].text.startswith(INDENT):
            while i >= 0 and lines[i].blank:
                i -= 1
        elif i >= 0 and lines[i].blank:
            break
    return start


def _headerish(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and len(stripped) <= HEADLINE_MAX_CHARS and not stripped.endswith("。")


def _source_rest(text: str) -> str | None:
    if text.lstrip()[:1] not in SOURCE_INITIALS:
        return None
    match = SOURCE_RE.match(unicodedata.normalize("NFKC", text))
    return match.group("rest") if match else None


def _parse_article(lines: list[Line], tz: tzinfo) -> tuple[Article | None, str | None]:
    content = [k for k, ln in enumerate(lines) if not ln.blank and not NAV_RE.match(ln.text)]
    if not content:
        return None, None
    first = lines[content[0]]
    if _source_rest(first.text) is not None:
        return None, "no headline before the Source line"
    title = first.text.strip()
    if len(title) > HEADLINE_MAX_CHARS or title.endswith("。"):
        return None, f"no headline (the first line is body text: {_short(title)!r})"
    rest = lines[content[0] + 1 :]
    subtitle, body_lines = _split_header(rest)
    source, published, note = _find_source(body_lines, tz)
    body_lines = [
        ln for ln in body_lines if not NAV_RE.match(ln.text) and _source_rest(ln.text) is None
    ]
    caption, dateline, byline, paragraphs = _body(_blocks(body_lines))
    if not any(p.kind == "p" for p in paragraphs):
        return None, "no body text"
    article = Article(
        title=title,
        paragraphs=tuple(paragraphs),
        source=source,
        published=published,
        subtitle=subtitle,
        dateline=dateline,
        byline=byline,
        caption=caption,
    )
    return article, note


def _split_header(rest: list[Line]) -> tuple[str | None, list[Line]]:
    """Sub-headline lines sit between the headline and Return-to-Main/Source."""
    seen = 0
    for k, line in enumerate(rest):
        if line.blank:
            continue
        if MAIN_RE.match(line.text) or _source_rest(line.text) is not None:
            # Separate sub-headline lines, not one wrapped sentence: keep a space.
            subtitle = " ".join(ln.text.strip() for ln in rest[:k] if not ln.blank)
            return subtitle or None, rest[k:]
        seen += 1
        if seen > HEADER_MAX_LINES or not _headerish(line.text):
            break
    for k, line in enumerate(rest):
        if line.blank:
            continue
        if line.text.startswith(INDENT) and _headerish(line.text):
            return line.text.strip(), rest[k + 1 :]
        break
    return None, rest


def _find_source(lines: list[Line], tz: tzinfo) -> tuple[str | None, datetime | None, str | None]:
    for line in lines:
        rest = _source_rest(line.text)
        if rest is None:
            continue
        match = DATE_RE.search(rest)
        if not match:
            return rest.strip(" ,、，") or None, None, None
        outlet = rest[: match.start()].strip(" ,、，") or None
        try:
            return outlet, _datetime(match, tz), None
        except ValueError:
            return outlet, None, f"line {line.no}: date not valid: {rest[match.start() :]!r}"
    return None, None, None


def parse_japanese_date(text: str, tz: tzinfo) -> datetime | None:
    """``2025年2月13日 3:59更新`` (or ``2025/02/13 03:59``) -> aware datetime, else None."""
    match = DATE_RE.search(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    try:
        return _datetime(match, tz)
    except ValueError:
        return None


def _datetime(match: re.Match[str], tz: tzinfo) -> datetime:
    zone = _zone(match.group("tz"), tz)
    return datetime(
        int(match.group("y")),
        int(match.group("mo")),
        int(match.group("d")),
        int(match.group("h") or 0),
        int(match.group("mi") or 0),
        tzinfo=zone,
    )


def _zone(token: str | None, default: tzinfo) -> tzinfo:
    if not token:
        return default
    upper = token.upper()
    if upper == "JST":
        return ZoneInfo("Asia/Tokyo")
    if upper in ("UTC", "GMT", "Z"):
        return UTC
    sign = -1 if token[0] == "-" else 1
    digits = token[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _blocks(lines: list[Line]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.blank:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line.text.strip())
    if current:
        blocks.append(current)
    return blocks


def _body(
    blocks: list[list[str]],
) -> tuple[str | None, str | None, str | None, list[Paragraph]]:
    """Caption, dateline, byline and paragraphs from the body blocks."""
    logical = [merge_wrapped(block) for block in blocks]
    captions: list[str] = []
    if logical:
        first = logical[0][0]
        if (
            len(logical[0]) == 1
            and len(logical) > 1
            and continues(first)
            and is_caption(join_lines([first, logical[1][0]]))
        ):
            # A caption wrapped over a blank line.
            captions.append(join_lines([first, logical[1][0]]))
            logical = [logical[1][1:], *logical[2:]]
        elif is_caption(first):
            captions.append(first)
            logical[0] = logical[0][1:]
    texts = [text for group in logical for text in group]
    body: list[str] = []
    for text in texts:
        (captions if is_caption(text, anywhere=True) else body).append(text)
    if (
        not captions
        and len(body) > 1
        and "。" not in body[0]
        and split_dateline(body[1])[0] is not None
    ):
        # Whatever sits between the Source line and the 【dateline】 lead is the
        # photo caption, even with a credit we do not know ("(AP)", "写真:筆者").
        captions.append(body.pop(0))
    dateline = byline = None
    paragraphs: list[Paragraph] = []
    if body:
        dateline, byline, lead = split_dateline(body[0])
        if dateline is not None:
            body = body[1:]
            if lead.strip():
                paragraphs.append(Paragraph(lead.strip(), "p"))
    paragraphs.extend(to_paragraph(text) for text in body)
    return "\n".join(captions) or None, dateline, byline, paragraphs


def _label(number: int, segment: list[Line], article: Article | None) -> str:
    content = next((ln for ln in segment if not ln.blank), None)
    where = f"article {number}"
    if content is not None:
        where += f" (line {content.no}"
        title = article.title if article else content.text.strip()
        where += f", {_short(title)!r})" if title else ")"
    return where


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
