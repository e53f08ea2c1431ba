"""Body-text rules shared by the text and JSON formats.

- a short line without 。 is a sub-heading (``Paragraph(kind="heading")``);
- a line cut in the middle of a sentence (ends in 、, an open bracket, or is
  long and has no sentence end) continues on the next line;
- 【ワシントン=坂口幸裕】 at the start of the lead is the dateline and byline;
- a line ending in ``=AP`` / ``=ロイター`` / ``=共同`` ... is a photo caption.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.models import Paragraph

HEADING_MAX_CHARS = 40
SENTENCE_END = "。"
FINAL_PUNCTUATION = ("。", "」", "』", "）", ")", "！", "？", "!", "?", ".", "．")
OPEN_CLOSE = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】"}

DATELINE_RE = re.compile(r"^【(?P<inner>[^【】\n]{1,60})】\s*")
# A photo credit: "=" then a short run without spaces or sentence punctuation.
CAPTION_RE = re.compile(r"[=＝]\s?(?P<credit>[^\s=＝。、「」【】]{1,24})$")
# Credits recognised anywhere in the body (the first caption is found by position).
KNOWN_CREDIT_RE = re.compile(
    r"(AP|AFP|EPA|UPI|ロイター|共同|時事|ゲッティ|Getty(?: Images)?|ゲッティ共同|"
    r"新華社|聯合|タス|ブルームバーグ|Bloomberg|提供|撮影)$"
)


def is_heading(text: str) -> bool:
    """A short line with no 。 anywhere (so not 「…。」 either) is a sub-heading."""
    return (
        len(text) <= HEADING_MAX_CHARS
        and SENTENCE_END not in text
        and not text.endswith((".", "．"))
    )


def to_paragraph(text: str) -> Paragraph:
    return Paragraph(text=text, kind="heading" if is_heading(text) else "p")


def join_lines(lines: Iterable[str]) -> str:
    """Join wrapped lines; Japanese needs no space, Latin words do."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii():
            out += " "
        out += line
    return out


def continues(line: str) -> bool:
    """True when ``line`` was cut mid-sentence and the next line belongs to it."""
    text = line.strip()
    if not text or text.endswith(SENTENCE_END) or is_caption(text):
        # A finished sentence ends the paragraph even inside a quotation that
        # runs on into the next paragraph.
        return False
    if text.endswith(("、", "，", ",")) or _unclosed(text):
        return True
    return len(text) > HEADING_MAX_CHARS and not text.endswith(FINAL_PUNCTUATION)


def _unclosed(text: str) -> bool:
    return any(text.count(o) > text.count(c) for o, c in OPEN_CLOSE.items())


def merge_wrapped(lines: list[str]) -> list[str]:
    """Group one block of consecutive lines into logical lines (paragraphs)."""
    merged: list[str] = []
    pending: list[str] = []
    for i, line in enumerate(lines):
        pending.append(line)
        starts_dateline = i + 1 < len(lines) and lines[i + 1].lstrip().startswith("【")
        if starts_dateline or not continues(line):
            merged.append(join_lines(pending))
            pending = []
    if pending:
        merged.append(join_lines(pending))
    return [m for m in merged if m]


def split_dateline(text: str) -> tuple[str | None, str | None, str]:
    """``【ワシントン=坂口幸裕】本文`` -> ("ワシントン", "坂口幸裕", "本文").

    Several reporters (``【ワシントン=A、ロンドン=B】``) give the first city
    and the names joined with 、. A bracket without ``=`` (【速報】) is not a
    dateline; text that does not start with one is returned unchanged.
    """
    match = DATELINE_RE.match(text)
    if not match:
        return None, None, text
    cities: list[str] = []
    names: list[str] = []
    for part in re.split(r"[、,，]", match.group("inner").replace("＝", "=")):
        city, _, name = part.strip().partition("=")
        if city.strip() and name.strip():
            cities.append(city.strip())
            names.append(name.strip())
    if not cities:
        return None, None, text
    return cities[0], "、".join(names), text[match.end() :]


def is_caption(text: str, *, anywhere: bool = False) -> bool:
    """Does ``text`` end in a photo credit like ``=AP`` or ``=トルコ外務省提供・ロイター``?

    Right after the Source line any short credit counts; elsewhere in the
    body (``anywhere=True``) only a known agency or 提供/撮影 does.
    """
    stripped = text.strip()
    if not stripped or stripped.startswith("【") or stripped.endswith(SENTENCE_END):
        return False
    match = CAPTION_RE.search(stripped)
    if not match or match.start() == 0:
        return False
    credit = unicodedata.normalize("NFKC", match.group("credit"))
    return not anywhere or bool(KNOWN_CREDIT_RE.search(credit))


def body_paragraphs(blocks: Iterable[list[str]]) -> list[Paragraph]:
    """Paragraphs from blocks of consecutive non-blank lines."""
    return [to_paragraph(text) for block in blocks for text in merge_wrapped(block)]
