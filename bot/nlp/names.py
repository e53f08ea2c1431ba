"""Names across scripts: katakana → Hepburn romaji, one phonetic key, and lookup by key.

English queries (``Peskov``, ``peskow``) must find katakana names (ペスコフ), also for
people who are not in the gazetteer. Edit distance on plain romaji does not work
(Waltz lands nearer バンス than ウォルツ), so both sides are reduced to a coarse
consonant skeleton first (see notes/japanese-nlp.md): the katakana is romanised,
then English and romaji go through the same normaliser.

Kanji names have no romanisation here; their key is the name itself, and the
pipeline stores the dictionary reading (katakana) of a kanji name as an extra name,
so ``kishida`` still finds 岸田.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

# Hepburn for katakana. Two-character combinations first, then single characters.
_DIGRAPHS = {
    "キャ": "kya", "キュ": "kyu", "キョ": "kyo", "シャ": "sha", "シュ": "shu", "ショ": "sho",
    "チャ": "cha", "チュ": "chu", "チョ": "cho", "ニャ": "nya", "ニュ": "nyu", "ニョ": "nyo",
    "ヒャ": "hya", "ヒュ": "hyu", "ヒョ": "hyo", "ミャ": "mya", "ミュ": "myu", "ミョ": "myo",
    "リャ": "rya", "リュ": "ryu", "リョ": "ryo", "ギャ": "gya", "ギュ": "gyu", "ギョ": "gyo",
    "ジャ": "ja", "ジュ": "ju", "ジョ": "jo", "ビャ": "bya", "ビュ": "byu", "ビョ": "byo",
    "ピャ": "pya", "ピュ": "pyu", "ピョ": "pyo", "ヂャ": "ja", "ヂュ": "ju", "ヂョ": "jo",
    "シェ": "she", "ジェ": "je", "チェ": "che", "ティ": "ti", "ディ": "di", "トゥ": "tu",
    "ドゥ": "du", "テュ": "tyu", "デュ": "dyu", "ツァ": "tsa", "ツィ": "tsi", "ツェ": "tse",
    "ツォ": "tso", "ファ": "fa", "フィ": "fi", "フェ": "fe", "フォ": "fo", "フュ": "fyu",
    "ウィ": "wi", "ウェ": "we", "ウォ": "wo", "ヴァ": "va", "ヴィ": "vi", "ヴェ": "ve",
    "ヴォ": "vo", "ヴュ": "vyu", "クァ": "kwa", "クィ": "kwi", "クェ": "kwe", "クォ": "kwo",
    "グァ": "gwa", "イェ": "ye", "スィ": "si", "ズィ": "zi", "キェ": "kye", "ニェ": "nye",
    "ミェ": "mye", "リェ": "rye", "ヒェ": "hye", "ビェ": "bye", "ピェ": "pye", "ギェ": "gye",
}  # fmt: skip
_MONO = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ン": "n", "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o",
    "ャ": "ya", "ュ": "yu", "ョ": "yo", "ヮ": "wa",
}  # fmt: skip
_SEPARATORS = "・=＝ 　"


def is_katakana_name(s: str) -> bool:
    return bool(s) and all(("ァ" <= c <= "ヺ") or c in "ー・=＝ 　" for c in s)


def hepburn(kana: str, *, for_key: bool = False) -> str:
    """Romanise a katakana string (lowercase Hepburn; ・ becomes a space).

    Hiragana is converted to katakana first. Characters that are not kana are
    kept as they are. With ``for_key``, ッハ is written ``ch`` (German ch, as in
    シュタインブレッハー) for the phonetic key.
    """
    return _hepburn(kana, for_key)


@lru_cache(maxsize=65536)
def _hepburn(kana: str, for_key: bool) -> str:
    kana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in kana)
    out: list[str] = []
    i = 0
    n = len(kana)
    double_next = False
    while i < n:
        c = kana[i]
        if c in _SEPARATORS:
            out.append(" ")
            i += 1
            continue
        if c == "ッ":
            double_next = True
            i += 1
            continue
        if c == "ー":
            i += 1  # long vowels are not written in names (ゼレンスキー → zerensuki)
            continue
        syl = _DIGRAPHS.get(kana[i : i + 2])
        if syl is not None:
            i += 2
        else:
            syl = _MONO.get(c, c)
            i += 1
        if double_next and for_key and syl[:1] == "h":
            syl = "ch" + syl[1:]  # ッハ is German ch (シュタインブレッハー ~ Steinbrecher)
        elif double_next and syl and syl[0] not in "aeiou":
            syl = ("t" if syl.startswith("ch") else syl[0]) + syl
        double_next = False
        out.append(syl)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def romanize_name(name: str) -> str:
    """A best-effort English spelling of a katakana name (マーク・フォーゲル → Maku Fogeru)."""
    if not is_katakana_name(name):
        return name
    parts = hepburn(name).replace("ou", "o").replace("uu", "u").split()
    return " ".join(p.capitalize() for p in parts)


def fold(text: str) -> str:
    """NFKC, lowercase, accents stripped from Latin letters (Sánchez → sanchez),
    hiragana as katakana (ぺすこふ → ペスコフ); kana voicing marks are kept."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    out: list[str] = []
    for c in text:
        if "ぁ" <= c <= "ゖ":
            out.append(chr(ord(c) + 0x60))
        elif ord(c) < 0x250:
            out.append(
                "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))
            )
        else:
            out.append(c)
    return "".join(out)


