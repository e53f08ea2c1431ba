"""Topics: definitions from ``config/topics.toml`` and the multi-label classifier.

Everything about a topic lives in the TOML file (labels, colour, definition,
weighted terms with their context rules, exclusions, threshold), so an
operator adds a topic such as ``sanctions`` without touching code. The rules
are compiled once (:mod:`bot.nlp.topic_rules`); :func:`classify` then costs
one pass over the article's tokens.

A malformed file raises :class:`~bot.settings.ConfigError` with one line that
names the file, the topic and the field, e.g.
``config/topics.toml: topic 'sanctions': terms[2].weight must be a number``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.models import Article, TopicTag
from bot.nlp.tokenizer import Document, Tokenizer, get_tokenizer
from bot.nlp.topic_prose import ZONES
from bot.nlp.topic_rules import RuleIndex, Scoring, TermDef, TopicScore, score_article
from bot.settings import ConfigError

__all__ = [
    "TermDef",
    "TopicDef",
    "TopicSet",
    "TopicScore",
    "classify",
    "explain",
    "load_topics",
]

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_COLOUR_RE = re.compile(r"^#?([0-9a-fA-F]{6})$")
_TOPIC_KEYS = {
    "id",
    "label_en",
    "label_ja",
    "colour",
    "definition",
    "threshold",
    "terms",
    "exclude",
    "requires",
}
_TERM_KEYS = {f.name for f in fields(TermDef)}
_SCORING_NUMBERS = (
    "scale",
    "threshold",
    "sentence_cap",
    "quoted_factor",
    "backdrop_factor",
    "tail_from",
)


@dataclass(frozen=True, slots=True)
class TopicDef:
    """One topic as configured. ``colour`` is 0xRRGGBB (for embeds and badges)."""

    id: str
    label_en: str
    label_ja: str
    colour: int
    definition: str
    threshold: float
    terms: tuple[TermDef, ...]
    exclude: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.label_en} / {self.label_ja}"


@dataclass
class TopicSet:
    """The configured topics, compiled for classification."""

    topics: list[TopicDef] = field(default_factory=list)
    scoring: Scoring = field(default_factory=Scoring)
    tokenizer: Tokenizer | None = None
    _index: RuleIndex | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {t.id: t for t in self.topics}

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def get(self, topic_id: str) -> TopicDef | None:
        return self._by_id.get(topic_id)

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    def __iter__(self) -> Iterator[TopicDef]:
        return iter(self.topics)

    def __len__(self) -> int:
        return len(self.topics)

    @property
    def index(self) -> RuleIndex:
        """The compiled rules (built on first use with the shared tokenizer)."""
        if self._index is None:
            index = RuleIndex(self.tokenizer or get_tokenizer())
            for t in self.topics:
                index.add_topic(t.id, t.threshold, t.terms, t.exclude, t.requires)
            self._index = index
        return self._index


def classify(doc: Document, article: Article, topics: TopicSet) -> list[TopicTag]:
    """The topics ``article`` carries, best first, each with its evidence sentences."""
    tags = [
        TopicTag(
            id=s.id,
            score=round(s.score, 3),
            evidence=[e.text for e in s.evidence[: topics.scoring.max_evidence]],
            terms=s.terms,
        )
        for s in explain(doc, article, topics)
        if s.tagged
    ]
    tags.sort(key=lambda t: -t.score)
    return tags


def explain(doc: Document, article: Article, topics: TopicSet) -> list[TopicScore]:
    """Every topic's score and evidence, tagged or not: for eval and "why?" answers."""
    if not topics.topics:
        return []
    return score_article(doc, article, topics.index, topics.scoring)


