"""Plain data shared by every layer: parsed articles and what the NLP found in them.

Nothing here imports a third-party library, so parsing, NLP, storage and the
transports can all depend on it without depending on each other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ParagraphKind = Literal["p", "heading"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of body text; ``heading`` marks a short sub-heading line without 。."""

    text: str
    kind: ParagraphKind = "p"


@dataclass(frozen=True, slots=True)
class Article:
    """One article as parsed from a file, before any NLP.

    ``published`` is always timezone-aware when present (Asia/Tokyo unless the
    file said otherwise). ``caption`` holds the photo caption, which is kept
    out of ``paragraphs``.
    """

    title: str
    paragraphs: tuple[Paragraph, ...]
    source: str | None = None
    published: datetime | None = None
    subtitle: str | None = None
    dateline: str | None = None
    byline: str | None = None
    caption: str | None = None
    url: str | None = None
    external_id: str | None = None

    @property
    def body(self) -> str:
        """The body as text, paragraphs separated by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def lead(self) -> str:
        """The first real paragraph (not a sub-heading), or an empty string."""
        for p in self.paragraphs:
            if p.kind == "p":
                return p.text
        return ""

    def nlp_text(self) -> str:
        """Headline, sub-headline and body in reading order, one block per line.

        This is the exact text the NLP pipeline analyses; sentence indexes in
        :class:`Analysis` refer to the sentences of this text.
        """
        parts = [self.title]
        if self.subtitle:
            parts.append(self.subtitle)
        parts.extend(p.text for p in self.paragraphs)
        return "\n".join(parts)

    @property
    def content_hash(self) -> str:
        """Hash of what a reader sees; equal hashes mean nothing changed."""
        h = hashlib.sha256()
        for part in (
            self.source or "",
            self.title,
            self.subtitle or "",
            self.published.isoformat() if self.published else "",
            self.body,
        ):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """What parsing one file gave: articles, or the reason there are none.

    ``reason`` may also be set alongside articles when part of a file was bad
    (for instance one broken line in a JSONL file); the good articles are kept.
    """

    articles: tuple[Article, ...] = ()
    reason: str | None = None
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.articles)


@dataclass(slots=True)
class TopicTag:
    """A topic given to an article, with the evidence that produced it."""

    id: str
    score: float
    evidence: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ActorRef:
    """A person found in one article.

    ``id`` is stable across articles: the gazetteer id when the person is in
    ``config/actors.toml``, otherwise one derived from the name.
    """

    id: str
    name_ja: str
    name_en: str | None = None
    role: str | None = None
    affiliation: str | None = None
    mentions: int = 1
    names: list[str] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)


@dataclass(slots=True)
class QuoteRef:
    """A quotation in an article; ``speaker`` is an actor id or None when unclear."""

    text: str
    speaker: str | None = None
    sentence: int = 0


@dataclass(slots=True)
class Analysis:
    """Everything the NLP pipeline found in one article."""

    topics: list[TopicTag] = field(default_factory=list)
    actors: list[ActorRef] = field(default_factory=list)
    quotes: list[QuoteRef] = field(default_factory=list)

    @property
    def topic_ids(self) -> list[str]:
        return [t.id for t in self.topics]
