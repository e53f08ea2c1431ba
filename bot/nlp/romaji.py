"""Katakana → Hepburn romaji, folding of queries, and the coarse phonetic key.

The key (see notes/japanese-nlp.md) is a consonant skeleton shared by English and
romanised katakana: ``Peskov`` and ペスコフ both become ``pskb``. It is what lookups
are indexed by; :mod:`bot.nlp.name_sound` decides among the rows a key reaches.
"""

from __future__ import annotations

import re
import unicodedata
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


def latin_key(s: str) -> str:
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
    joined = "".join(latin_key(w) for w in words)
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
        for form in spelling_forms(f)[1:]:
            alt = name_key(form)
            if alt and alt not in keys:
                keys.append(alt)
    return [k for k in keys if k]


def spelling_forms(f: str) -> list[str]:
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
