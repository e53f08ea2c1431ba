"""PLACEHOLDER until the actors work lands: no people."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.models import ActorRef, Article, QuoteRef
from bot.nlp.tokenizer import Document


@dataclass
class Gazetteer:
    pass


def load_gazetteer(path: Path) -> Gazetteer:
    return Gazetteer()


def find_people(
    doc: Document, article: Article, gazetteer: Gazetteer
) -> tuple[list[ActorRef], list[QuoteRef]]:
    return [], []
