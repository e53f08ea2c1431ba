"""Quotations and who said them.

A 「…」 is a quotation when the words after it report speech: ``と述べた``,
``とも語った``, ``との認識を示した``, ``とし、``; or when it stands alone as a
sentence (「…」。) before ``Xは…``; or in a headline after a name (トランプ氏「…」).
Quotes that are terms or names (「門戸開放」政策, 「ドネツク人民共和国」の) are
not reported speech and are left out.

The speaker is, in order: a person right after the と (「…」と同氏は), the nearest
person topic (Xは / Xも) before the quote in the sentence, an Xによると source, a
person subject (Xが) when there is no topic, and finally the person the text is
still about (the topic carried over from earlier sentences, Japanese drops it).
People named inside quotes never speak, and a pair (XとYは, 両首脳) is never
guessed at: an unattributed quote is better than a wrong speaker.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import QuoteRef
from bot.nlp.mention_base import bracket_pairs
from bot.nlp.mentions import Mention, quote_mask
from bot.nlp.roles import title_head
from bot.nlp.tokenizer import Document, Token

SPEECH_LEMMAS = frozenset(
    {
        "述べる", "語る", "話す", "言う", "強調", "表明", "説明", "指摘", "訴える", "投稿",
        "評価", "警告", "非難", "反発", "主張", "指示", "コメント", "書き込む", "記す",
        "唱える", "綴る", "誇示", "断言", "言明", "批判", "歓迎", "答える", "伝える", "報告",
        "呼び掛ける", "称える", "差す", "掛ける", "漏らす", "振り返る", "張る", "皮肉る",
        "明かす", "認める", "求める", "迫る", "誓う", "反論", "牽制", "一蹴", "約束", "謝罪",
        "感謝", "称賛", "自賛", "力説", "念押し", "確認", "否定", "発言", "宣言", "発表",
        "言及", "嘆く", "喜ぶ", "答弁", "問い掛ける", "呈する", "明言", "書く", "呟く",
        "発信", "提案", "要求", "促す", "鳴らす", "反応", "応ずる", "回答", "祝福", "訴え",
        "表わす", "示す", "明らか", "語気", "演説", "抗議", "懸念", "強弁", "釈明", "弁明",
        "要請", "説く", "記述", "宣誓", "回顧", "告白", "ツイート", "発破", "称する",
        "込める", "意気込む", "締め括る", "付け加える", "繰り返す", "押す", "吐露", "分析",
        "予想", "見通す", "断じる", "強める", "述懐", "見せる", "打ち明ける", "語り掛ける",
        "苦言", "言い切る", "言い放つ", "問う", "述べ立てる", "話し掛ける", "ぶちまける",
    }
)  # fmt: skip

SPEECH_NOUNS = frozenset(
    {
        "考え", "認識", "見方", "見解", "立場", "意向", "姿勢", "方針", "声明", "談話",
        "コメント", "発言", "見通し", "持論", "主張", "考え方", "意見", "思い", "意欲",
        "期待", "懸念", "不満", "批判", "メッセージ", "警告", "説明", "見込み",
    }
)  # fmt: skip

NAMING_LEMMAS = frozenset(
    {"見なす", "呼ぶ", "位置", "付ける", "名付ける", "題する", "銘打つ", "明記", "規定",
     "定める", "表記", "訳す", "記載", "成る", "為る", "名乗る", "称す"}
)  # fmt: skip

SOURCE_NOUNS = frozenset({"発表", "説明", "話", "声明", "投稿", "談話", "発言", "会見", "報告"})
"""Xの発表によると: the person is still the source."""

COPULA = frozenset({"だ", "だっ", "た", "です", "でし", "である", "で", "あっ", "あり"})

AGENT_SUFFIXES = (
    "省", "府", "庁", "軍", "党", "政府", "当局", "側", "通信", "紙", "局", "部", "政権",
    "委員会", "議会", "会議", "団", "社", "声明", "機関", "メディア", "同盟", "企業",
    "両国", "双方", "首脳", "首脳ら", "ハウス", "研究所", "議長国", "連合", "機構", "組織",
    "協会", "連盟", "銀行", "基金", "大学", "事務所", "陣営", "当局者",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Span:
    """A top-level 「…」: token indexes of the brackets."""

    open: int
    close: int
    sentence: int


def quote_spans(tokens: tuple[Token, ...]) -> list[Span]:
    """Top-level 「…」 of each sentence (nested brackets belong to the outer quote)."""
    return [Span(start, end, sentence) for start, end, sentence in bracket_pairs(tokens)[0]]


def find_quotes(
    doc: Document, mentions: list[Mention], inq: list[bool] | None = None
) -> list[QuoteRef]:
    """The reported-speech quotes of ``doc`` with their speakers (actor ids or None).

    ``inq`` is :func:`quote_mask` of the tokens when the caller has it already.
    """
    tokens = doc.tokens
    inq = inq if inq is not None else quote_mask(tokens)
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        if not m.in_quote:
            by_sentence.setdefault(m.sentence, []).append(m)
    spans = quote_spans(tokens)
    by_sent_spans: dict[int, list[Span]] = {}
    for sp in spans:
        by_sent_spans.setdefault(sp.sentence, []).append(sp)
    person = [False] * len(tokens)
    for m in mentions:
        for k in range(m.start, min(m.after, len(tokens))):
            person[k] = True
    first = [0] * (len(doc.sentences) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        first[tokens[i].sentence] = i
    first[len(doc.sentences)] = len(tokens)
    ctx = _Context(tokens, inq, person)
    out: list[QuoteRef] = []
    topic: str | None = None
    for s in doc.sentences:
        ms = by_sentence.get(s.index, [])
        heading = not s.text.rstrip().endswith(("。", "！", "？", "!", "?"))
        for sp in by_sent_spans.get(s.index, []):
            text = doc.text[tokens[sp.open].end : tokens[sp.close].start]
            if not text.strip():
                continue
            speaker, reported = _attribute(doc, ctx, sp, ms, by_sentence, topic)
            if reported:
                out.append(QuoteRef(text=text, speaker=speaker, sentence=s.index))
        lo, hi = first[s.index], first[s.index + 1]
        topic = None if heading else _next_topic(ctx, ms, topic, lo, hi)
    return out


@dataclass(frozen=True, slots=True)
class _Context:
    tokens: tuple[Token, ...]
    inq: list[bool]
    person: list[bool]

    def agent_topic(self, lo: int, hi: int) -> bool:
        """An organisation or country is a topic (Xは) in tokens[lo:hi]."""
        toks = self.tokens
        for i in range(max(lo, 1), hi):
            t = toks[i]
            if t.surface != "は" or t.pos1 != "助詞" or self.inq[i] or self.person[i - 1]:
                continue
            k = i - 1
            if toks[k].surface in ")）":  # 欧州連合(EU)は: an acronym names a body
                while k > 0 and toks[k].surface not in "(（" and i - k < 10:
                    k -= 1
                if any(t.surface.isascii() and t.surface.isupper() for t in toks[k:i]):
                    return True
                k -= 1
            prev = toks[k]
            if (
                prev.pos1 in ("名詞", "接尾辞")
                and prev.pos3 != "人名"
                and (prev.pos2 == "固有名詞" or prev.surface.endswith(AGENT_SUFFIXES))
            ):
                return True
            # A title whose name we did not recognise (何立峰副首相は): someone else.
            pair = (toks[i - 2].surface if i > 1 else "") + prev.surface
            if title_head(prev.surface) or title_head(pair) in ("報道官", "補佐官", "司令官"):
                return True
        return False


def _attribute(
    doc: Document,
    ctx: _Context,
    sp: Span,
    ms: list[Mention],
    by_sentence: dict[int, list[Mention]],
    topic: str | None,
) -> tuple[str | None, bool]:
    tokens = doc.tokens
    # Headline style: トランプ氏「戦争は終わった」.
    for m in ms:
        if m.after == sp.open:
            return _single(m), True
    verb_at, after_to = _reported(tokens, sp)
    if verb_at is not None and _impersonal(tokens, verb_at):
        return None, True
    if verb_at is None:
        if _alone(doc, sp):
            nxt = by_sentence.get(sp.sentence + 1, [])
            subj = [m for m in nxt if _particle(tokens, m) in ("は", "が")]
            return (_single(subj[0]) if subj else None), True
        return None, False
    for m in ms:
        if after_to is not None and after_to <= m.start <= after_to + 1:
            return _single(m), True
    before = [m for m in ms if m.after <= sp.open]
    order: tuple[tuple[str, ...], ...] = (("は", "も"), ("によると",), ("が",))
    if _embedded(tokens, verb_at):
        # Xは、Yが「…」と述べたと明らかにした: Y said it, X reports it.
        order = (("が",), ("は", "も"), ("によると",))
    for particles in order:
        cands = [m for m in before if _particle(tokens, m) in particles]
        if cands:
            pick = cands[-1]
            return (None if _coordinated(tokens, pick, ms) else _single(pick)), True
    lo = sp.open
    while lo > 0 and tokens[lo - 1].sentence == sp.sentence:
        lo -= 1
    if ctx.agent_topic(lo, sp.open):
        return None, True
    return topic, True


def _single(m: Mention) -> str | None:
    return None if m.key.startswith("?") else m.key


def _reported(tokens: tuple[Token, ...], sp: Span) -> tuple[int | None, int | None]:
    """(index of the speech verb, index right after と) when the quote is reported speech."""
    n = len(tokens)
    k = sp.close + 1
    while k < n and k - sp.close <= 3 and tokens[k].surface in COPULA:
        k += 1
    if k >= n or tokens[k].surface not in ("と", "とも") or tokens[k].pos1 != "助詞":
        return None, None
    k += 1
    while k < n and tokens[k].surface in ("も", "は") and tokens[k].pos1 == "助詞":
        k += 1
    after_to = k
    if k < n and tokens[k].surface == "の" and k + 1 < n:
        # との考え, との見方 (見 + 方): a noun of speech or opinion.
        end = k + 2 if k + 2 < n and tokens[k + 2].pos1 == "接尾辞" else k + 1
        noun = "".join(t.surface for t in tokens[k + 1 : end + 1])
        said = tokens[k + 1].lemma in SPEECH_NOUNS or noun in SPEECH_NOUNS
        return (end if said else None), after_to
    if k < n and tokens[k].lemma == "為る":
        nxt = tokens[k + 1].surface if k + 1 < n else "。"
        return (None if nxt == "て" else k), after_to
    clausal = _clausal(tokens, sp)
    for j in range(k, min(n, k + 18)):
        t = tokens[j]
        if t.sentence != sp.sentence or t.surface in ("「", "。", "、"):
            break
        if t.lemma in SPEECH_LEMMAS:
            return j, after_to
        if t.lemma in NAMING_LEMMAS and not clausal:
            return None, None
    return None, None


def _impersonal(tokens: tuple[Token, ...], at: int) -> bool:
    """「…」との見方が強い, との声も上がる: an opinion that is around, nobody's words."""
    nxt = tokens[at + 1] if at + 1 < len(tokens) else None
    return (
        tokens[at].pos1 in ("名詞", "接尾辞")
        and nxt is not None
        and nxt.surface in ("が", "も")
        and nxt.pos1 == "助詞"
    )


