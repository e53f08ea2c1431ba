"""PLACEHOLDER until the topic-classifier work lands: no topics."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.models import Article, TopicTag
from bot.nlp.tokenizer import Document


@dataclass
class TopicSet:
    topics: list = field(default_factory=list)


def load_topics(path: Path) -> TopicSet:
    return TopicSet()


def classify(doc: Document, article: Article, topics: TopicSet) -> list[TopicTag]:
    return []
