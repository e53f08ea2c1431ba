"""Compiled topic rules and the scorer behind :func:`bot.nlp.topics.classify`.

Every phrase the rules mention (terms, their context words, exclusions, the
words a topic requires) is tokenised once at load time into a lemma sequence
and put into one index keyed by its first lemma. An article is then scanned in
a single pass over its tokens; everything after that is set look-ups.

How an article is scored for one topic:

- Exclusions (賃上げ交渉, 解放感, 冷戦終結 ...) consume their tokens: nothing
  inside them counts for that topic, neither as a term nor as context.
- Where phrases overlap, the longest decides the sense (加盟国 beats 加盟).
- A term counts in a sentence when its context is there (``near`` in the same
  sentence or ``near_paragraph`` in the same paragraph) and none of its
  ``unless`` words is in the sentence.
- A term standing alone in 「」 (「和平」, 「人質」) is a figure of speech or a
  label; a term in a 〜なか(で) background clause (停戦交渉が難航するなか) or in
  an epithet (ロシアが併合したクリミア) is backdrop: both are discounted.
- A sentence scores the sum of its distinct terms (a ``group`` counts once),
  capped; sentences are weighted by zone (headline, sub-headline, sub-headings
  and lead above the body, the tail below it) and summed into the evidence E.
- score = E / (E + scale): 0..1, 0.5 when E equals ``scale``. The topic is
  tagged when the score reaches its threshold and at least one *core* term
  counted at full strength, so context words alone never tag an article.
- A passing mention does not tag: when no topic has any evidence in the
  headline, sub-headline or lead (a market report, a sports story), a topic
  resting on one sentence further down is not tagged. In an article framed by
  one of the topics (talks in the headline), a single body sentence about
  another topic (NATO accession as a term of the deal) still tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from bot.models import Article
from bot.nlp.tokenizer import Document, Token, Tokenizer
from bot.nlp.topic_prose import Backdrop, paragraph_of_sentence, quoted, zones


@dataclass(frozen=True, slots=True)
class TermDef:
    """One weighted term of a topic, as written in topics.toml."""

    term: str
    weight: float
    near: tuple[str, ...] = ()
    near_paragraph: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    group: str | None = None
    core: bool = True


@dataclass(frozen=True, slots=True)
class Scoring:
    """Article-level scoring knobs shared by all topics (``[scoring]`` in topics.toml)."""

    scale: float = 3.0
    threshold: float = 0.51
    sentence_cap: float = 3.5
    max_evidence: int = 3
    quoted_factor: float = 0.3
    backdrop_factor: float = 0.3
    tail_from: float = 0.8
    zones: dict[str, float] = field(
        default_factory=lambda: {
            "headline": 2.5,
            "subtitle": 2.0,
            "heading": 1.5,
            "lead": 1.5,
            "body": 1.0,
            "tail": 0.8,
        }
    )


@dataclass(frozen=True, slots=True)
class Evidence:
    """One sentence that contributed to a topic."""

    sentence: int
    text: str
    zone: str
    weight: float
    terms: tuple[str, ...]


@dataclass(slots=True)
class TopicScore:
    """A topic's result for one article, tagged or not (eval shows near misses)."""

    id: str
    score: float
    tagged: bool
    evidence: list[Evidence]
    terms: list[str]


@dataclass(frozen=True, slots=True)
class _Rule:
    term: str
    weight: float
    near: frozenset[int]
    near_paragraph: frozenset[int]
    unless: frozenset[int]
    group: str
    core: bool


@dataclass(frozen=True, slots=True)
class _CompiledTopic:
    id: str
    threshold: float
    rules: dict[int, tuple[_Rule, ...]]
    exclude: frozenset[int]
    requires: frozenset[int]


@dataclass(slots=True)
class _Match:
    pid: int
    start: int  # token index, inclusive
    end: int  # token index, exclusive
    sentence: int