def _embedded(tokens: tuple[Token, ...], verb_at: int) -> bool:
    """The speech verb is itself quoted: 述べたと明らかにした, 語ったと伝えた."""
    for j in range(verb_at + 1, min(len(tokens), verb_at + 5)):
        t = tokens[j]
        if t.sentence != tokens[verb_at].sentence or t.surface in ("、", "。"):
            return False
        if t.surface == "と" and t.pos1 == "助詞":
            return True
        if t.pos1 not in ("助動詞", "助詞", "動詞", "接尾辞"):
            return False
    return False


def _clausal(tokens: tuple[Token, ...], sp: Span) -> bool:
    """A quote that is a clause (has a comma or ends in a predicate), not a term."""
    inner = tokens[sp.open + 1 : sp.close]
    if any(t.surface in ("、", "。") for t in inner):
        return True
    return bool(inner) and inner[-1].pos1 in ("動詞", "助動詞", "形容詞")


def _alone(doc: Document, sp: Span) -> bool:
    """「…」。 as a sentence of its own."""
    s = doc.sentences[sp.sentence]
    toks = doc.sentence_tokens(sp.sentence)
    if not toks or toks[0] is not doc.tokens[sp.open]:
        return False
    rest = doc.tokens[sp.close + 1 : sp.close + 2]
    return s.text.rstrip().endswith("。") and (
        not rest or rest[0].surface == "。" or rest[0].sentence != sp.sentence
    )


