"""The one place that talks to fugashi + unidic-lite.

One :class:`Tokenizer` (one MeCab tagger) is created per process and reused.
MeCab is asked for a plain-text output holding only the fields the pipeline
uses (surface, pos1-4, lemma, kana), one token a line; each distinct line is
cleaned once and cached, and a sentence's tokens are then built by C-level
map/zip over its lines. Measured on the dev corpus (instructions counted with
valgrind): 30 % less work than building a fugashi node per token and reading
its features; MeCab's own analysis is half of what remains. It also
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
from itertools import accumulate, repeat
from operator import sub
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


_NFKC: dict[str, str] = {}
"""Characters whose NFKC form is one other, non-combining character, and that form."""
_ONE_TO_ONE: set[str] = set()
"""Characters seen so far that normalise to exactly one non-combining character."""
_KNOWN_LIMIT = 50_000  # the tables only grow; stop growing them on absurd input
_MAYBE_CHANGED = re.compile(
    "[^\t\n\r -~\u3001\u3002\u3005\u3006\u300c-\u300f\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff]"
)
"""Every character outside ASCII, kana, common kanji and 、。々〆「」『』: the only ones
NFKC may change (tested), so a text is scanned in C and only these are looked at."""


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
                _NFKC[ch] = n
        else:
            ok = False
    return ok


def _one_to_one(match: re.Match[str]) -> str:
    ch = match.group()
    return _NFKC.get(ch, ch)


def normalize(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC-normalise ``text`` character by character.

    Returns the normalised text and, for each of its characters, the start and
    end offsets of the source characters it came from.
    """
    norm, starts, ends = _normalize(text)
    if starts is None or ends is None:
        n = len(norm)
        return norm, list(range(n)), list(range(1, n + 1))
    return norm, starts, ends


