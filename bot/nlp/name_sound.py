"""How alike two spellings of a name sound, vowels included.

Used only on the few candidate rows a phonetic key already reached, to choose
among people whose keys collide and to refuse nonsense that happens to share a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.nlp.romaji import fold, hepburn, is_katakana_name, spelling_forms

Row = tuple[str, str, str]
"""(actor id, name, key) as stored in ``actor_names``."""

# The vowel-aware comparison. Keys drop vowels, so different names can share one
# (Aliyev, アリエフ and ルビオ are all ``rb``); among the few rows a key reaches,
# the spelling with vowels decides. Both sides go through one normaliser that
# merges what katakana cannot tell apart (l/r, v/b/w/f, ts/ch/tz → C) and then
# a weighted edit distance makes katakana's extra vowels cheap (Ibrahim ~ iburahimu).
_SOUND_CLUSTERS = (
    ("tsch", "C"), ("sch", "s"), ("tsh", "C"), ("tch", "C"), ("ch", "C"), ("ts", "C"),
    ("tz", "C"), ("cz", "C"), ("ck", "k"),
)  # fmt: skip
_SOUND_LETTERS = (
    ("sh", "s"), ("th", "s"), ("ph", "f"), ("kh", "h"), ("gh", "g"), ("dj", "j"), ("x", "ks"),
    ("q", "k"), ("z", "s"), ("y", "i"), ("l", "r"), ("v", "b"), ("w", "b"), ("f", "b"),
)  # fmt: skip
_VOWELS = "aeiou"
_CHEAP_PAIRS = {frozenset(p) for p in ("hb", "sC", "dt", "gk", "mn", "sj", "Cj", "kC")}
MIN_SIMILARITY = 0.6
"""Below this a spelling is not taken for the name at all (Xyzzyqwv is not Peskov)."""
EXACT_MIN = 0.55
"""A shared phonetic key still needs this much similarity (Qwerty is not カトウ)."""
NEAR_MIN = 0.75
"""A near key, or a key reached only through a respelling, needs this much."""
CLEAR_MARGIN = 0.15
"""How much closer the best of several candidates must be to be preferred."""
MAX_COMPARED = 12
"""Near misses: actors (nearest keys first) whose names are compared by sound."""


@lru_cache(maxsize=65536)
def sound(name: str) -> str:
    """The vowel-aware normal form of a Latin or katakana name ("" for other scripts)."""
    f = fold(name)
    if is_katakana_name(f):
        # ホワイト is White: ホ before ワ/ウィ/ウェ/ウォ is the h of English wh.
        f = re.sub(r"ho(?=w)", "", hepburn(f, for_key=True))
    words = re.findall(r"[a-z]+", f)
    if not words or len("".join(words)) < len(re.sub(r"[\s\-'.・=＝]", "", f)):
        return ""
    out: list[str] = []
    for w in words:
        w = re.sub(r"ck(?=[iy]$)", "ts", w)  # Polish -cki (Nawrocki ナブロツキ)
        w = re.sub(r"(?<=[lnr])z$", "ts", w)  # German -lz, -nz (Scholz ショルツ)
        for a, b in _SOUND_CLUSTERS:
            w = w.replace(a, b)
        w = re.sub(r"c(?=[eiy])", "s", w).replace("c", "k")
        for a, b in _SOUND_LETTERS:
            w = w.replace(a, b)
        w = re.sub(r"n(?=[pb])", "m", w)
        w = w[:1] + w[1:].replace("h", "")  # Ilham イルハム: an inner h is weak either way
        w = w.replace("ee", "i").replace("ea", "i").replace("oo", "u")
        out.append(re.sub(r"(.)\1+", r"\1", w))
    return "".join(out)


def _indel(c: str) -> float:
    return 0.4 if c in _VOWELS else 1.0


def _substitute(a: str, b: str) -> float:
    if a == b:
        return 0.0
    va, vb = a in _VOWELS, b in _VOWELS
    if va and vb:
        return 0.5
    if va or vb:
        return 1.0
    return 0.5 if frozenset((a, b)) in _CHEAP_PAIRS else 1.0


def sound_distance(a: str, b: str) -> float:
    """Weighted edit distance: a vowel in or out costs 0.4, a vowel for a vowel 0.5,
    close consonants (h/f, s/ts, d/t, g/k, m/n) 0.5, anything else 1."""
    prev = [0.0]
    for cb in b:
        prev.append(prev[-1] + _indel(cb))
    for ca in a:
        cur = [prev[0] + _indel(ca)]
        for j, cb in enumerate(b, 1):
            step = prev[j - 1] + _substitute(ca, cb)
            cur.append(min(prev[j] + _indel(ca), cur[j - 1] + _indel(cb), step))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=65536)
def similarity(query: str, name: str) -> float:
    """0..1: how alike ``query`` and ``name`` sound, over the query's spelling forms."""
    b = sound(name)
    if not b:
        return 0.0
    f = fold(query)
    forms = spelling_forms(f) if f.isascii() else [f]
    best = 0.0
    for form in forms:
        a = sound(form)
        if a:
            scale = max(sum(map(_indel, a)), sum(map(_indel, b)))
            best = max(best, 1 - sound_distance(a, b) / scale)
    return best


def by_similarity(query: str, rows: Iterable[Row]) -> list[tuple[str, float]]:
    """(actor id, best similarity of any of its names), most similar first."""
    best: dict[str, float] = {}
    for actor_id, name, _key in set(rows):
        s = similarity(query, name)
        if s > best.get(actor_id, -1.0):
            best[actor_id] = s
    return sorted(best.items(), key=lambda x: (-x[1], x[0]))


def clear_winner(ranked: list[tuple[str, float]], floor: float = MIN_SIMILARITY) -> str | None:
    if not ranked or ranked[0][1] < floor:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < CLEAR_MARGIN:
        return None
    return ranked[0][0]
