"""The NLP pipeline: one tokenisation per article, then topics, then people and quotes.

Built once per process from the config folder and reused for every article.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.models import Analysis, Article
from bot.nlp.people import Gazetteer, find_people, load_gazetteer
from bot.nlp.tokenizer import Document, Tokenizer, get_tokenizer
from bot.nlp.topics import TopicSet, classify, load_topics


@dataclass(slots=True)
class Analyzed:
    """An article's analysis plus the tokenised text (reused for the search index)."""

    analysis: Analysis
    doc: Document


class Pipeline:
    def __init__(self, topics: TopicSet, gazetteer: Gazetteer, tokenizer: Tokenizer) -> None:
        self.topics = topics
        self.gazetteer = gazetteer
        self.tokenizer = tokenizer

    @classmethod
    def from_config(cls, config_dir: str | Path) -> Pipeline:
        """Load topics.toml and actors.toml from ``config_dir`` (raises ConfigError)."""
        config_dir = Path(config_dir)
        return cls(
            load_topics(config_dir / "topics.toml"),
            load_gazetteer(config_dir / "actors.toml"),
            get_tokenizer(),
        )

    def analyze(self, article: Article) -> Analyzed:
        doc = self.tokenizer.parse(article.nlp_text())
        topics = classify(doc, article, self.topics)
        actors, quotes = find_people(doc, article, self.gazetteer)
        return Analyzed(Analysis(topics=topics, actors=actors, quotes=quotes), doc)