def load_topics(path: str | Path, tokenizer: Tokenizer | None = None) -> TopicSet:
    """Read and validate topics.toml and compile its rules (raises ConfigError)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: topics file not found") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    scoring = _scoring(data.get("scoring", {}), path)
    unknown = set(data) - {"scoring", "topics"}
    if unknown:
        raise ConfigError(f"{path}: unknown section {sorted(unknown)[0]!r}")
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        raise ConfigError(f"{path}: no [[topics]] defined")
    topics: list[TopicDef] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_topics, start=1):
        topic = _topic(raw, n, path, scoring)
        if topic.id in seen:
            raise ConfigError(f"{path}: topic {topic.id!r}: id is defined twice")
        seen.add(topic.id)
        topics.append(topic)
    topic_set = TopicSet(topics=topics, scoring=scoring, tokenizer=tokenizer)
    try:
        topic_set.index  # noqa: B018 - compile now so bad phrases fail at load time
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return topic_set


def _topic(raw: Any, n: int, path: Path, scoring: Scoring) -> TopicDef:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: topics[{n}] must be a table")
    tid = raw.get("id")
    if not isinstance(tid, str) or not _ID_RE.match(tid):
        raise ConfigError(
            f"{path}: topics[{n}]: id must be lower-case letters, digits and _ (got {tid!r})"
        )
    where = f"{path}: topic {tid!r}"
    unknown = set(raw) - _TOPIC_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    label_en = _text(raw, "label_en", where)
    label_ja = _text(raw, "label_ja", where, default=label_en)
    definition = _text(raw, "definition", where)
    threshold = raw.get("threshold", scoring.threshold)
    if not _is_number(threshold) or not 0 < threshold < 1:
        raise ConfigError(f"{where}: threshold must be a number between 0 and 1")
    terms_raw = raw.get("terms")
    if not isinstance(terms_raw, list) or not terms_raw:
        raise ConfigError(f"{where}: terms must be a non-empty list")
    terms = tuple(_term(t, i, where) for i, t in enumerate(terms_raw))
    return TopicDef(
        id=tid,
        label_en=label_en,
        label_ja=label_ja,
        colour=_colour(raw.get("colour"), where),
        definition=definition,
        threshold=float(threshold),
        terms=terms,
        exclude=_strings(raw, "exclude", where),
        requires=_strings(raw, "requires", where),
    )


def _term(raw: Any, i: int, where: str) -> TermDef:
    at = f"terms[{i}]"
    if not isinstance(raw, dict):
        raise ConfigError(f'{where}: {at} must be a table like {{ term = "...", weight = 1.0 }}')
    unknown = set(raw) - _TERM_KEYS
    if unknown:
        raise ConfigError(f"{where}: {at}: unknown field {sorted(unknown)[0]!r}")
    term = raw.get("term")
    if not isinstance(term, str) or not term.strip():
        raise ConfigError(f"{where}: {at}.term must be a non-empty string")
    weight = raw.get("weight", 1.0)
    if not _is_number(weight):
        raise ConfigError(f"{where}: {at}.weight must be a number")
    if not 0 < weight <= 10:
        raise ConfigError(f"{where}: {at}.weight must be between 0 and 10")
    group = raw.get("group")
    if group is not None and not isinstance(group, str):
        raise ConfigError(f"{where}: {at}.group must be a string")
    core = raw.get("core", True)
    if not isinstance(core, bool):
        raise ConfigError(f"{where}: {at}.core must be true or false")
    return TermDef(
        term=term.strip(),
        weight=float(weight),
        near=_strings(raw, "near", f"{where}: {at}."),
        near_paragraph=_strings(raw, "near_paragraph", f"{where}: {at}."),
        unless=_strings(raw, "unless", f"{where}: {at}."),
        group=group,
        core=core,
    )


def _scoring(raw: Any, path: Path) -> Scoring:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [scoring] must be a table")
    defaults = Scoring()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SCORING_NUMBERS:
            if not _is_number(value) or value < 0:
                raise ConfigError(f"{path}: scoring.{key} must be a non-negative number")
            values[key] = float(value)
        elif key == "max_evidence":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{path}: scoring.max_evidence must be a positive integer")
            values[key] = value
        elif key == "zones":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: scoring.zones must be a table")
            zones = dict(defaults.zones)
            for zone, w in value.items():
                if zone not in ZONES:
                    raise ConfigError(
                        f"{path}: scoring.zones.{zone}: unknown zone (one of {', '.join(ZONES)})"
                    )
                if not _is_number(w) or w < 0:
                    raise ConfigError(f"{path}: scoring.zones.{zone} must be a number")
                zones[zone] = float(w)
            values["zones"] = zones
        else:
            raise ConfigError(f"{path}: scoring: unknown field {key!r}")
    if values.get("scale", 1.0) == 0:
        raise ConfigError(f"{path}: scoring.scale must be above 0")
    if not 0 < values.get("threshold", 0.5) < 1:
        raise ConfigError(f"{path}: scoring.threshold must be between 0 and 1")
    return Scoring(**values)


def _text(raw: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a non-empty string")
    return value.strip()


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    sep = "" if where.endswith(".") else ": "
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}{sep}{key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _colour(value: Any, where: str) -> int:
    if value is None:
        return 0x5865F2
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 0xFFFFFF:
        return value
    if isinstance(value, str):
        m = _COLOUR_RE.match(value.strip())
        if m:
            return int(m.group(1), 16)
    raise ConfigError(f'{where}: colour must be "#RRGGBB" or an integer 0..0xFFFFFF')


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
