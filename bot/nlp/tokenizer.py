"""The one place that talks to fugashi + unidic-lite.

One :class:`Tokenizer` (one MeCab tagger) is created per process and reused.
fugashi reads node features lazily and a later call to the tagger clobbers
them (fugashi issue #98), so every field we need is copied out of each node
before anything else happens.

Text is normalised with NFKC (full-width digits and Latin, half-width kana)
character by character, so that every token keeps offsets into the *original*
text; sentences are cut at 。！？ and line ends, but never inside 「」 or （）.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import fugashi

SENTENCE_ENDS = frozenset("。！？!?")
OPENERS = {"「": "」", "『": "』", "（": "）", "(": ")"}
CLOSERS = frozenset(OPENERS.values())


@dataclass(frozen=True, slots=True)
class Token:
    """One morpheme with the features the pipeline uses, copied out of MeCab."""

    surface: str
    lemma: str
    pos1: str
    pos2: str
    pos3: str
    pos4: str
    reading: str
    start: int
    end: int
    sentence: int

    @property
    def is_person_name(self) -> bool:
        return self.pos2 == "固有名詞" and self.pos3 == "人名"

    @property
    def is_place(self) -> bool:
        return self.pos2 == "固有名詞" and self.pos3 == "地名"

    @property
    def is_katakana(self) -> bool:
        return is_katakana(self.surface)


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    """Tokens and sentences of one text. Offsets refer to ``text`` (the original)."""

    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]

    def sentence_tokens(self, index: int) -> tuple[Token, ...]:
        return self._by_sentence()[index]

    def _by_sentence(self) -> list[tuple[Token, ...]]:
        cached = getattr(self, "_cache", None)
        if cached is None:
            buckets: list[list[Token]] = [[] for _ in self.sentences]
            for tok in self.tokens:
                buckets[tok.sentence].append(tok)
            cached = [tuple(b) for b in buckets]
            object.__setattr__(self, "_cache", cached)
        return cached


def is_katakana(s: str) -> bool:
    """True for a non-empty run of katakana (including ー and ・)."""
    return bool(s) and all("゠" <= c <= "ヿ" or c == "ー" for c in s)


def normalize(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC-normalise ``text`` character by character.

    Returns the normalised text and, for each of its characters, the start and
    end offsets of the source characters it came from.
    """
    if text.isascii():
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        n = _nfkc_char(ch)
        if n and unicodedata.combining(n[0]) and out:
            merged = unicodedata.normalize("NFC", out[-1] + n)
            if len(merged) == 1:
                out[-1] = merged
                ends[-1] = i + 1
                continue
        for c in n:
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    return "".join(out), starts, ends


@lru_cache(maxsize=8192)
def _nfkc_char(ch: str) -> str:
    n = unicodedata.normalize("NFKC", ch)
    # Keep Japanese brackets and the middle dot as written: the pipeline relies on them.
    if ch in "「」『』・〜～":
        return ch
    return n


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans over ``text``: cut after 。！？ outside brackets, and at every line end."""
    spans: list[tuple[int, int]] = []
    start = 0
    depth: list[str] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            if i > start:
                spans.append((start, i))
            start = i + 1
            depth.clear()
        elif ch in OPENERS:
            depth.append(OPENERS[ch])
        elif ch in CLOSERS:
            if depth and depth[-1] == ch:
                depth.pop()
            elif ch in depth:
                while depth and depth.pop() != ch:
                    pass
        elif ch in SENTENCE_ENDS and not depth:
            j = i + 1
            while j < n and text[j] in SENTENCE_ENDS:
                j += 1
            spans.append((start, j))
            start = j
            i = j
            continue
        i += 1
    if start < n and text[start:n].strip():
        spans.append((start, n))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


class Tokenizer:
    """A reusable fugashi tagger. Thread-safe (one lock); create once, share everywhere."""

    def __init__(self) -> None:
        self._tagger = fugashi.Tagger()
        self._lock = threading.Lock()

    def parse(self, text: str) -> Document:
        """Tokenise ``text`` into a :class:`Document` of sentences and tokens."""
        norm, starts, ends = normalize(text)
        spans = split_sentences(norm)
        tokens: list[Token] = []
        sentences: list[Sentence] = []
        with self._lock:
            for si, (s, e) in enumerate(spans):
                o_start, o_end = starts[s], ends[e - 1]
                sentences.append(Sentence(si, o_start, o_end, text[o_start:o_end]))
                self._tokens_into(norm[s:e], s, si, starts, ends, tokens)
        return Document(text, tuple(tokens), tuple(sentences))

    def _tokens_into(
        self,
        chunk: str,
        base: int,
        sentence: int,
        starts: list[int],
        ends: list[int],
        out: list[Token],
    ) -> None:
        pos = 0
        for node in self._tagger(chunk):
            surface = node.surface
            # Copy every field now: the next tagger call would overwrite them.
            f = node.feature
            pos1, pos2, pos3, pos4 = f.pos1, f.pos2, f.pos3, f.pos4
            lemma = f.lemma
            reading = f.kana
            at = chunk.find(surface, pos)
            if at < 0:
                at = pos
            pos = at + len(surface)
            if lemma is None or lemma == "*":
                lemma = surface
            else:
                dash = lemma.find("-")
                if dash > 0:
                    lemma = lemma[:dash]
            out.append(
                Token(
                    surface=surface,
                    lemma=lemma,
                    pos1=pos1,
                    pos2=pos2,
                    pos3=pos3 or "*",
                    pos4=pos4 or "*",
                    reading=reading or "",
                    start=starts[base + at],
                    end=ends[base + pos - 1] if pos > at else starts[base + at],
                    sentence=sentence,
                )
            )

    def surfaces(self, text: str) -> list[str]:
        """Just the surfaces of NFKC-normalised text: for full-text indexing and queries."""
        norm = normalize(text)[0]
        with self._lock:
            return [node.surface for node in self._tagger(norm)]


_shared: Tokenizer | None = None
_shared_lock = threading.Lock()


def get_tokenizer() -> Tokenizer:
    """The process-wide tokenizer (MeCab start-up costs ~50 ms; do it once)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Tokenizer()
    return _shared
