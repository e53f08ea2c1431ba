"""Titles, roles and affiliations from the words around a name.

Japanese news writes a person as ``[affiliation の] [prefix role] NAME [modifiers] TITLE``:
ロシアのペスコフ大統領報道官, ヘグセス米国防長官, ウィットコフ中東担当特使,
取締役の川上量生氏, 教師マーク・フォーゲル氏. The title after the name is the
strongest evidence that a word is a person at all (ロシア大統領府 is not: the
compound goes on after 大統領), so the same code decides both.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlp.tokenizer import Token

HONORIFICS = frozenset({"氏", "さん", "様", "君", "容疑者", "被告", "受刑者", "元被告"})
"""Words after a name that make it a person but say nothing about a role."""

TITLE_HEADS: tuple[str, ...] = tuple(
    sorted(
        {
            "大統領", "首相", "長官", "報道官", "補佐官", "特使", "外相", "国防相", "相",
            "大臣", "事務総長", "総長", "団長", "総裁", "会長", "社長", "議長", "知事",
            "司令官", "局長", "記者", "総書記", "主席", "書記", "皇太子", "国王", "首長",
            "代表", "次官", "議員", "大使", "委員長", "幹事長", "党首", "市長", "教皇",
            "最高指導者", "指導者", "書記長", "外交官", "大将", "中将", "少将", "総主教",
            "元首", "首脳", "総督", "理事長", "頭取", "監督", "選手", "コミッショナー",
            "代行", "代理", "等兵", "兵長", "軍曹", "司令", "参謀", "報道担当", "広報官",
            "顧問", "高官", "官房長官", "議会議長", "検事総長", "判事", "大主教", "特別代表",
            "代表団", "団員", "取締役", "CEO", "最高経営責任者", "創業者", "活動家",
            "教師", "教授", "隊員", "富豪", "実業家", "商人", "弁護士", "将軍", "司祭",
            "王子", "女王", "王妃", "首席", "副首席", "上級代表", "委員", "事務局長",
            "大臣補佐官", "報道局長", "剣士", "作家", "俳優", "歌手", "研究員", "職員",
            "部長", "室長", "次長", "所長", "院長", "会頭", "主任", "指揮官", "司令長官",
            "幹部", "元高官", "検事", "裁判官", "州知事", "副知事", "知事代行",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

NOT_A_TITLE_END = frozenset({"様相", "真相", "世相", "手相", "人相", "血相", "滋賀相"})

# A title word followed by one of these is the head of an organisation's name
# (ロシア大統領府, 首相官邸, 大統領選), not a person's title.
ORG_CONTINUATIONS = frozenset(
    {
        "府", "官邸", "選", "室", "令", "職", "制", "権", "庁", "省", "部", "局", "団",
        "会議", "選挙", "陣営", "政権", "報道", "夫人", "経験", "就任", "専用", "機",
        "公邸", "官房", "補佐", "候補", "派", "任期", "警護",
    }
)  # fmt: skip

# Short prefixes that stand for a country inside a role (ルビオ米国務長官).
COUNTRY_PREFIXES = {
    "米": "米国", "露": "ロシア", "ロ": "ロシア", "英": "英国", "仏": "フランス",
    "独": "ドイツ", "中": "中国", "韓": "韓国", "朝": "北朝鮮", "日": "日本",
    "宇": "ウクライナ", "EU": "EU", "NATO": "NATO",
}  # fmt: skip
NOT_COUNTRY_PREFIXES = ("中東", "中央", "中部", "中長期", "中期", "独立", "独自", "日程", "英語")

MODIFIER_POS1 = frozenset({"名詞", "接頭辞", "接尾辞"})
MAX_MODIFIERS = 7


@dataclass(frozen=True, slots=True)
class Title:
    """A title phrase after a name: ``text`` as written, ``end`` = index after it."""

    text: str
    end: int
    honorific: bool = False

    @property
    def country(self) -> str | None:
        if self.text.startswith(NOT_COUNTRY_PREFIXES):
            return None
        for prefix in sorted(COUNTRY_PREFIXES, key=len, reverse=True):
            if self.text.startswith(prefix) and len(self.text) > len(prefix):
                return COUNTRY_PREFIXES[prefix]
        return None


_HEADS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _head in TITLE_HEADS:  # longest first, as in TITLE_HEADS
    _HEADS_BY_LAST[_head[-1]] = (*_HEADS_BY_LAST.get(_head[-1], ()), _head)


def title_head(text: str) -> str | None:
    """The title word ``text`` ends with (長官 for 米国防長官), or None."""
    if not text:
        return None
    for head in _HEADS_BY_LAST.get(text[-1], ()):
        if text.endswith(head):
            if any(text.endswith(x) for x in NOT_A_TITLE_END):
                return None
            return head
    return None


def _is_modifier(tok: Token) -> bool:
    if tok.pos1 in MODIFIER_POS1 and tok.pos2 != "代名詞":
        return tok.surface not in HONORIFICS and tok.surface not in {"ら", "など", "等"}
    return False


def _skip_paren(tokens: tuple[Token, ...], i: int, limit: int = 12) -> int:
    """Index after a parenthesised group starting at ``i`` (or ``i`` if none)."""
    if i < len(tokens) and tokens[i].surface in "(（":
        for j in range(i + 1, min(len(tokens), i + limit)):
            if tokens[j].surface in ")）":
                return j + 1
            if tokens[j].surface in "。「」":
                break
    return i


def title_after(tokens: tuple[Token, ...], i: int) -> Title | None:
    """The title phrase starting at token ``i`` (right after a name), if any.

    Accepts an honorific (氏, さん), or up to a few nouns ending in a title word
    (米国防長官, 中東担当特使, 大統領補佐官), optionally with a parenthesised
    note inside or after (通商代表部(USTR)代表, 補佐官(国家安全保障担当)).
    A title that runs on into an organisation word (大統領府) is rejected.
    """
    n = len(tokens)
    if i >= n:
        return None
    first = tokens[i]
    if first.pos1 not in MODIFIER_POS1 and first.surface not in "(（":
        return None  # a particle, a verb, punctuation: no title here (the usual case)
    sentence = first.sentence
    i = _skip_paren(tokens, i) if _reading_in_parens(tokens, i) else i
    if i >= n:
        return None
    if tokens[i].surface in HONORIFICS:
        return Title(tokens[i].surface, i + 1, honorific=True)
    best: Title | None = None
    text = ""
    j = i
    count = 0
    while j < n and count < MAX_MODIFIERS and tokens[j].sentence == sentence:
        tok = tokens[j]
        if tok.surface in "(（" and count:
            k = _skip_paren(tokens, j)
            if k == j:
                break
            text += "".join(t.surface for t in tokens[j:k])
            j = k
            continue
        if not _is_modifier(tok):
            break
        text += tok.surface
        j += 1
        count += 1
        if text in HONORIFICS:
            return Title(text, j, honorific=True)
        if title_head(text) and _ends_here(tokens, j):
            best = Title(text, j)
    if best is None:
        return None
    # A note on the title: 大統領補佐官(国家安全保障担当).
    k = _skip_paren(tokens, best.end)
    if k > best.end:
        note = "".join(t.surface for t in tokens[best.end : k])
        if len(note) <= 14:
            best = Title(best.text + note, k)
    return best


def _ends_here(tokens: tuple[Token, ...], j: int) -> bool:
    if j >= len(tokens):
        return True
    nxt = tokens[j]
    return nxt.surface not in ORG_CONTINUATIONS


def _reading_in_parens(tokens: tuple[Token, ...], i: int) -> bool:
    """True when a name is followed by its reading: 金正恩(キム・ジョンウン)."""
    if i + 2 < len(tokens) and tokens[i].surface in "(（":
        j = i + 1
        while j < len(tokens) and tokens[j].surface not in ")）":
            if not (tokens[j].is_katakana or tokens[j].surface == "・"):
                return False
            j += 1
        return j > i + 1
    return False


def role_before(tokens: tuple[Token, ...], start: int) -> tuple[str | None, str | None]:
    """A role and affiliation written before a name: ``取締役の``, ``ロシアの``, ``教師``.

    Returns (role, affiliation). Looks back from ``start`` (the name's first token)
    over one optional の and a short run of nouns.
    """
    i = start - 1
    if i < 0:
        return None, None
    sentence = tokens[start].sentence
    if tokens[i].surface == "、" and i > 0:
        # Apposition: 元高官、朴志遠氏 (a role only; the affiliation stays unclear).
        role, _aff = role_before(tokens, i)
        return role, None
    has_no = tokens[i].surface == "の"
    if has_no:
        i -= 1
        # 米中央情報局(CIA)のラトクリフ長官: the acronym in brackets names the body.
        if (
            i > 1
            and tokens[i].surface in ")）"
            and tokens[i - 1].surface.isascii()
            and tokens[i - 1].surface.isalpha()
            and tokens[i - 2].surface in "(（"
        ):
            return None, tokens[i - 1].surface
    j = i
    while j >= 0 and start - j <= 8 and tokens[j].sentence == sentence and _is_modifier(tokens[j]):
        j -= 1
    phrase = tokens[j + 1 : i + 1]
    if not phrase:
        return None, None
    text = "".join(t.surface for t in phrase)
    if title_head(text) and not phrase[-1].is_place:
        return text, _affiliation_of(phrase)
    if has_no:
        return None, _affiliation_of(phrase)
    return None, None


def _affiliation_of(phrase: tuple[Token, ...]) -> str | None:
    """The organisation or country named by a noun phrase before の.

    開催国スペイン → スペイン, クルスク州 → クルスク州, 国防省情報総局 → 国防省情報総局,
    総合格闘技団体UFC → UFC; 同国 (a back-reference) and common nouns → None.
    """
    if not phrase:
        return None
    last = phrase[-1]
    if last.pos1 not in ("名詞", "接尾辞") or last.pos2 == "数詞":
        return None
    if phrase[0].surface.startswith("同") or last.surface.startswith("同"):
        return None
    places = [k for k, t in enumerate(phrase) if t.is_place]
    if places:
        return "".join(t.surface for t in phrase[places[-1] :])
    if last.pos2 == "固有名詞" or last.surface.isascii():
        proper = len(phrase)
        while proper > 0 and (
            phrase[proper - 1].pos2 == "固有名詞" or phrase[proper - 1].surface.isascii()
        ):
            proper -= 1
        return "".join(t.surface for t in phrase[proper:]) or None
    if last.surface[-1] in "省府庁軍党局州":
        # Keep a compound together: 国防省情報総局.
        return "".join(t.surface for t in phrase[-4:])
    return None


def compose_role(
    title: Title | None, prefix_role: str | None, affiliation: str | None
) -> str | None:
    """One role string in the labels' style: ``ロシア大統領報道官``, ``NATO事務総長``."""
    role = None
    if title is not None and not title.honorific:
        role = title.text
    elif prefix_role:
        role = prefix_role
    if role is None:
        return None
    stated = title is not None and not title.honorific
    if affiliation and stated and not role.startswith(affiliation) and title.country is None:
        return SHORT_COUNTRY.get(affiliation, affiliation) + role
    return role


SHORT_COUNTRY = {"米国": "米", "アメリカ": "米", "英国": "英", "イギリス": "英"}
"""How a country is written in front of a title (米国務長官, not 米国国務長官)."""
