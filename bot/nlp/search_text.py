"""The text a tokenised article contributes to the full-text index.

Japanese has no spaces, so the search index (bot/storage/search.py) stores each
article as the space-joined surfaces of its MeCab tokens. Building that text
is part of analysing the article: it needs the tokens, which stay in the
process that analysed it, while only this text travels on to storage.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from bot.nlp.tokenizer import Document


@lru_cache(maxsize=65536)
def indexable(surface: str) -> bool:
    """False for tokens unicode61 would drop anyway (punctuation, spaces)."""
    return any(unicodedata.category(c)[0] in "LN" for c in surface)


def join_tokens(surfaces: Iterable[str]) -> str:
    return " ".join(filter(indexable, surfaces))


def index_columns(doc: Document, title: str) -> tuple[str, str]:
    """(title, body) column text from an article's tokenised ``nlp_text()``.

    The pipeline's document starts with the headline, so tokens that begin
    inside it belong to the title column and the rest (sub-headline and
    paragraphs) to the body column.
    """
    cut = len(title)
    surfaces = [t.surface for t in doc.tokens]
    head = 0
    for t in doc.tokens:  # tokens are in text order; the headline is a few of them
        if t.start >= cut:
            break
        head += 1
    return join_tokens(surfaces[:head]), join_tokens(surfaces[head:])
