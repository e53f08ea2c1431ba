"""What the person-finding passes share: the :class:`Mention`, token helpers and the
small predicates (is this a katakana name, a single kanji, an ordinary word)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.nlp.gazetteer import Entry, surface_key
from bot.nlp.names import hepburn
from bot.nlp.roles import (
    Title,
    role_before,
    title_after,
    title_head,
)
from bot.nlp.tokenizer import Token

MAX_NAME_TOKENS = 8
NAME_POS = frozenset({"名詞", "接頭辞"})
TITLE_KATAKANA = frozenset(
    {"ビジネス", "エネルギー", "デジタル", "インフラ", "スポーツ", "サイバー", "データ", "メディア"}
)
"""Katakana words that start a title after a name (ベーデノック・ビジネス貿易相)."""
STRONG_TITLES = frozenset(
    {
        "大統領", "首相", "長官", "報道官", "補佐官", "特使", "外相", "国防相", "事務総長",
        "総書記", "主席", "皇太子", "国王", "大使", "知事", "司令官", "総長", "議員", "首長",
    }
)  # fmt: skip
"""Titles that make even an ordinary word a person (トランプ大統領, not トランプのカード)."""
PLACE_TITLE_STARTS = tuple("州市県区町村島")
NOT_PERSONS = frozenset(
    {
        "ホワイトハウス", "クレムリン", "ペンタゴン", "ハマス", "ヒズボラ", "フーシ", "タリバン",
        "ワグネル", "アクシオス", "ロイター", "ブルームバーグ", "タス", "インタファクス",
        "ツイッター", "テレグラム", "フェイスブック", "インスタグラム", "ユーチューブ",
        "ロスアトム", "ガスプロム", "アルジャジーラ", "イスラム", "ユダヤ", "アラブ",
    }
)  # fmt: skip


@dataclass(slots=True)
class Mention:
    """One reference to a person; ``key`` groups the mentions of one person."""

    key: str
    start: int
    end: int
    sentence: int
    surface: str
    entry: Entry | None = None
    title: Title | None = None
    prefix_role: str | None = None
    affiliation: str | None = None
    in_quote: bool = False
    kind: str = "name"  # name | surname | anaphor
    reading: str = ""
    weak: bool = False
    candidates: tuple[Entry, ...] = ()

    @property
    def after(self) -> int:
        """Index of the first token after the name and its title."""
        return self.title.end if self.title is not None else self.end


_SURFACES: list[tuple[tuple[Token, ...], list[str]]] = []


def surfaces(tokens: tuple[Token, ...]) -> list[str]:
    """The token surfaces as a list (kept for the last document: several passes use it)."""
    if _SURFACES and _SURFACES[0][0] is tokens:
        return _SURFACES[0][1]
    out = [t[0] for t in tokens]
    _SURFACES[:] = [(tokens, out)]
    return out


def positions(tokens: tuple[Token, ...], *values: str) -> list[int]:
    """Sorted indexes of tokens whose surface is one of ``values`` (list.index runs in C)."""
    surf = surfaces(tokens)
    found: list[int] = []
    for value in values:
        i = -1
        try:
            while True:
                i = surf.index(value, i + 1)
                found.append(i)
        except ValueError:
            pass
    return sorted(found)


def bracket_pairs(tokens: tuple[Token, ...]) -> tuple[list[tuple[int, int, int]], int | None]:
    """Top-level 「…」 of each sentence as (open, close, sentence) token indexes.

    Nested brackets belong to the outer pair, and depth resets at each sentence. The
    second value is the index of a 「 still open when the tokens end, else None.
    """
    pairs: list[tuple[int, int, int]] = []
    depth = 0
    sentence = -1
    open_at = 0
    for i in positions(tokens, "「", "」"):
        tok = tokens[i]
        if tok.sentence != sentence:
            sentence, depth = tok.sentence, 0
        if tok.surface == "「":
            if depth == 0:
                open_at = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                pairs.append((open_at, i, sentence))
    return pairs, (open_at if depth else None)


def quote_mask(tokens: tuple[Token, ...]) -> list[bool]:
    """True for tokens inside 「」 (brackets included); depth resets each sentence."""
    mask = [False] * len(tokens)
    pairs, unclosed = bracket_pairs(tokens)
    for open_at, close, _ in pairs:
        mask[open_at : close + 1] = [True] * (close + 1 - open_at)
    if unclosed is not None:  # unclosed at the end of its sentence: up to that sentence's end
        sentence = tokens[unclosed].sentence
        j = unclosed
        while j < len(tokens) and tokens[j].sentence == sentence:
            mask[j] = True
            j += 1
    return mask


def is_byline(surface: str, byline: str) -> bool:
    key = surface_key(surface)
    return bool(key) and (key in byline or byline in key)


def text_of(tokens: tuple[Token, ...], i: int, j: int) -> str:
    return "".join(t.surface for t in tokens[i:j])


def boundary_ok(tokens: tuple[Token, ...], i: int, j: int) -> bool:
    """The name tokens[i:j] is not part of a longer katakana word or ・ chain."""
    if i > 0 and (tokens[i - 1].is_katakana or tokens[i - 1].surface == "・"):
        return False
    return not (j < len(tokens) and (tokens[j].is_katakana or tokens[j].surface == "・"))


def read_context(tokens: tuple[Token, ...], m: Mention) -> None:
    m.title = title_after(tokens, m.end)
    m.prefix_role, m.affiliation = role_before(tokens, m.start)


def has_context(m: Mention) -> bool:
    return m.title is not None or m.prefix_role is not None


def choose_entry(m: Mention, entries: list[Entry]) -> None:
    if len(entries) == 1:
        m.entry, m.key = entries[0], entries[0].id
        return
    scored = sorted(((_fit(m, e), e.id, e) for e in entries), key=lambda x: (-x[0], x[1]))
    if scored[0][0] > 0 and scored[0][0] > scored[1][0]:
        m.entry, m.key = scored[0][2], scored[0][2].id
    else:
        m.candidates = tuple(entries)
        m.key = "?" + entries[0].id


def _fit(m: Mention, e: Entry) -> int:
    """How well the words around a shared name fit an entry (サウジのムハンマド皇太子)."""
    score = 0
    head = title_head(m.title.text) if m.title is not None and not m.title.honorific else None
    if head and any(head in r for r in e.roles):
        score += 2
    places = [p for p in (m.affiliation, m.title.country if m.title else None) if p]
    if e.country and any(p in e.country or e.country in p for p in places):
        score += 2
    return score


def is_ordinary(tok: Token) -> bool:
    """A dictionary word that is not a name (エネルギー, トランプ the card game)."""
    return bool(tok.reading) and not tok.is_person_name and tok.surface != "・"


def dot_parts(tokens: tuple[Token, ...], i: int, j: int) -> list[tuple[int, int]]:
    """The ・-separated parts of tokens[i:j] as token ranges."""
    parts: list[tuple[int, int]] = []
    s = i
    for k in range(i, j):
        if tokens[k].surface == "・":
            if k > s:
                parts.append((s, k))
            s = k + 1
    if j > s:
        parts.append((s, j))
    return parts


def surname_of(name: str) -> str:
    """The last ・-separated part of a katakana name (マーク・フォーゲル → フォーゲル)."""
    parts = [p for p in re.split(r"[・=＝]", name) if p]
    return parts[-1] if parts else name


def is_kanji(text: str) -> bool:
    return bool(text) and all("一" <= c <= "龥" or c in "々" for c in text)


def starts_single(tokens: tuple[Token, ...], j: int) -> bool:
    return j < len(tokens) and single_kanji(tokens[j])


def single_kanji(tok: Token) -> bool:
    return len(tok.surface) == 1 and tok.pos1 in ("名詞", "接尾辞") and "一" <= tok.surface <= "龥"


def unlisted_id(kana: str, fallback: str = "") -> str:
    """Stable id of a person not in the gazetteer: ``x-`` + romanised surname."""
    slug = re.sub(r"[^a-z0-9]+", "-", hepburn(kana).lower()).strip("-")
    if slug and slug.isascii():
        return "x-" + slug
    return "x-" + hashlib.sha1((fallback or kana).encode("utf-8")).hexdigest()[:10]
