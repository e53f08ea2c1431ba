"""The one place that talks to fugashi + unidic-lite.

One :class:`Tokenizer` (one MeCab tagger) is created per process and reused.
MeCab is asked for a plain-text output holding only the fields the pipeline
uses (surface, pos1-4, lemma, kana), one token a line, and that string is
split in Python: about twice as fast as building a fugashi node per token and
parsing its 26-field feature CSV (see bench/ingest_throughput.py), and it
sidesteps fugashi's lazily read node features (fugashi issue #98) entirely.

Text is normalised with NFKC (full-width digits and Latin, half-width kana)
character by character, so that every token keeps offsets into the *original*
text; sentences are cut at 。！？ and line ends, but never inside 「」 or （）.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import fugashi

SENTENCE_ENDS = frozenset("。！？!?")
OPENERS = {"「": "」", "『": "』", "（": "）", "(": ")"}
CLOSERS = frozenset(OPENERS.values())


class Token(NamedTuple):
    """One morpheme with the features the pipeline uses, copied out of MeCab.

    A named tuple rather than a frozen dataclass: an article has thousands of
    tokens and a tuple is built about five times faster (immutable and
    hashable all the same).
    """

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


_KATAKANA_RUN = re.compile("[゠-ヿ]+")  # U+30A0..U+30FF: katakana, ・ and ー


def is_katakana(s: str) -> bool:
    """True for a non-empty run of katakana (including ー and ・)."""
    return _KATAKANA_RUN.fullmatch(s) is not None


_NFKC: dict[int, str] = {}
"""``str.translate`` table of characters whose NFKC form is one other, non-combining character."""
_ONE_TO_ONE: set[str] = set()
"""Characters seen so far that normalise to exactly one non-combining character."""
_KNOWN_LIMIT = 50_000  # the tables only grow; stop growing them on absurd input


def _learn(chars: set[str]) -> bool:
    """Classify unseen ``chars``; True when all of them normalise one-to-one."""
    ok = True
    for ch in chars:
        n = _nfkc_char(ch)
        if len(n) != 1 or unicodedata.combining(n):
            ok = False
        elif len(_ONE_TO_ONE) < _KNOWN_LIMIT:
            _ONE_TO_ONE.add(ch)
            if n != ch:
                _NFKC[ord(ch)] = n
        else:
            ok = False
    return ok


def normalize(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC-normalise ``text`` character by character.

    Returns the normalised text and, for each of its characters, the start and
    end offsets of the source characters it came from. Almost every text maps
    one character to one character (full-width Latin and digits, half-width
    katakana without sound marks), and then the offsets are the identity and
    the text is translated in one call; otherwise it is built character by
    character.
    """
    n = len(text)
    if text.isascii():
        return text, list(range(n)), list(range(1, n + 1))
    chars = set(text)
    unseen = chars - _ONE_TO_ONE
    if not unseen or _learn(unseen):
        return text.translate(_NFKC), list(range(n)), list(range(1, n + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        norm = _nfkc_char(ch)
        if norm and unicodedata.combining(norm[0]) and out:
            merged = unicodedata.normalize("NFC", out[-1] + norm)
            if len(merged) == 1:
                out[-1] = merged
                ends[-1] = i + 1
                continue
        for c in norm:
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


_SPECIAL = re.compile(
    "[\n" + re.escape("".join(OPENERS) + "".join(CLOSERS) + "".join(SENTENCE_ENDS)) + "]"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans over ``text``: cut after 。！？ outside brackets, and at every line end.

    Only the characters that matter (line ends, brackets, sentence ends) are
    visited, found by one regular expression.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    depth: list[str] = []
    n = len(text)
    skip_to = 0
    for m in _SPECIAL.finditer(text):
        i = m.start()
        if i < skip_to:
            continue
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
        elif not depth:  # a sentence end outside brackets, with any that follow it
            j = i + 1
            while j < n and text[j] in SENTENCE_ENDS:
                j += 1
            spans.append((start, j))
            start = skip_to = j
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


# MeCab prints each token as two lines: its surface, then the fields used here
# (pos1-4, lemma = feature 7, kana = feature 17) separated by tabs; it prints a
# "*" feature as an empty field. Unknown words have no lemma or kana. The field
# line repeats a lot (one per dictionary entry), so it is split and cleaned once
# and cached: a token then costs two strings and one dictionary lookup.
_FIELDS = "%m\\n%f[0]\\t%f[1]\\t%f[2]\\t%f[3]"
MECAB_ARGS = (
    "--output-format-type= "
    f"--node-format='{_FIELDS}\\t%f[7]\\t%f[17]\\n' "
    f"--unk-format='{_FIELDS}\\t\\t\\n' "
    "--eos-format='EOS\\n'"
)
_FEATURE_CACHE_LIMIT = 200_000

Features = tuple[str, str, str, str, str, str]
"""(lemma, pos1, pos2, pos3, pos4, reading); an empty lemma means "the surface"."""


def _features(line: str) -> Features:
    """The cleaned fields of one MeCab field line (see :data:`MECAB_ARGS`)."""
    fields = line.split("\t")
    if len(fields) != 6:
        raise RuntimeError(f"unexpected MeCab output line {line!r}")
    pos1, pos2, pos3, pos4, lemma, reading = fields
    dash = lemma.find("-")
    if dash > 0:
        lemma = lemma[:dash]  # 露-Russia → 露
    return (lemma, pos1 or "*", pos2 or "*", pos3 or "*", pos4 or "*", reading)


class Tokenizer:
    """A reusable MeCab tagger. Thread-safe (one lock); create once, share everywhere."""

    def __init__(self) -> None:
        self._tagger = fugashi.Tagger(MECAB_ARGS)
        self._lock = threading.Lock()
        self._features: dict[str, Features] = {}

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

    def _lines(self, text: str) -> list[str]:
        """MeCab's output for ``text``: surface and field lines, alternating."""
        if "\x00" in text:  # MeCab reads C strings: a NUL would end the text there
            text = text.replace("\x00", " ")
        lines = self._tagger.parse(text).split("\n")
        if lines[-1] != "EOS" or len(lines) % 2 != 1:
            raise RuntimeError(f"unexpected MeCab output for {text[:40]!r}")
        lines.pop()
        return lines

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
        find = chunk.find
        make = tuple.__new__
        append = out.append
        cache = self._features
        if len(cache) > _FEATURE_CACHE_LIMIT:
            cache.clear()
        it = iter(self._lines(chunk))
        for surface, line in zip(it, it, strict=True):
            feats = cache.get(line)
            if feats is None:
                feats = cache[line] = _features(line)
            lemma, pos1, pos2, pos3, pos4, reading = feats
            at = find(surface, pos)
            if at < 0:
                at = pos
            pos = at + len(surface)
            append(
                make(
                    Token,
                    (
                        surface,
                        lemma or surface,
                        pos1,
                        pos2,
                        pos3,
                        pos4,
                        reading,
                        starts[base + at],
                        ends[base + pos - 1] if pos > at else starts[base + at],
                        sentence,
                    ),
                )
            )

    def surfaces(self, text: str) -> list[str]:
        """Just the surfaces of NFKC-normalised text: for full-text indexing and queries."""
        norm = normalize(text)[0]
        with self._lock:
            return self._lines(norm)[::2]


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
