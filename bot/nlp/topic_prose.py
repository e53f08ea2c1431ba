"""Where a sentence stands in an article, and how Japanese news prose marks
what is not the news: figures of speech in 「」 and background clauses.

Helpers for :mod:`bot.nlp.topic_rules`; they read the tokenised
``Article.nlp_text()`` (headline line, sub-headline line, one line per
paragraph).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from bot.models import Article
from bot.nlp.tokenizer import Document, Token

ZONES = ("headline", "subtitle", "heading", "lead", "body", "tail")
_QUOTE_PAIRS = {"「": "」", "『": "』"}
_BACKDROP_POS = frozenset({"動詞", "助動詞", "形容詞"})
_CLAUSE_BREAKS = frozenset({"、", ",", "，"})


def quoted(text: str, start: int, end: int) -> bool:
    """True when the match is the whole content of a 「」 or 『』 pair."""
    if start == 0 or end >= len(text):
        return False
    close = _QUOTE_PAIRS.get(text[start - 1])
    return close is not None and text[end] == close


class Backdrop:
    """Whether a match is the backdrop of its sentence rather than its news.

    Two shapes of Japanese news prose: a 〜するなか(で) clause (停戦交渉が難航する
    なか、…) and an epithet, a noun+した directly modifying a noun (ロシアが併合
    したクリミア半島, NATOに加盟したフィンランド). Computed only for the
    matches that need it, once per article.
    """

    __slots__ = ("_memo", "_tokens")

    def __init__(self, tokens: Sequence[Token]) -> None:
        self._tokens = tokens
        self._memo: dict[tuple[int, int], bool] = {}

    def __call__(self, start: int, end: int) -> bool:
        key = (start, end)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._epithet(end) or self._naka_clause(start, end)
        return hit

    def _epithet(self, end: int) -> bool:
        toks = self._tokens
        if end + 2 >= len(toks) or toks[end - 1].pos1 != "名詞":
            return False
        verb, past, noun = toks[end], toks[end + 1], toks[end + 2]
        return (
            verb.lemma == "為る"
            and past.lemma == "た"
            and noun.pos1 == "名詞"
            and noun.sentence == toks[end - 1].sentence
        )

    def _naka_clause(self, start: int, end: int) -> bool:
        toks = self._tokens
        sentence = toks[start].sentence
        for j in range(end, len(toks)):
            tok = toks[j]
            if tok.sentence != sentence or tok.surface in _CLAUSE_BREAKS:
                return False
            if tok.lemma == "中" and tok.reading == "ナカ" and toks[j - 1].pos1 in _BACKDROP_POS:
                return True
        return False


def paragraph_of_sentence(doc: Document) -> list[int]:
    """Line number (0 = headline) of each sentence of ``Article.nlp_text()``."""
    text = doc.text
    line_starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        line_starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return [bisect_right(line_starts, s.start) - 1 for s in doc.sentences]


def zones(article: Article, paragraph_of: list[int], tail_from: float) -> list[str]:
    """Zone of each sentence: headline, subtitle, heading, lead, body or tail.

    Built from the parts of ``Article.nlp_text()`` in order, so a part that
    itself holds a line break still maps every line to the right zone.
    """
    paras = article.paragraphs
    lead = next((i for i, p in enumerate(paras) if p.kind == "p"), -1)
    first_tail = int(len(paras) * tail_from + 0.999) if len(paras) >= 4 else len(paras)
    line_zones: list[str] = ["headline"] * (article.title.count("\n") + 1)
    if article.subtitle:
        line_zones += ["subtitle"] * (article.subtitle.count("\n") + 1)
    for i, p in enumerate(paras):
        if p.kind == "heading":
            zone = "heading"
        elif i == lead:
            zone = "lead"
        elif i >= first_tail:
            zone = "tail"
        else:
            zone = "body"
        line_zones += [zone] * (p.text.count("\n") + 1)
    return [line_zones[line] if line < len(line_zones) else "body" for line in paragraph_of]
