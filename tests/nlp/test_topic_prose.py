"""Background clauses, epithets and scare quotes, on real fugashi tokens."""

from __future__ import annotations

import pytest

from bot.nlp.tokenizer import get_tokenizer
from bot.nlp.topic_prose import Backdrop, quoted


def span_of(text: str, word: str) -> tuple[Backdrop, int, int]:
    """The Backdrop of ``text`` and the token span of the first ``word`` in it."""
    doc = get_tokenizer().parse(text)
    at = text.index(word)
    start = next(i for i, t in enumerate(doc.tokens) if t.start == at)
    end = next(i for i, t in enumerate(doc.tokens) if t.end == at + len(word)) + 1
    return Backdrop(doc.tokens), start, end


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("停戦交渉が難航するなか、両国は捕虜を交換した。", "停戦", True),
        ("停戦交渉が難航するなか、両国は捕虜を交換した。", "捕虜", False),
        ("停戦交渉が途絶えるなかで、交換は続く。", "停戦", True),
        ("戦闘が続く中、停戦を求めた。", "停戦", False),
        ("協議の中で停戦が話し合われた。", "停戦", False),
        ("ロシアが併合したクリミア半島で爆発があった。", "併合", True),
        ("ロシアは4州の併合を宣言した。", "併合", False),
        ("NATOに加盟したフィンランドで選挙があった。", "加盟", True),
        ("フィンランドはNATOに加盟した。", "加盟", False),
    ],
)
def test_backdrop(text: str, word: str, expected: bool) -> None:
    backdrop, start, end = span_of(text, word)
    assert backdrop(start, end) is expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("電撃「和平」に合意", "和平", True),
        ("データを『人質』に", "人質", True),
        ("「和平案を示す」と述べた", "和平", False),
        ("和平に合意", "和平", False),
    ],
)
def test_quoted(text: str, word: str, expected: bool) -> None:
    at = text.index(word)
    assert quoted(text, at, at + len(word)) is expected
