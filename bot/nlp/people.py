"""People in an article: who is named, in what role, and what they said.

:func:`find_people` is the pipeline step; the work is split into
:mod:`bot.nlp.mentions` (who is named where), :mod:`bot.nlp.roles` (titles and
affiliations), :mod:`bot.nlp.quotes` (who said what) and :mod:`bot.nlp.gazetteer`
(the curated people of ``config/actors.toml``).
"""

from __future__ import annotations

from bot.models import ActorRef, Article, QuoteRef
from bot.nlp.gazetteer import Entry, Gazetteer, load_gazetteer
from bot.nlp.mentions import Mention, find_mentions, quote_mask
from bot.nlp.names import is_katakana_name, romanize_name
from bot.nlp.quotes import find_quotes
from bot.nlp.roles import compose_role
from bot.nlp.tokenizer import Document, Token

__all__ = ["Entry", "Gazetteer", "find_people", "load_gazetteer"]


def find_people(
    doc: Document, article: Article, gazetteer: Gazetteer
) -> tuple[list[ActorRef], list[QuoteRef]]:
    """The people named in ``doc`` (in order of first mention) and the quotes in it."""
    inq = quote_mask(doc.tokens)
    mentions = find_mentions(doc, article, gazetteer, inq)
    quotes = find_quotes(doc, mentions, inq)
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.key, []).append(m)
    actors = [_actor(key, ms, doc.tokens) for key, ms in groups.items()]
    return actors, quotes


def _actor(key: str, ms: list[Mention], tokens: tuple[Token, ...]) -> ActorRef:
    entry = next((m.entry for m in ms if m.entry is not None), None)
    named = [m for m in ms if m.kind != "anaphor"]
    written = _written_forms(named)
    role, affiliation = _role(ms)
    if entry is not None:
        name_ja, name_en = entry.name_ja, entry.name_en
        affiliation = affiliation or entry.country
        extra = entry.all_names()
    else:
        name_ja = written[0]
        name_en = _romanised(named, tokens)
        extra = _readings(named, tokens)
        if name_en and name_en != name_ja:
            extra.append(name_en)
    names: list[str] = []
    for n in [*written, *extra]:
        if n and n not in names:
            names.append(n)
    return ActorRef(
        id=key,
        name_ja=name_ja,
        name_en=name_en,
        role=role,
        affiliation=affiliation,
        mentions=len(ms),
        names=names,
        sentences=sorted({m.sentence for m in ms}),
    )


def _written_forms(named: list[Mention]) -> list[str]:
    """Names as written, the fullest form first (マーク・フォーゲル before フォーゲル)."""
    forms: list[str] = []
    for m in named:
        if m.surface not in forms:
            forms.append(m.surface)
    return sorted(forms, key=lambda f: (-len(f), forms.index(f)))


def _role(ms: list[Mention]) -> tuple[str | None, str | None]:
    """The first role stated outside quotes (else inside), with its affiliation."""
    ordered = [m for m in ms if not m.in_quote] + [m for m in ms if m.in_quote]
    affiliation = None
    for m in ordered:
        if m.kind == "anaphor":
            continue
        country = m.title.country if m.title is not None else None
        affiliation = affiliation or country or m.affiliation
        role = compose_role(m.title, m.prefix_role, m.affiliation)
        if role:
            return role, country or m.affiliation or affiliation
    return None, affiliation


def _romanised(named: list[Mention], tokens: tuple[Token, ...]) -> str | None:
    """Best-effort English name: Hepburn of the katakana, given name first for kanji."""
    full = max(named, key=lambda m: len(m.surface))
    if is_katakana_name(full.surface):
        return romanize_name(full.surface)
    span = tokens[full.start : full.end]
    family = "".join(t.reading for t in span if t.pos4 == "姓")
    given = "".join(t.reading for t in span if t.pos4 != "姓")
    parts = [romanize_name(p) for p in (given, family) if p and is_katakana_name(p)]
    return " ".join(parts) or None


def _readings(named: list[Mention], tokens: tuple[Token, ...]) -> list[str]:
    """Katakana readings of kanji names, so that romaji lookups (kishida) find them."""
    out: list[str] = []
    for m in named:
        if not m.reading or is_katakana_name(m.surface):
            continue
        span = tokens[m.start : m.end]
        family = "".join(t.reading for t in span if t.pos4 == "姓")
        written = "".join(t.surface for t in span if t.pos4 == "姓")
        if "・" in m.reading:  # a written reading of a Chinese or Korean name: family first
            family = m.reading.split("・")[0]
        for r in (m.reading, family):
            if r and is_katakana_name(r) and r not in out:
                out.append(r)
        if written and written != m.surface and written not in out:
            out.append(written)  # 長谷川 for 長谷川一郎: the surname alone finds them
    return out
