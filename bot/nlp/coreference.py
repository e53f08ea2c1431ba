"""Coreference within one article: later mentions that point back to a named person.

Shared curated names resolved by who was named before (ムハンマド), 金氏 after
金正恩総書記, bare surnames after a full name (カレリナ), 同氏 / 同大統領, and a
bare title (首相は) for the one person the article gave that title.
"""

from __future__ import annotations

import re

from bot.nlp.gazetteer import surface_key
from bot.nlp.mention_base import (
    STRONG_TITLES,
    Mention,
    boundary_ok,
    is_kanji,
    positions,
    text_of,
)
from bot.nlp.roles import (
    Title,
    title_after,
    title_head,
)
from bot.nlp.tokenizer import Token


def resolve_entries(found: list[Mention]) -> None:
    """A shared name without context takes the candidate already named in the article."""
    named = [m for m in found if m.entry is not None and not m.candidates]
    for m in found:
        if not m.candidates:
            continue
        ids = {e.id for e in m.candidates}
        earlier = [x.key for x in named if x.key in ids and x.start < m.start]
        anywhere = {x.key for x in named if x.key in ids}
        pick = earlier[-1] if earlier else (anywhere.pop() if len(anywhere) == 1 else None)
        if pick is not None:
            m.entry = next(e for e in m.candidates if e.id == pick)
            m.key, m.candidates, m.weak = pick, (), False


def merge_kanji_surnames(found: list[Mention]) -> None:
    """金正恩氏 and 金正恩(キム・ジョンウン)総書記, then 金氏: one person.

    Identical kanji names share the key of the best-read one (a written reading
    beats the dictionary's guess); a short form takes the key of a full name
    it begins.
    """
    kanji = [m for m in found if m.entry is None and is_kanji(m.surface)]
    best: dict[str, Mention] = {}
    for m in kanji:
        cur = best.get(m.surface)
        if cur is None or ("・" in m.reading and "・" not in cur.reading):
            best[m.surface] = m
    full = [m for m in best.values() if len(m.surface) >= 3]
    for m in kanji:
        src = best[m.surface]
        if len(m.surface) <= 2:
            src = next((f for f in full if f.surface.startswith(m.surface)), src)
        m.key, m.reading = src.key, src.reading


def bare_surnames(
    tokens: tuple[Token, ...], inq: list[bool], found: list[Mention]
) -> list[Mention]:
    """Bare later (or earlier) uses of names established in the article: カレリナ, トランプ."""
    forms: dict[str, Mention] = {}
    for m in found:
        if m.kind != "name":
            continue
        parts = [p for p in re.split(r"・", m.surface) if p]
        for form in {m.surface, parts[-1] if parts else m.surface}:
            if len(surface_key(form)) >= 2:
                forms.setdefault(surface_key(form), m)
        if m.entry is not None:
            for form in m.entry.names_ja:
                if len(surface_key(form)) >= 2:
                    forms.setdefault(surface_key(form), m)
    if not forms:
        return []
    taken = set()
    for m in found:
        taken.update(range(m.start, m.end))
    prefixes = {k[:n] for k in forms for n in range(1, len(k) + 1)}
    firsts = {k[0] for k in forms}
    out: list[Mention] = []
    n = len(tokens)
    i = 0
    for start in [i for i, t in enumerate(tokens) if t.surface[0] in firsts]:
        if start < i:
            continue
        i = start
        if i in taken or tokens[i].pos1 != "名詞":
            continue
        key = ""
        hit: tuple[int, Mention] | None = None
        for j in range(i, min(n, i + 4)):
            if j in taken or tokens[j].sentence != tokens[i].sentence:
                break
            key += surface_key(tokens[j].surface)
            if key not in prefixes:
                break
            src = forms.get(key)
            if src is not None and boundary_ok(tokens, i, j + 1):
                hit = (j + 1, src)
        if hit is None:
            continue
        end, src = hit
        m = Mention(
            key=src.key, start=i, end=end, sentence=tokens[i].sentence,
            surface=text_of(tokens, i, end), entry=src.entry, kind="surname",
            in_quote=inq[i], reading=src.reading,
        )  # fmt: skip
        m.title = title_after(tokens, end)
        out.append(m)
        i = end
    return out


def anaphors(tokens: tuple[Token, ...], inq: list[bool], found: list[Mention]) -> list[Mention]:
    """同氏 / 同大統領 → the nearest earlier person (whose title fits)."""
    out: list[Mention] = []
    k = 0
    for i in positions(tokens, "同", "同氏"):
        tok = tokens[i]
        if tok.surface == "同氏":
            title: Title | None = Title("氏", i + 1, honorific=True)
        elif tok.surface == "同" and i + 1 < len(tokens):
            title = title_after(tokens, i + 1)
        else:
            continue
        if title is None:
            continue
        head = None if title.honorific else title_head(title.text)
        if title.honorific and title.text != "氏":
            continue
        while k < len(found) and found[k].start < i:
            k += 1
        antecedent = None
        for m in reversed(found[:k]):
            if head is None or _has_title(m, head):
                antecedent = m
                break
        if antecedent is None:
            continue
        out.append(
            Mention(
                key=antecedent.key, start=i, end=i + 1, sentence=tok.sentence,
                surface="同" + title.text, entry=antecedent.entry, title=title,
                in_quote=inq[i], kind="anaphor",
            )
        )  # fmt: skip
    return out


def _has_title(m: Mention, head: str, *, stated_only: bool = False) -> bool:
    """Whether ``m`` is titled ``head`` in the article (or, unless ``stated_only``, in
    the gazetteer: 同大統領 after a bare プーチン)."""
    if m.title is not None and not m.title.honorific:
        return m.title.text.split("(")[0].endswith(head)
    if stated_only or m.entry is None:
        return False
    return any(r.split("(")[0].endswith(head) for r in m.entry.roles)


TITLE_REF_NEXT = frozenset({"は", "が", "も", "「"})


def title_refs(tokens: tuple[Token, ...], inq: list[bool], found: list[Mention]) -> list[Mention]:
    """首相は「…」 after 石破茂首相: a bare title for the one person in the article
    who was given it. Two people with that title (two presidents) → nobody."""
    out: list[Mention] = []
    named = [m for m in found if m.kind != "anaphor" and not m.in_quote]
    if not named:
        return out
    heads = {
        title_head(m.title.text.split("(")[0]) for m in named if m.title and not m.title.honorific
    }
    heads &= STRONG_TITLES
    if not heads:
        return out
    taken = set()
    for m in found:
        taken.update(range(m.start, m.after))
    for i in positions(tokens, *sorted(heads)):
        tok = tokens[i]
        if i in taken or inq[i]:
            continue
        prev = tokens[i - 1] if i > 0 else None
        if prev is not None and prev.sentence == tok.sentence and prev.pos1 != "補助記号":
            continue  # part of a longer phrase (ロシアの大統領, 前首相, 副大統領)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is None or nxt.surface not in TITLE_REF_NEXT or nxt.sentence != tok.sentence:
            continue
        keys = {
            m.key for m in named if m.start < i and _has_title(m, tok.surface, stated_only=True)
        }
        if len(keys) != 1:
            continue
        src = next(m for m in named if m.key in keys)
        out.append(
            Mention(
                key=src.key, start=i, end=i, sentence=tok.sentence, surface=tok.surface,
                entry=src.entry, title=Title(tok.surface, i + 1), in_quote=False, kind="anaphor",
            )
        )  # fmt: skip
    return out