_DIGRAPH_SUBS = (
    ("kh", "h"),
    ("tch", "t"),
    ("sch", "s"),
    ("ch", "t"),
    ("sh", "s"),
    ("th", "s"),
    ("ph", "f"),
    ("ck", "k"),
)
_LETTER_SUBS = (
    ("x", "ks"),
    ("q", "k"),
    ("j", "s"),
    ("z", "s"),
    ("ts", "s"),
    ("ds", "s"),
    ("l", "r"),
    ("v", "b"),
    ("f", "b"),
    ("w", ""),
    ("y", ""),
)


def _latin_key(s: str) -> str:
    s = re.sub(r"(?<=[aeo])w$", "v", s)  # Peskow, Romanow: German/Polish -ow = -ov
    for a, b in _DIGRAPH_SUBS:
        s = s.replace(a, b)
    s = re.sub(r"c(?=[eiy])", "s", s)
    s = s.replace("c", "k")
    for a, b in _LETTER_SUBS:
        s = s.replace(a, b)
    s = re.sub(r"n(?=[pb])", "m", s)
    s = re.sub(r"(?<=.)h", "", s)  # h is silent or aspirated except at the start (Johnson)
    s = re.sub(r"[aeiou]", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The phonetic key of a name in any script.

    Katakana and Latin names reduce to a consonant skeleton (ペスコフ, Peskov,
    peskow → ``pskb``); anything else (kanji) keys to its folded self.
    """
    f = fold(name)
    if not f:
        return ""
    if is_katakana_name(f):
        f = hepburn(f, for_key=True)
    letters = re.sub(r"[^a-z]", "", f)
    if not letters or len(letters) < len(re.sub(r"[\s\-'.・]", "", f)):
        # Not (only) Latin letters: kanji, hangul, mixed. Compare as written.
        return re.sub(r"[\s・=＝]", "", f)
    words = re.findall(r"[a-z]+", f)
    joined = "".join(_latin_key(w) for w in words)
    if not joined:
        # Only vowels, w and y (Iwaya イワヤ, Ai): the skeleton is empty, so the
        # spelling itself is the key, marked so that it never meets a skeleton.
        return "~" + "".join(words)
    return re.sub(r"(.)\1+", r"\1", joined)


def query_keys(query: str) -> list[str]:
    """Keys to try for a typed query, best first.

    Katakana follows pronunciation where English spelling does not, so a Latin
    query also tries: without an r after a vowel where katakana writes a long
    vowel (Warmbier ワームビア, Starmer スターマー; but Stoltenberg ストルテンベルグ
    keeps it), and with a silent h after w (Whelan ウィーラン; but White ホワイト).
    """
    keys = [name_key(query)]
    f = fold(query)
    if f.isascii():
        for form in _spelling_forms(f)[1:]:
            alt = name_key(form)
            if alt and alt not in keys:
                keys.append(alt)
    return [k for k in keys if k]


def _spelling_forms(f: str) -> list[str]:
    """A folded Latin query and how katakana may have heard it, the query first.

    Besides the r and wh habits (see :func:`query_keys`): Polish/German w between
    vowels is v (Nawrocki ナブロツキ), -cki is -tski, tsh is ch (Tshisekedi チセケディ)
    and Arabic kh is often written with フ (Khulaifi フライフィ).
    """
    forms = {f}
    forms |= {re.sub(r"(?<=[aeiou])r(?=[^aeiou]|$)", "", x) for x in forms}
    forms |= {x.replace("wh", "w") for x in forms}
    forms |= {re.sub(r"(?<=[aeiou])w(?=[aeiour])", "v", x) for x in forms}
    forms |= {re.sub(r"ck(?=[iy]\b)", "tsk", x) for x in forms}
    forms |= {x.replace("tsh", "ch") for x in forms}
    forms |= {x.replace("kh", "f") for x in forms}
    return [f, *sorted(forms - {f})]


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
    forms = _spelling_forms(f) if f.isascii() else [f]
    best = 0.0
    for form in forms:
        a = sound(form)
        if a:
            scale = max(sum(map(_indel, a)), sum(map(_indel, b)))
            best = max(best, 1 - sound_distance(a, b) / scale)
    return best


def _by_similarity(query: str, rows: Iterable[Row]) -> list[tuple[str, float]]:
    """(actor id, best similarity of any of its names), most similar first."""
    best: dict[str, float] = {}
    for actor_id, name, _key in set(rows):
        s = similarity(query, name)
        if s > best.get(actor_id, -1.0):
            best[actor_id] = s
    return sorted(best.items(), key=lambda x: (-x[1], x[0]))


def _clear_winner(ranked: list[tuple[str, float]], floor: float = MIN_SIMILARITY) -> str | None:
    if not ranked or ranked[0][1] < floor:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < CLEAR_MARGIN:
        return None
    return ranked[0][0]


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


Row = tuple[str, str, str]
"""(actor id, name, key) as stored in ``actor_names``."""


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
    ranked = _by_similarity(query, exact)
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
        pick = _clear_winner(ranked) or _closest_spelling(want, exact)
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
    ranked = _by_similarity(query, [r for r in rows if r[0] in close_ids])
    pick = _clear_winner(ranked, NEAR_MIN)
    if pick is not None:
        return Match("found", [pick])
    tied = [i for i, s in ranked if s >= NEAR_MIN and ranked[0][1] - s < CLEAR_MARGIN]
    if len(tied) > 1:
        return Match("ambiguous", tied)
    sims = dict(_by_similarity(query, [r for r in rows if r[0] in set(nearest)]))
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
    return _latin_key(w)[:1]


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