def _particle(tokens: tuple[Token, ...], m: Mention) -> str:
    i = m.after
    n = len(tokens)
    if i < n and tokens[i].surface in "(（":
        while i < n and tokens[i].surface not in ")）" and i - m.after < 8:
            i += 1
        i += 1
    if i >= n or tokens[i].sentence != m.sentence:
        return ""
    s = tokens[i].surface
    via = s == "の" and i + 1 < n and tokens[i + 1].lemma in SOURCE_NOUNS
    if via:
        i += 2  # Xの発表によると
        s = tokens[i].surface if i < n else ""
    if s == "に" and i + 2 < n and tokens[i + 1].lemma in ("依る", "因る", "寄る"):
        return "によると" if tokens[i + 2].surface in ("と", "ば") else ""
    if s in ("は", "も", "が") and tokens[i].pos1 == "助詞" and not via:
        return s
    return ""


def _coordinated(tokens: tuple[Token, ...], m: Mention, ms: list[Mention]) -> bool:
    """XとYは / X、Yは: a pair or list of people is not one speaker."""
    for other in ms:
        if other is m or other.after > m.start:
            continue
        gap = m.start - other.after
        if 0 <= gap <= 4 and tokens[other.after].surface in ("と", "や", "、", "・"):
            return True
    return False


def _next_topic(
    ctx: _Context, ms: list[Mention], topic: str | None, lo: int, hi: int
) -> str | None:
    """Who the text is about after this sentence (for quotes with a dropped subject)."""
    tokens = ctx.tokens
    topics = [m for m in ms if _particle(tokens, m) in ("は", "も")]
    if topics:
        first = topics[0]
        return None if _coordinated(tokens, first, ms) else _single(first)
    if ctx.agent_topic(lo, hi):
        return None
    subjects = [m for m in ms if _particle(tokens, m) == "が"]
    if subjects:
        return _single(subjects[0])
    return topic
