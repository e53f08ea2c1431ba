"""Person mentions in one tokenised article: :func:`find_mentions`.

A few linear passes over the tokens:

1. names (:mod:`bot.nlp.name_spans`): gazetteer forms (one set lookup per token
   window), and runs of katakana or 人名 tokens that the context makes a person;
2. coreference (:mod:`bot.nlp.coreference`): shared curated names, 金氏 after
   金正恩, bare surnames (カレリナ, トランプ without 氏), 同氏 / 同大統領, bare
   titles (首相は);

Places, organisations (ロシア大統領府) and the byline reporter are never persons.
"""

from __future__ import annotations

from bot.models import Article
from bot.nlp.coreference import (
    anaphors,
    bare_surnames,
    merge_kanji_surnames,
    resolve_entries,
    title_refs,
)
from bot.nlp.gazetteer import Gazetteer, surface_key
from bot.nlp.mention_base import (
    NAME_POS,
    Mention,
    is_byline,
    positions,
    quote_mask,
    surfaces,
    surname_of,
    text_of,
    unlisted_id,
)
from bot.nlp.name_spans import gazetteer_at, span_at
from bot.nlp.tokenizer import Document

__all__ = [
    "Mention",
    "find_mentions",
    "positions",
    "quote_mask",
    "surfaces",
    "surname_of",
    "text_of",
    "unlisted_id",
]


def find_mentions(
    doc: Document, article: Article, gazetteer: Gazetteer, inq: list[bool] | None = None
) -> list[Mention]:
    """Every person mention in ``doc``, in text order, each with its person ``key``.

    ``inq`` is :func:`quote_mask` of the tokens when the caller has it already.
    """
    tokens = doc.tokens
    inq = inq if inq is not None else quote_mask(tokens)
    byline = surface_key(article.byline or "")
    found: list[Mention] = []
    firsts = gazetteer.firsts
    parens = set(positions(tokens, "(", "（")) if "(" in doc.text or "（" in doc.text else set()
    # Where a name can start: a gazetteer first letter, katakana (ダガロ's ダ is read as
    # a copula), a 人名 token, or kanji just before a (reading). One cheap pass.
    prefixes = gazetteer.prefixes
    starts = [
        i
        for i, t in enumerate(tokens)
        if ((c := t.surface[0]) in firsts or "ァ" <= c <= "ヺ" or t.pos3 == "人名")
        and (t.pos3 != "地名" or t.surface in prefixes)  # ロシア no; イスラエル・カッツ yes
    ]
    shi = positions(tokens, "氏") if "氏" in doc.text else []
    anchors = [*parens, *shi]
    if anchors:
        starts = sorted(set(starts) | {p - k for p in anchors for k in (1, 2, 3) if p - k >= 0})
    i = 0
    for s in starts:
        if s < i:
            continue
        i = s
        tok = tokens[i]
        if tok.pos1 not in NAME_POS and not "ァ" <= tok.surface[0] <= "ヺ":
            continue
        end, m = i, None
        if tok.surface[0] in firsts:
            end, m = gazetteer_at(tokens, i, gazetteer)
        if m is None and end == i:
            end, m = span_at(tokens, i, gazetteer, parens)
        if m is not None and not (byline and is_byline(m.surface, byline)):
            m.in_quote = inq[m.start]
            found.append(m)
        i = max(end, i + 1)
    resolve_entries(found)
    merge_kanji_surnames(found)
    confirmed = {m.key for m in found if not m.weak and not m.candidates}
    found = [m for m in found if m.key in confirmed and not m.candidates]
    found.extend(bare_surnames(tokens, inq, found))
    found.sort(key=lambda m: m.start)
    if "同" in doc.text:
        found.extend(anaphors(tokens, inq, found))
    found.extend(title_refs(tokens, inq, found))
    found.sort(key=lambda m: m.start)
    return found