class RuleIndex:
    """All phrases of all topics, compiled for one pass over an article's tokens."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tokenizer = tokenizer
        self._pids: dict[tuple[str, ...], int] = {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        self.topics: list[_CompiledTopic] = []

    def phrase(self, text: str) -> int:
        """The id of ``text`` as a lemma sequence, adding it to the index if new."""
        lemmas = tuple(t.lemma for t in self._tokenizer.parse(text).tokens)
        if not lemmas:
            raise ValueError(f"{text!r} has no words")
        pid = self._pids.get(lemmas)
        if pid is None:
            pid = len(self._pids)
            self._pids[lemmas] = pid
            bucket = self._by_first.setdefault(lemmas[0], [])
            bucket.append((lemmas, pid))
            bucket.sort(key=lambda item: -len(item[0]))
        return pid

    def _phrases(self, texts: Iterable[str]) -> frozenset[int]:
        return frozenset(self.phrase(t) for t in texts)

    def add_topic(
        self,
        topic_id: str,
        threshold: float,
        terms: Sequence[TermDef],
        exclude: Sequence[str] = (),
        requires: Sequence[str] = (),
    ) -> None:
        rules: dict[int, list[_Rule]] = {}
        for t in terms:
            rule = _Rule(
                term=t.term,
                weight=t.weight,
                near=self._phrases(t.near),
                near_paragraph=self._phrases(t.near_paragraph),
                unless=self._phrases(t.unless),
                group=t.group or t.term,
                core=t.core,
            )
            rules.setdefault(self.phrase(t.term), []).append(rule)
        self.topics.append(
            _CompiledTopic(
                id=topic_id,
                threshold=threshold,
                rules={pid: tuple(rs) for pid, rs in rules.items()},
                exclude=self._phrases(exclude),
                requires=self._phrases(requires),
            )
        )

    def scan(self, tokens: Sequence[Token]) -> list[_Match]:
        """Every occurrence of every phrase (overlaps included), in one pass."""
        out: list[_Match] = []
        get = self._by_first.get
        lemmas = [t.lemma for t in tokens]
        n = len(lemmas)
        for i, lemma in enumerate(lemmas):
            cands = get(lemma)
            if cands is None:
                continue
            sentence = tokens[i].sentence
            for seq, pid in cands:
                k = len(seq)
                if k == 1:
                    out.append(_Match(pid, i, i + 1, sentence))
                elif (
                    i + k <= n
                    and tuple(lemmas[i : i + k]) == seq
                    and tokens[i + k - 1].sentence == sentence
                ):
                    out.append(_Match(pid, i, i + k, sentence))
        return out


def score_article(
    doc: Document, article: Article, index: RuleIndex, scoring: Scoring
) -> list[TopicScore]:
    """Score every topic for one article (see the module docstring for how)."""
    tokens = doc.tokens
    matches = index.scan(tokens)
    paragraph_of = paragraph_of_sentence(doc)
    zone_of = zones(article, paragraph_of, scoring.tail_from)
    backdrop = Backdrop(tokens)
    shared = _Presence(matches, paragraph_of)
    scores = [
        _score_topic(topic, doc, matches, shared, paragraph_of, zone_of, backdrop, scoring)
        for topic in index.topics
    ]
    framed = any(e.zone in _FRAME_ZONES for s in scores for e in s.evidence)
    if not framed:
        for s in scores:
            if s.tagged and len(s.evidence) == 1:
                s.tagged = False
    return scores


# Where an article says what it is about; evidence only below these is a passing mention.
_FRAME_ZONES = frozenset({"headline", "subtitle", "lead"})


class _Presence:
    """Which phrases occur in each sentence, each paragraph and the whole article."""

    __slots__ = ("anywhere", "in_paragraph", "in_sentence")

    def __init__(self, matches: Iterable[_Match], paragraph_of: list[int]) -> None:
        self.in_sentence: dict[int, set[int]] = {}
        self.in_paragraph: dict[int, set[int]] = {}
        self.anywhere: set[int] = set()
        for m in matches:
            self.in_sentence.setdefault(m.sentence, set()).add(m.pid)
            self.in_paragraph.setdefault(paragraph_of[m.sentence], set()).add(m.pid)
            self.anywhere.add(m.pid)


_NOTHING: frozenset[int] = frozenset()


def _score_topic(
    topic: _CompiledTopic,
    doc: Document,
    matches: list[_Match],
    shared: _Presence,
    paragraph_of: list[int],
    zone_of: list[str],
    backdrop: Backdrop,
    scoring: Scoring,
) -> TopicScore:
    live = matches
    presence = shared
    if topic.exclude & shared.anywhere:
        excluded: set[int] = set()
        for m in matches:
            if m.pid in topic.exclude:
                excluded.update(range(m.start, m.end))
        live = [m for m in matches if m.start not in excluded and m.end - 1 not in excluded]
        presence = _Presence(live, paragraph_of)
    if topic.requires and not (topic.requires & presence.anywhere):
        return TopicScore(topic.id, 0.0, False, [], [])

    term_matches = _longest([m for m in live if m.pid in topic.rules])
    # sentence -> group -> (weighted value, term, core at full strength)
    found: dict[int, dict[str, tuple[float, str, bool]]] = {}
    for m in term_matches:
        here = presence.in_sentence.get(m.sentence, _NOTHING)
        para = presence.in_paragraph.get(paragraph_of[m.sentence], _NOTHING)
        rule = _best_applicable(topic.rules[m.pid], here, para)
        if rule is None:
            continue
        factor = 1.0
        if quoted(doc.text, doc.tokens[m.start].start, doc.tokens[m.end - 1].end):
            factor = min(factor, scoring.quoted_factor)
        if backdrop(m.start, m.end):
            factor = min(factor, scoring.backdrop_factor)
        value = rule.weight * factor
        groups = found.setdefault(m.sentence, {})
        prev = groups.get(rule.group)
        if prev is None or value > prev[0]:
            groups[rule.group] = (value, rule.term, rule.core and factor >= 0.5)

    evidence: list[Evidence] = []
    term_totals: dict[str, float] = {}
    total = 0.0
    has_core = False
    for si, groups in found.items():
        raw = min(scoring.sentence_cap, sum(v for v, _, _ in groups.values()))
        if raw <= 0:
            continue
        weight = raw * scoring.zones.get(zone_of[si], 1.0)
        total += weight
        has_core = has_core or any(core for _, _, core in groups.values())
        terms = tuple(t for _, t, _ in sorted(groups.values(), key=lambda g: -g[0]))
        for _, t, _ in groups.values():
            term_totals[t] = term_totals.get(t, 0.0) + weight
        evidence.append(Evidence(si, doc.sentences[si].text, zone_of[si], weight, terms))

    score = total / (total + scoring.scale) if total > 0 else 0.0
    evidence.sort(key=lambda e: (-e.weight, e.sentence))
    ranked_terms = sorted(term_totals, key=lambda t: -term_totals[t])
    return TopicScore(
        id=topic.id,
        score=score,
        tagged=has_core and score >= topic.threshold,
        evidence=evidence,
        terms=ranked_terms,
    )


def _best_applicable(
    rules: tuple[_Rule, ...], here: AbstractSet[int], para: AbstractSet[int]
) -> _Rule | None:
    best: _Rule | None = None
    for rule in rules:
        if rule.unless & here:
            continue
        if (rule.near or rule.near_paragraph) and not (
            rule.near & here or rule.near_paragraph & para
        ):
            continue
        if best is None or rule.weight > best.weight:
            best = rule
    return best


def _longest(matches: list[_Match]) -> list[_Match]:
    """Drop matches lying inside a longer match (the longest phrase decides the sense).

    Sorted by start, longer first, a match is inside an earlier one exactly when
    some earlier match reaches at least as far.
    """
    matches.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_Match] = []
    reach = -1
    for m in matches:
        if m.end <= reach:
            continue
        kept.append(m)
        reach = m.end
    return kept
