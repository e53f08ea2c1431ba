"""Person mentions in one tokenised article.

A few linear passes over the tokens:

1. names: gazetteer forms (one dict lookup per token window), and runs of katakana
   or 人名 tokens that the context makes a person: an honorific or title after
   (トランプ氏, ヘグセス米国防長官), a ・-joined name with a 人名 part
   (フィル・ミケルソン), a kanji 姓 + 名 pair (石破茂), a role before (教師…);
2. anaphors: 同氏, 同大統領 → the nearest earlier person (with that title);
3. bare surnames of people established in pass 1 (カレリナ, トランプ without 氏).

Places, organisations (ロシア大統領府) and the byline reporter are never persons.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from bot.models import Article
from bot.nlp.gazetteer import Entry, Gazetteer, surface_key
from bot.nlp.names import hepburn
from bot.nlp.roles import (
    TITLE_HEADS,
    Title,
    role_before,
    title_after,
    title_head,
)
from bot.nlp.tokenizer import Document, Token

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


def quote_mask(tokens: tuple[Token, ...]) -> list[bool]:
    """True for tokens inside 「」 (brackets included); depth resets each sentence."""
    mask = [False] * len(tokens)
    marks = positions(tokens, "「", "」")
    depth = 0
    sentence = -1
    open_at = 0
    for i in marks:
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
                mask[open_at : i + 1] = [True] * (i + 1 - open_at)
    if depth:  # unclosed at the end of its sentence: up to that sentence's end
        j = open_at
        while j < len(tokens) and tokens[j].sentence == sentence:
            mask[j] = True
            j += 1
    return mask


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
            end, m = _gazetteer_at(tokens, i, gazetteer)
        if m is None and end == i:
            end, m = _span_at(tokens, i, gazetteer, parens)
        if m is not None and not (byline and _is_byline(m.surface, byline)):
            m.in_quote = inq[m.start]
            found.append(m)
        i = max(end, i + 1)
    _resolve_entries(found)
    _merge_kanji_surnames(found)
    confirmed = {m.key for m in found if not m.weak and not m.candidates}
    found = [m for m in found if m.key in confirmed and not m.candidates]
    found.extend(_surnames(tokens, inq, found))
    found.sort(key=lambda m: m.start)
    if "同" in doc.text:
        found.extend(_anaphors(tokens, inq, found))
    found.extend(_title_refs(tokens, inq, found))
    found.sort(key=lambda m: m.start)
    return found


def _is_byline(surface: str, byline: str) -> bool:
    key = surface_key(surface)
    return bool(key) and (key in byline or byline in key)


def text_of(tokens: tuple[Token, ...], i: int, j: int) -> str:
    return "".join(t.surface for t in tokens[i:j])


def _boundary_ok(tokens: tuple[Token, ...], i: int, j: int) -> bool:
    """The name tokens[i:j] is not part of a longer katakana word or ・ chain."""
    if i > 0 and (tokens[i - 1].is_katakana or tokens[i - 1].surface == "・"):
        return False
    return not (j < len(tokens) and (tokens[j].is_katakana or tokens[j].surface == "・"))


def _gazetteer_at(tokens: tuple[Token, ...], i: int, gaz: Gazetteer) -> tuple[int, Mention | None]:
    if not gaz.by_surface or tokens[i].pos1 not in ("名詞", "接頭辞"):
        return i, None
    sentence = tokens[i].sentence
    prefixes = gaz.prefixes
    key = ""
    best: tuple[int, str] | None = None
    for j in range(i, min(len(tokens), i + MAX_NAME_TOKENS)):
        if tokens[j].sentence != sentence:
            break
        key += surface_key(tokens[j].surface)
        if key not in prefixes:
            break
        if key in gaz.by_surface and _boundary_ok(tokens, i, j + 1):
            best = (j + 1, key)
    if best is None:
        return i, None
    end, key = best
    m = Mention(key="", start=i, end=end, sentence=sentence, surface=text_of(tokens, i, end))
    _context(tokens, m)
    ordinary = end - i == 1 and _is_ordinary(tokens[i])
    m.weak = (key in gaz.weak or ordinary) and not _has_context(m)
    _choose_entry(m, gaz.by_surface[key])
    return end, m


def _context(tokens: tuple[Token, ...], m: Mention) -> None:
    m.title = title_after(tokens, m.end)
    m.prefix_role, m.affiliation = role_before(tokens, m.start)


def _has_context(m: Mention) -> bool:
    return m.title is not None or m.prefix_role is not None


def _choose_entry(m: Mention, entries: list[Entry]) -> None:
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


def _resolve_entries(found: list[Mention]) -> None:
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


def _is_ordinary(tok: Token) -> bool:
    """A dictionary word that is not a name (エネルギー, トランプ the card game)."""
    return bool(tok.reading) and not tok.is_person_name and tok.surface != "・"


def _parts(tokens: tuple[Token, ...], i: int, j: int) -> list[tuple[int, int]]:
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


def _span_at(
    tokens: tuple[Token, ...], i: int, gaz: Gazetteer, parens: set[int]
) -> tuple[int, Mention | None]:
    tok = tokens[i]
    first = tok.surface[0]
    if "ァ" <= first <= "ヺ" and tok.is_katakana:
        return _katakana_span(tokens, i, gaz)
    if tok.pos3 == "人名" and tok.pos2 == "固有名詞" and not tok.is_katakana:
        return _kanji_span(tokens, i)
    if (
        tok.pos1 == "名詞"
        and (i + 1 in parens or i + 2 in parens or i + 3 in parens)
        and _is_kanji(tok.surface)
    ):
        return _cjk_span(tokens, i)
    if tok.pos1 == "名詞" and _is_kanji(tok.surface):
        return _kanji_before_shi(tokens, i)
    return i + 1, None


NOT_NAMES_BEFORE_SHI = frozenset({"同", "両", "各", "諸", "源", "平", "某", "故", "貴", "彼"})


def _kanji_before_shi(tokens: tuple[Token, ...], i: int) -> tuple[int, Mention | None]:
    """朴志遠氏: kanji the dictionary does not know as a name, right before 氏."""
    if i > 0 and tokens[i - 1].pos1 == "名詞" and _is_kanji(tokens[i - 1].surface):
        return i + 1, None  # inside a longer compound
    for e in range(i + 1, min(len(tokens), i + 4)):
        if tokens[e].surface == "氏":
            name = tokens[i:e]
            chars = sum(len(t.surface) for t in name)
            if (
                2 <= chars <= 4
                and all(t.pos1 in ("名詞", "接尾辞") and _is_kanji(t.surface) for t in name)
                and name[0].surface not in NOT_NAMES_BEFORE_SHI
                and not any(t.is_place for t in name)
            ):
                m = Mention(key="", start=i, end=e, sentence=tokens[i].sentence,
                            surface=text_of(tokens, i, e))  # fmt: skip
                m.title = Title("氏", e + 1, honorific=True)
                m.prefix_role, m.affiliation = role_before(tokens, i)
                m.reading = "".join(t.reading for t in name)
                first = name[0]
                m.key = unlisted_id(first.reading if len(name) > 1 else m.reading, m.surface)
                return e + 1, m
            break
        if not _is_kanji(tokens[e].surface):
            break
    return i + 1, None


def _katakana_span(tokens: tuple[Token, ...], i: int, gaz: Gazetteer) -> tuple[int, Mention | None]:
    sentence = tokens[i].sentence
    j = i
    while j < len(tokens) and tokens[j].is_katakana and tokens[j].sentence == sentence:
        j += 1
    run_end = j
    if run_end == i + 1:
        # One word: the common case (ロシア, エネルギー). Cheap exits before any context.
        tok = tokens[i]
        if tok.is_place or tok.surface in NOT_PERSONS or tok.surface == "・":
            return run_end, None
        if (
            _is_ordinary(tok)
            and tok.surface not in gaz.by_surface
            and title_after(tokens, run_end) is None
        ):
            return run_end, None
    while j > i + 1 and tokens[j - 1].surface == "・":
        j -= 1
    parts = _parts(tokens, i, j)
    m = Mention(key="", start=i, end=j, sentence=sentence, surface=text_of(tokens, i, j))
    if len(parts) >= 2:
        # ジェイ・モナハン・コミッショナー, ベーデノック・ビジネス貿易相: the run ends in a title.
        ls, le = parts[-1]
        last = text_of(tokens, ls, le)
        if last in TITLE_HEADS or (last in TITLE_KATAKANA and title_after(tokens, le) is not None):
            parts = parts[:-1]
            j = parts[-1][1]
            m.end, m.surface = j, text_of(tokens, i, j)
    elif "・" in m.surface:
        # One token holding name and title word: ベーデノック・ビジネス + 貿易相.
        head, _, last = m.surface.rpartition("・")
        if last in TITLE_KATAKANA and title_after(tokens, j) is not None:
            m.surface = head
            m.title = Title(last + title_after(tokens, j).text, title_after(tokens, j).end)
    key = surface_key(m.surface)
    if key in NOT_PERSONS:
        return run_end, None
    if m.title is None:
        _context(tokens, m)
    else:
        m.prefix_role, m.affiliation = role_before(tokens, m.start)
    if m.title is None and j < run_end:
        m.title = _inner_title(tokens, j, run_end)
    surname = surname_of(m.surface)
    last_key = surface_key(surname)
    entries = gaz.by_surface.get(key) or gaz.by_surface.get(last_key)
    if entries:
        _choose_entry(m, entries)
        m.weak = last_key in gaz.weak and "・" not in m.surface and not _has_context(m)
        return run_end, m
    if not _is_person(tokens, m, parts):
        return run_end, None
    m.key = unlisted_id(surname)
    return run_end, m


def surname_of(name: str) -> str:
    """The last ・-separated part of a katakana name (マーク・フォーゲル → フォーゲル)."""
    parts = [p for p in re.split(r"[・=＝]", name) if p]
    return parts[-1] if parts else name


def _inner_title(tokens: tuple[Token, ...], j: int, run_end: int) -> Title | None:
    """The title part of a run like モナハン・コミッショナー or …・ビジネス貿易相."""
    k = j + 1 if j < run_end and tokens[j].surface == "・" else j
    text = text_of(tokens, k, run_end)
    if text in TITLE_HEADS:
        return Title(text, run_end)
    after = title_after(tokens, run_end)
    if after is not None and not after.honorific:
        return Title(text + after.text, after.end)
    return None


def _is_person(tokens: tuple[Token, ...], m: Mention, parts: list[tuple[int, int]]) -> bool:
    name = tokens[m.start : m.end]
    if not name or name[0].is_place or name[-1].is_place:
        return False
    title = m.title
    if title is not None and title.text.startswith(PLACE_TITLE_STARTS):
        return False
    if title is not None and title.honorific:
        return True
    single_word = len(name) == 1 and "・" not in m.surface
    if title is not None:
        if single_word and _is_ordinary(name[0]):
            # トランプ大統領 yes, エネルギー相 / チーム代表 no.
            return title_head(title.text) in STRONG_TITLES or title.country is not None
        return True
    if "・" in m.surface and any(t.is_person_name for t in name):
        return True
    return m.prefix_role is not None and not (single_word and _is_ordinary(name[0]))


def _kanji_span(tokens: tuple[Token, ...], i: int) -> tuple[int, Mention | None]:
    """石破茂首相, 川上量生氏, 尹錫悦(ユン・ソンニョル)大統領, 岸田氏: 人名 kanji tokens,
    plus up to two single kanji of a given name MeCab split off, before a title."""
    sentence = tokens[i].sentence
    j = i
    while (
        j < len(tokens)
        and j - i < 3
        and tokens[j].is_person_name
        and not tokens[j].is_katakana
        and tokens[j].sentence == sentence
    ):
        j += 1
    end, title = j, None
    for e in (j, j + 1, j + 2):
        if e > len(tokens) or not all(_single_kanji(t) for t in tokens[j:e]):
            break
        t = title_after(tokens, e)
        if t is not None and (t.honorific or not _starts_single(tokens, e)):
            end, title = e, t
    m = Mention(key="", start=i, end=end, sentence=sentence, surface=text_of(tokens, i, end))
    m.title = title
    m.prefix_role, m.affiliation = role_before(tokens, i)
    first = tokens[i]
    full = first.pos4 == "姓" and any(t.pos4 == "名" for t in tokens[i + 1 : end])
    if title is not None:
        if title.text.startswith(PLACE_TITLE_STARTS):
            return end, None
    elif not full:
        return end, None
    spoken, after = _paren_reading(tokens, end)
    if spoken:
        # Chinese and Korean names: the reading is written family name first.
        m.reading = spoken
        m.key = unlisted_id(spoken.split("・")[0], m.surface)
        return after, m
    m.reading = "".join(t.reading for t in tokens[i:end])
    surname = first if first.pos4 == "姓" or end - i == 1 else None
    m.key = unlisted_id(
        surname.reading if surname else m.reading, surname.surface if surname else m.surface
    )
    return end, m


def _paren_reading(tokens: tuple[Token, ...], i: int) -> tuple[str, int]:
    """The katakana in 金正恩(キム・ジョンウン) and the index after the ``)``."""
    if i < len(tokens) and tokens[i].surface in "(（":
        j = i + 1
        while j < len(tokens) and (tokens[j].is_katakana or tokens[j].surface == "・"):
            j += 1
        if j > i + 1 and j < len(tokens) and tokens[j].surface in ")）":
            return text_of(tokens, i + 1, j), j + 1
    return "", i


def _cjk_span(tokens: tuple[Token, ...], i: int) -> tuple[int, Mention | None]:
    """尹錫悦(ユン・ソンニョル)大統領: kanji, its katakana reading, a title."""
    for e in range(i + 1, min(len(tokens), i + 4)):
        if tokens[e].surface in "(（":
            name = tokens[i:e]
            chars = sum(len(t.surface) for t in name)
            if not (
                2 <= chars <= 4 and all(_is_kanji(t.surface) and t.pos1 == "名詞" for t in name)
            ):
                return i + 1, None
            spoken, after = _paren_reading(tokens, e)
            title = title_after(tokens, e) if spoken else None
            if title is None or title.text.startswith(PLACE_TITLE_STARTS):
                return i + 1, None
            m = Mention(key="", start=i, end=e, sentence=tokens[i].sentence,
                        surface=text_of(tokens, i, e), title=title, reading=spoken)  # fmt: skip
            m.prefix_role, m.affiliation = role_before(tokens, i)
            m.key = unlisted_id(spoken.split("・")[0], m.surface)
            return after, m
    return i + 1, None


def _merge_kanji_surnames(found: list[Mention]) -> None:
    """金正恩氏 and 金正恩(キム・ジョンウン)総書記, then 金氏: one person.

    Identical kanji names share the key of the best-read one (a written reading
    beats the dictionary's guess); a short form takes the key of a full name
    it begins.
    """
    kanji = [m for m in found if m.entry is None and _is_kanji(m.surface)]
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


def _is_kanji(text: str) -> bool:
    return bool(text) and all("一" <= c <= "龥" or c in "々" for c in text)


def _starts_single(tokens: tuple[Token, ...], j: int) -> bool:
    return j < len(tokens) and _single_kanji(tokens[j])


def _single_kanji(tok: Token) -> bool:
    return len(tok.surface) == 1 and tok.pos1 in ("名詞", "接尾辞") and "一" <= tok.surface <= "龥"


def unlisted_id(kana: str, fallback: str = "") -> str:
    """Stable id of a person not in the gazetteer: ``x-`` + romanised surname."""
    slug = re.sub(r"[^a-z0-9]+", "-", hepburn(kana).lower()).strip("-")
    if slug and slug.isascii():
        return "x-" + slug
    return "x-" + hashlib.sha1((fallback or kana).encode("utf-8")).hexdigest()[:10]


def _surnames(tokens: tuple[Token, ...], inq: list[bool], found: list[Mention]) -> list[Mention]:
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
            if src is not None and _boundary_ok(tokens, i, j + 1):
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


def _anaphors(tokens: tuple[Token, ...], inq: list[bool], found: list[Mention]) -> list[Mention]:
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


def _title_refs(tokens: tuple[Token, ...], inq: list[bool], found: list[Mention]) -> list[Mention]:
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
