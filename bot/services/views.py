"""Platform-neutral, render-ready data for alerts, digests and "why" answers.

The services fill these; each transport turns them into its own format
(Discord embeds, Slack blocks, console text). Digests are stored in the
outbox as JSON (:meth:`DigestView.to_dict`) so the message sent after a
restart is the one composed at digest time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

SENTENCE_ENDS = "。！？!?"
ELLIPSIS = "…"


def cut_text(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a sentence end where possible.

    Whitespace runs (line breaks included) become one space. A cut that can
    end at 。/！/？ keeping at least half the budget does so; otherwise the
    text is cut at ``limit - 1`` characters and ends with '…'.
    """
    text = " ".join(text.split())
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    window = text[:limit]
    best = max(window.rfind(ch) for ch in SENTENCE_ENDS)
    if best >= 0 and best + 1 >= limit // 2:
        return window[: best + 1]
    return text[: limit - 1].rstrip() + ELLIPSIS


def first_sentence(text: str, limit: int = 120) -> str:
    """The first sentence of ``text`` (for one-line leads), cut to ``limit``."""
    text = text.strip()
    ends = [i for i in (text.find(ch) for ch in SENTENCE_ENDS) if i >= 0]
    if ends:
        text = text[: min(ends) + 1]
    return cut_text(text, limit)


def parse_colour(value: Any) -> int | None:
    """A topic colour as an int (0xRRGGBB) from an int or '#rrggbb' text; None if unusable."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= 0xFFFFFF else None
    if isinstance(value, str):
        try:
            number = int(value.strip().lstrip("#").removeprefix("0x"), 16)
        except ValueError:
            return None
        return number if 0 <= number <= 0xFFFFFF else None
    return None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class TopicChip:
    id: str
    label: str
    colour: int | None = None


@dataclass(frozen=True, slots=True)
class ActorChip:
    name_ja: str
    name_en: str | None = None
    role: str | None = None

    @property
    def display(self) -> str:
        """``"Dmitry Peskov (ペスコフ)"`` or the Japanese name alone."""
        if self.name_en and self.name_en != self.name_ja:
            return f"{self.name_en} ({self.name_ja})"
        return self.name_ja


@dataclass(slots=True)
class AlertView:
    """One article as an alert: headline, lead, topics, key actors, source and time."""

    article_id: int
    title: str
    lead: str
    topics: list[TopicChip] = field(default_factory=list)
    actors: list[ActorChip] = field(default_factory=list)
    source: str = ""
    published: datetime | None = None  # timezone-aware
    url: str | None = None
    subtitle: str | None = None

    @property
    def colour(self) -> int | None:
        return next((t.colour for t in self.topics if t.colour is not None), None)


@dataclass(slots=True)
class DigestItem:
    article_id: int
    title: str
    source: str
    published: datetime | None
    lead: str  # one line


@dataclass(slots=True)
class DigestSection:
    """The articles of one topic; ``more`` counts those left out for size."""

    topic: TopicChip
    items: list[DigestItem] = field(default_factory=list)
    more: int = 0

    @property
    def total(self) -> int:
        return len(self.items) + self.more


@dataclass(slots=True)
class KeyPerson:
    actor_id: str
    name_ja: str
    name_en: str | None
    role: str | None
    article_count: int

    @property
    def display(self) -> str:
        return ActorChip(self.name_ja, self.name_en, self.role).display


@dataclass(slots=True)
class NotableQuote:
    speaker: str  # display name
    text: str
    article_id: int
    article_title: str


@dataclass(slots=True)
class DigestView:
    """A channel's digest for one local date, already sized for the platforms.

    ``total`` is the number of distinct articles in the window; ``truncated``
    how many of them appear in no section because of the size budget. An
    article with several topics appears in each of its sections.
    """

    platform: str
    channel_id: str
    date: str  # local date, YYYY-MM-DD
    timezone: str
    since: datetime
    until: datetime
    sections: list[DigestSection] = field(default_factory=list)
    people: list[KeyPerson] = field(default_factory=list)
    quotes: list[NotableQuote] = field(default_factory=list)
    total: int = 0
    truncated: int = 0

    @property
    def empty(self) -> bool:
        return self.total == 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["since"] = _iso(self.since)
        data["until"] = _iso(self.until)
        for section in data["sections"]:
            for item in section["items"]:
                item["published"] = _iso(item["published"])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DigestView:
        sections = [
            DigestSection(
                topic=TopicChip(**s["topic"]),
                items=[
                    DigestItem(**{**i, "published": _dt(i.get("published"))}) for i in s["items"]
                ],
                more=int(s.get("more", 0)),
            )
            for s in data.get("sections", [])
        ]
        since, until = _dt(data["since"]), _dt(data["until"])
        assert since is not None and until is not None
        return cls(
            platform=data["platform"],
            channel_id=data["channel_id"],
            date=data["date"],
            timezone=data["timezone"],
            since=since,
            until=until,
            sections=sections,
            people=[KeyPerson(**p) for p in data.get("people", [])],
            quotes=[NotableQuote(**q) for q in data.get("quotes", [])],
            total=int(data.get("total", 0)),
            truncated=int(data.get("truncated", 0)),
        )


@dataclass(slots=True)
class WhyTopic:
    """One topic of an article with the evidence that produced it."""

    topic: TopicChip
    score: float
    sentences: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    subscribed: bool = False  # this channel's subscription includes the topic


@dataclass(slots=True)
class WhyView:
    """Why an article was tagged, and whether (and why) it was sent to this channel."""

    article_id: int
    title: str
    source: str
    published: datetime | None
    topics: list[WhyTopic] = field(default_factory=list)
    channel_topics: list[str] = field(default_factory=list)  # ["*"] = all
    alerts_on: bool = False
    alert_status: str | None = None  # outbox status for this channel, None if never owed

    @property
    def matched(self) -> list[str]:
        return [t.topic.id for t in self.topics if t.subscribed]