def _normalize(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """:func:`normalize`, with ``None`` offsets when they are the identity.

    Almost every text maps one character to one character (full-width Latin and
    digits, half-width katakana without sound marks): then only the characters
    NFKC may change are replaced; otherwise the text is built character by
    character.
    """
    odd = set(_MAYBE_CHANGED.findall(text))
    if not odd:
        return text, None, None
    unseen = odd - _ONE_TO_ONE
    if not unseen or _learn(unseen):
        if odd.isdisjoint(_NFKC):
            return text, None, None
        return _MAYBE_CHANGED.sub(_one_to_one, text), None, None
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


# MeCab prints each token as one line: the surface with the whitespace MeCab
# skipped before it (%M), then the fields used here (pos1-4, lemma = feature 7,
# kana = feature 17), tab-separated; it prints a "*" feature as an empty field,
# and unknown words have no lemma or kana. Lines repeat a lot (particles, common
# words), so each distinct line is cleaned once and cached; a sentence is then
# turned into tokens by C-level map/zip over its lines, with offsets from the
# running sum of the lines' lengths, with no Python code per token.
_FIELDS = "%M\\t%f[0]\\t%f[1]\\t%f[2]\\t%f[3]"
MECAB_ARGS = (
    "--output-format-type= "
    f"--node-format='{_FIELDS}\\t%f[7]\\t%f[17]\\n' "
    f"--unk-format='{_FIELDS}\\t\\t\\n' "
    "--eos-format='EOS\\n'"
)
MECAB_SPACE = " \t\x0b"
"""The characters MeCab skips between tokens (measured over U+0001..U+30FF)."""
_AS_SPACE = str.maketrans("\x00\r\n", "   ")
"""MeCab reads C strings (a NUL would end the text) and prints a line end as a token
that breaks its own line-per-token output: give it spaces instead (same offsets)."""
_LINE_CACHE_LIMIT = 100_000

Entry = tuple[str, str, str, str, str, str, str, int, int]
"""(surface, lemma, pos1, pos2, pos3, pos4, reading, length with the skipped whitespace
before it, length of the surface)."""


def _entry(line: str) -> Entry:
    """The cleaned token of one MeCab output line (see :data:`MECAB_ARGS`)."""
    fields = line.rsplit("\t", 6)  # the skipped whitespace before a surface may hold tabs
    if len(fields) != 7:
        raise RuntimeError(f"unexpected MeCab output line {line!r}")
    spaced, pos1, pos2, pos3, pos4, lemma, reading = fields
    surface = spaced.lstrip(MECAB_SPACE)
    dash = lemma.find("-")
    if dash > 0:
        lemma = lemma[:dash]  # 露-Russia → 露
    return (
        surface,
        lemma or surface,
        pos1 or "*",
        pos2 or "*",
        pos3 or "*",
        pos4 or "*",
        reading,
        len(spaced),
        len(surface),
    )


class Tokenizer:
    """A reusable MeCab tagger. Thread-safe (one lock); create once, share everywhere."""

    def __init__(self) -> None:
        self._tagger = fugashi.Tagger(MECAB_ARGS)
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}

    def parse(self, text: str) -> Document:
        """Tokenise ``text`` into a :class:`Document` of sentences and tokens."""
        norm, starts, ends = _normalize(text)
        spans = split_sentences(norm)
        tokens: list[Token] = []
        sentences: list[Sentence] = []
        with self._lock:
            for si, (s, e) in enumerate(spans):
                if starts is None or ends is None:
                    sentences.append(Sentence(si, s, e, text[s:e]))
                else:
                    o_start, o_end = starts[s], ends[e - 1]
                    sentences.append(Sentence(si, o_start, o_end, text[o_start:o_end]))
                self._tokens_into(norm[s:e], s, si, starts, ends, tokens)
        return Document(text, tuple(tokens), tuple(sentences))

    def _entries_of(self, text: str) -> list[Entry]:
        """MeCab's tokens for ``text``, one cached :data:`Entry` each."""
        if "\x00" in text or "\r" in text or "\n" in text:
            text = text.translate(_AS_SPACE)
        lines = self._tagger.parse(text).split("\n")
        if lines.pop() != "EOS":
            raise RuntimeError(f"unexpected MeCab output for {text[:40]!r}")
        cache = self._entries
        if len(cache) > _LINE_CACHE_LIMIT:
            cache.clear()
        entries = list(map(cache.get, lines))
        if None in entries:
            for i, line in enumerate(lines):
                if entries[i] is None:
                    entries[i] = cache[line] = _entry(line)
        return entries  # type: ignore[return-value]

    def _tokens_into(
        self,
        chunk: str,
        base: int,
        sentence: int,
        starts: list[int] | None,
        ends: list[int] | None,
        out: list[Token],
    ) -> None:
        entries = self._entries_of(chunk)
        if not entries:
            return
        columns = zip(*entries, strict=True)
        surface, lemma, pos1, pos2, pos3, pos4, reading, spaced, lengths = columns
        rel_ends = list(accumulate(spaced))
        if rel_ends[-1] != len(chunk) and rel_ends[-1] != len(
            chunk.translate(_AS_SPACE).rstrip(MECAB_SPACE)
        ):
            raise RuntimeError(f"MeCab's tokens do not add up to the text {chunk[:40]!r}")
        if starts is None or ends is None:
            tok_ends = [base + e for e in rel_ends]
            tok_starts = list(map(sub, tok_ends, lengths))
        else:
            tok_starts = [starts[base + e - n] for e, n in zip(rel_ends, lengths, strict=True)]
            tok_ends = [
                ends[base + e - 1] if n else starts[base + e - n]
                for e, n in zip(rel_ends, lengths, strict=True)
            ]
        rows = zip(  # noqa: B905 - repeat() is endless; the other columns are equal
            surface, lemma, pos1, pos2, pos3, pos4, reading, tok_starts, tok_ends, repeat(sentence)
        )
        out.extend(map(tuple.__new__, repeat(Token), rows))

    def surfaces(self, text: str) -> list[str]:
        """Just the surfaces of NFKC-normalised text: for full-text indexing and queries."""
        norm = _normalize(text)[0]
        with self._lock:
            return [entry[0] for entry in self._entries_of(norm)]


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
