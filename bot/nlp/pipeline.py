"""The NLP pipeline: one tokenisation per article, then topics, then people and quotes.

Built once per process from the config folder and reused for every article.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.models import Analysis, Article
from bot.nlp.people import Gazetteer, find_people, load_gazetteer
from bot.nlp.search_text import index_columns
from bot.nlp.tokenizer import Document, Tokenizer, get_tokenizer
from bot.nlp.topics import TopicSet, classify, load_topics


@dataclass(slots=True)
class Analyzed:
    """An article's analysis plus its tokens, or just the search text made from them.

    In the process that analysed the article ``doc`` holds the tokens (the
    search index and the eval's explanations reuse them). Sent to another
    process it is :meth:`portable`: tens of thousands of token tuples are not
    worth pickling when storage only needs the text they index as.
    """

    analysis: Analysis
    doc: Document | None
    columns: tuple[str, str] | None = None
    """(title, body) text for the search index; see :func:`index_columns`."""

    def search_columns(self, title: str) -> tuple[str, str]:
        """The search index's (title, body) text; ``title`` is the article's headline."""
        if self.columns is None:
            if self.doc is None:
                raise ValueError("an Analyzed needs its doc or its search columns")
            self.columns = index_columns(self.doc, title)
        return self.columns

    def portable(self, title: str) -> Analyzed:
        """This analysis without the tokens, for sending to another process."""
        return Analyzed(self.analysis, None, self.search_columns(title))


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
