"""Names across scripts: katakana → Hepburn romaji, one phonetic key, and lookup by key.

English queries (``Peskov``, ``peskow``) must find katakana names (ペスコフ), also for
people who are not in the gazetteer. Edit distance on plain romaji does not work
(Waltz lands nearer バンス than ウォルツ), so both sides are reduced to a coarse
consonant skeleton first (see notes/japanese-nlp.md): the katakana is romanised,
then English and romaji go through the same normaliser.

Kanji names have no romanisation here; their key is the name itself, and the
pipeline stores the dictionary reading (katakana) of a kanji name as an extra name,
so ``kishida`` still finds 岸田.

Romanisation and keys live in :mod:`bot.nlp.romaji`, the vowel-aware comparison in
:mod:`bot.nlp.name_sound`; this module ranks candidates and is what callers import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.nlp.name_sound import (
    CLEAR_MARGIN,
    EXACT_MIN,
    MAX_COMPARED,
    MIN_SIMILARITY,
    NEAR_MIN,
    Row,
    by_similarity,
    clear_winner,
    similarity,
    sound,
    sound_distance,
)
from bot.nlp.romaji import (
    fold,
    hepburn,
    is_katakana_name,
    latin_key,
    name_key,
    query_keys,
    romanize_name,
    spelling_forms,
)

__all__ = [
    "CLEAR_MARGIN", "EXACT_MIN", "MAX_COMPARED", "MIN_SIMILARITY", "NEAR_MIN", "Match", "Row",
    "build_index", "edit_distance", "fold", "hepburn", "is_katakana_name", "name_key",
    "name_parts", "name_variants", "query_keys", "rank", "resolve", "romanize_name",
    "similarity", "sound", "sound_distance", "spelled", "spelling_forms",
]  # fmt: skip


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        best = i
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            cur.append(v)
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def name_variants(name: str) -> list[str]:
    """The lookup forms of one name: the whole name and its last part (surname).

    ``Dmitry Peskov`` → [``Dmitry Peskov``, ``Peskov``]; ``マーク・フォーゲル`` →
    [``マーク・フォーゲル``, ``フォーゲル``]. Kanji names are kept whole.
    """
    name = name.strip()
    if not name:
        return []
    out = [name]
    parts = name_parts(name)
    if len(parts) > 1:
        out.append(parts[-1])
    return out


@dataclass(slots=True)
class Match:
    """The outcome of resolving a query: found (one id), ambiguous (ids) or unknown."""

    status: str  # "found" | "ambiguous" | "unknown"
    ids: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def spelled(name: str) -> str:
    """A name as plain lowercase letters: Latin folded, katakana romanised."""
    f = fold(name)
    if is_katakana_name(f):
        f = hepburn(f)
    return re.sub(r"[^a-z]", "", f) if f.isascii() else re.sub(r"[\s・=＝]", "", f)


def rank(query: str, exact: Iterable[Row], near: Iterable[Row]) -> Match:
    """Decide from the rows whose key is one of the query's keys (``exact``) and
    other rows with similar keys (``near``).

    Exact key: one actor is found; among several, the one that sounds clearly
    closest to the query wins (Aliyev → アリエフ over ルビオ, both ``rb``), else
    they are ambiguous. Otherwise the nearest keys (distance ≤ 2) are compared
    by sound: the clearly closest actor is found if it is similar enough
    (Tshisekedi ~ チセケディ), never a look-alike key with a different sound
    (Xyzzyqwv ≠ ペスコフ). Anything else is unknown, with the nearest actors as
    suggestions.
    """
    keys = query_keys(query)
    if not keys:
        return Match("unknown")
    key = keys[0]
    want = spelled(query)
    exact = list(exact)
    ids = sorted({r[0] for r in exact})
    ranked = by_similarity(query, exact)
    if ids and sound(query) and any(sound(r[1]) for r in exact):
        # A shared key alone is weak evidence (Johnson and ナツノ are both ``snsn``).
        floor = EXACT_MIN if exact[0][2] == key else NEAR_MIN
        ranked = [(i, s) for i, s in ranked if s >= floor]
        if not ranked:
            return Match("unknown", suggestions=ids[:5])
        exact = [r for r in exact if r[0] in dict(ranked)]
        ids = sorted(dict(ranked))
    if len(ids) == 1 and (len(key) > 2 or _spelled_near(want, exact)):
        return Match("found", ids)
    if len(ids) == 1:
        return Match("unknown", suggestions=ids)
    if ids:
        pick = clear_winner(ranked) or _closest_spelling(want, exact)
        return Match("found", [pick]) if pick else Match("ambiguous", ids)
    best: dict[str, int] = {}
    rows: list[Row] = []
    key_distance: dict[str, int] = {}
    # A cheap pre-order among equally near keys: same first sound, similar length.
    heard = sound(query)
    shape: dict[str, int] = {}
    for row in near:
        d = key_distance.get(row[2], -1)
        if d < 0:
            d = key_distance[row[2]] = min(edit_distance(k, row[2], 3) for k in keys)
        if d <= 3:
            rows.append(row)
            if d < best.get(row[0], 99):
                best[row[0]] = d
            other = sound(row[1])
            if heard and other:
                guess = abs(len(other) - len(heard)) + 3 * (other[0] != heard[0])
                shape[row[0]] = min(guess, shape.get(row[0], 99))
    # Sounds are compared only for the few nearest actors (the cost is per row).
    nearest = sorted(best, key=lambda i: (best[i], shape.get(i, 99), i))[:MAX_COMPARED]
    close_ids = {i for i in nearest if best[i] <= 2} if len(key) >= 3 else set()
    ranked = by_similarity(query, [r for r in rows if r[0] in close_ids])
    pick = clear_winner(ranked, NEAR_MIN)
    if pick is not None:
        return Match("found", [pick])
    tied = [i for i, s in ranked if s >= NEAR_MIN and ranked[0][1] - s < CLEAR_MARGIN]
    if len(tied) > 1:
        return Match("ambiguous", tied)
    sims = dict(by_similarity(query, [r for r in rows if r[0] in set(nearest)]))
    order = sorted(best.items(), key=lambda x: (x[1], -sims.get(x[0], 0.0), x[0]))
    return Match("unknown", suggestions=[i for i, _ in order[:5]])


def _spelled_near(want: str, rows: Iterable[Row]) -> bool:
    """Short keys (Xi → ``ks``, which アカザワ also has) match too much: also ask
    that the name starts with the same kind of sound (Xi ≠ Akazawa, White = ホワイト)."""
    onset = _onset(want)
    return any(_onset(spelled(name)) == onset for _i, name, _k in rows)


def _onset(word: str) -> str:
    w = re.sub(r"^[why]+", "", word)
    if not w:
        return ""
    if w[0] in "aeiou":
        return "V"
    return latin_key(w)[:1]


def _closest_spelling(want: str, rows: Iterable[Row]) -> str | None:
    """The actor whose name is spelled closest to ``want``, if clearly closest."""
    dist: dict[str, int] = {}
    for actor_id, name, _key in rows:
        d = edit_distance(want, spelled(name), 8)
        if d < dist.get(actor_id, 99):
            dist[actor_id] = d
    ranked = sorted(dist.items(), key=lambda x: (x[1], x[0]))
    if len(ranked) >= 2 and ranked[0][1] < ranked[1][1] and ranked[0][1] <= max(2, len(want) // 2):
        return ranked[0][0]
    return ranked[0][0] if len(ranked) == 1 else None


def name_parts(name: str) -> list[str]:
    """The words of a name (``Félix Tshisekedi``, ``ティム・スウィーニー``)."""
    return [p for p in re.split(r"[\s・=＝]+", name.strip()) if p]


def resolve(query: str, index: Mapping[str, Iterable[tuple[str, str]]]) -> Match:
    """Resolve ``query`` against an in-memory index: key → [(actor id, name)].

    A full name that is not found as a whole is tried by its surname (articles
    often give only チセケディ for Félix Tshisekedi).
    """
    match = _resolve(query, index)
    parts = name_parts(query)
    if match.status != "found" and len(parts) > 1:
        by_surname = _resolve(parts[-1], index)
        if by_surname.status == "found":
            return by_surname
    return match


def _resolve(query: str, index: Mapping[str, Iterable[tuple[str, str]]]) -> Match:
    keys = query_keys(query)
    if not keys:
        return Match("unknown")
    exact = [(i, n, k) for k in keys[:1] for i, n in index.get(k, ())]
    if not exact:
        exact = [(i, n, k) for k in keys[1:] for i, n in index.get(k, ())]
    near = [
        (i, n, k)
        for k, rows in index.items()
        if k not in keys and abs(len(k) - len(keys[0])) <= 3
        for i, n in rows
    ]
    if exact:
        match = rank(query, exact, [])
        if match.status != "unknown":
            return match
    return rank(query, [], [*exact, *near])


def build_index(names: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """key → [(actor id, name)] for (actor id, name) pairs, with surname variants."""
    index: dict[str, list[tuple[str, str]]] = {}
    for actor_id, name in names:
        for variant in name_variants(name):
            k = name_key(variant)
            if k and (actor_id, variant) not in index.get(k, []):
                index.setdefault(k, []).append((actor_id, variant))
    return index
