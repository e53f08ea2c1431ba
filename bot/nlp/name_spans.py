"""Where a person's name is in the tokens: curated forms, katakana runs, kanji names.

A run of katakana or 人名 tokens is a person when the words around it say so: an
honorific or title after it (トランプ氏, ヘグセス米国防長官), a ・-joined name with a
人名 part (フィル・ミケルソン), a kanji 姓 + 名 pair (石破茂), a written reading and a
title (尹錫悦(ユン・ソンニョル)大統領), or kanji right before 氏 (朴志遠氏). Places,
organisations (ロシア大統領府) and ordinary words (エネルギー相) are not.
"""

from __future__ import annotations

from bot.nlp.gazetteer import Gazetteer, surface_key
from bot.nlp.mention_base import (
    MAX_NAME_TOKENS,
    NOT_PERSONS,
    PLACE_TITLE_STARTS,
    STRONG_TITLES,
    TITLE_KATAKANA,
    Mention,
    boundary_ok,
    choose_entry,
    dot_parts,
    has_context,
    is_kanji,
    is_ordinary,
    read_context,
    single_kanji,
    starts_single,
    surname_of,
    text_of,
    unlisted_id,
)
from bot.nlp.roles import (
    TITLE_HEADS,
    Title,
    role_before,
    title_after,
    title_head,
)
from bot.nlp.tokenizer import Token


def gazetteer_at(tokens: tuple[Token, ...], i: int, gaz: Gazetteer) -> tuple[int, Mention | None]:
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
        if key in gaz.by_surface and boundary_ok(tokens, i, j + 1):
            best = (j + 1, key)
    if best is None:
        return i, None
    end, key = best
    m = Mention(key="", start=i, end=end, sentence=sentence, surface=text_of(tokens, i, end))
    read_context(tokens, m)
    ordinary = end - i == 1 and is_ordinary(tokens[i])
    m.weak = (key in gaz.weak or ordinary) and not has_context(m)
    choose_entry(m, gaz.by_surface[key])
    return end, m


def span_at(
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
        and is_kanji(tok.surface)
    ):
        return _cjk_span(tokens, i)
    if tok.pos1 == "名詞" and is_kanji(tok.surface):
        return _kanji_before_shi(tokens, i)
    return i + 1, None


NOT_NAMES_BEFORE_SHI = frozenset({"同", "両", "各", "諸", "源", "平", "某", "故", "貴", "彼"})


def _kanji_before_shi(tokens: tuple[Token, ...], i: int) -> tuple[int, Mention | None]:
    """朴志遠氏: kanji the dictionary does not know as a name, right before 氏."""
    if i > 0 and tokens[i - 1].pos1 == "名詞" and is_kanji(tokens[i - 1].surface):
        return i + 1, None  # inside a longer compound
    for e in range(i + 1, min(len(tokens), i + 4)):
        if tokens[e].surface == "氏":
            name = tokens[i:e]
            chars = sum(len(t.surface) for t in name)
            if (
                2 <= chars <= 4
                and all(t.pos1 in ("名詞", "接尾辞") and is_kanji(t.surface) for t in name)
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
        if not is_kanji(tokens[e].surface):
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
            is_ordinary(tok)
            and tok.surface not in gaz.by_surface
            and title_after(tokens, run_end) is None
        ):
            return run_end, None
    while j > i + 1 and tokens[j - 1].surface == "・":
        j -= 1
    parts = dot_parts(tokens, i, j)
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
        read_context(tokens, m)
    else:
        m.prefix_role, m.affiliation = role_before(tokens, m.start)
    if m.title is None and j < run_end:
        m.title = _inner_title(tokens, j, run_end)
    surname = surname_of(m.surface)
    last_key = surface_key(surname)
    entries = gaz.by_surface.get(key) or gaz.by_surface.get(last_key)
    if entries:
        choose_entry(m, entries)
        m.weak = last_key in gaz.weak and "・" not in m.surface and not has_context(m)
        return run_end, m
    if not _is_person(tokens, m, parts):
        return run_end, None
    m.key = unlisted_id(surname)
    return run_end, m


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
        if single_word and is_ordinary(name[0]):
            # トランプ大統領 yes, エネルギー相 / チーム代表 no.
            return title_head(title.text) in STRONG_TITLES or title.country is not None
        return True
    if "・" in m.surface and any(t.is_person_name for t in name):
        return True
    return m.prefix_role is not None and not (single_word and is_ordinary(name[0]))


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
        if e > len(tokens) or not all(single_kanji(t) for t in tokens[j:e]):
            break
        t = title_after(tokens, e)
        if t is not None and (t.honorific or not starts_single(tokens, e)):
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
                2 <= chars <= 4 and all(is_kanji(t.surface) and t.pos1 == "名詞" for t in name)
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
