"""A labelled corpus: the labels file, the article files, and which is which.

The labels file (format of ``../shared/corpus/dev/labels.json``)::

    {"files": [{"file": "dev_01.txt",
                "articles": [{"title": "...", "published": "...", "topics": [...],
                              "actors": [...], "quotes": [...]}]}]}

Parsed articles are paired with labelled ones by file name and headline
(compared after NFKC normalisation and without spaces); when the file name
does not match, a headline that is unique in the labels still pairs.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any

from bot.models import Article
from bot.parsing import is_supported_name, parse_bytes


class LabelsError(ValueError):
    """The labels file is missing or malformed (one line, names file and place)."""


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    """One labelled article; ``raw`` is its object from the labels file, as is."""

    file: str
    title: str
    topics: frozenset[str]
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    file: str
    article: Article


@dataclass(slots=True)
class Corpus:
    """What was read from the corpus folder."""

    articles: list[ParsedArticle] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)


@dataclass(slots=True)
class Pairing:
    pairs: list[tuple[LabelledArticle, ParsedArticle]]
    unmatched_labels: list[LabelledArticle]
    unlabelled: list[ParsedArticle]


def title_key(title: str) -> str:
    """Headline as compared: NFKC, no whitespace of any width."""
    return "".join(unicodedata.normalize("NFKC", title).split())


def load_labels(path: Path) -> list[LabelledArticle]:
    """Read the labels file (raises :class:`LabelsError`)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise LabelsError(f"{path}: labels file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelsError(f"{path}: cannot read labels: {exc}") from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        raise LabelsError(f'{path}: expected an object with a "files" list')
    out: list[LabelledArticle] = []
    for i, entry in enumerate(files):
        where = f"{path}: files[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise LabelsError(f'{where}: needs "file" (a string)')
        articles = entry.get("articles")
        if not isinstance(articles, list):
            raise LabelsError(f'{where}: needs "articles" (a list)')
        for j, art in enumerate(articles):
            at = f"{where}.articles[{j}]"
            if not isinstance(art, dict) or not isinstance(art.get("title"), str):
                raise LabelsError(f'{at}: needs "title" (a string)')
            topics = art.get("topics", [])
            if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
                raise LabelsError(f'{at}: "topics" must be a list of topic ids')
            out.append(LabelledArticle(entry["file"], art["title"], frozenset(topics), art))
    return out


def walk_files(paths: Iterable[Path], skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Files under ``paths`` (folders recursively, sorted), minus hidden and partial ones."""
    skipped = {p.resolve() for p in skip}
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file())
            candidates = [
                p
                for p in candidates
                if not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
        else:
            candidates = [path]
        for p in candidates:
            if p.resolve() in skipped or not is_supported_name(p.name):
                continue
            yield p


def read_corpus(directory: Path, tz: tzinfo, skip: Iterable[Path] = ()) -> Corpus:
    """Parse every article file under ``directory``; rejected files are listed, not fatal."""
    corpus = Corpus()
    for path in walk_files([directory], skip):
        name = str(path.relative_to(directory))
        try:
            data = path.read_bytes()
        except OSError as exc:
            corpus.rejected.append((name, f"cannot read: {exc.strerror or exc}"))
            continue
        outcome = parse_bytes(data, path.name, tz=tz)
        if outcome.reason:
            corpus.rejected.append((name, outcome.reason))
        corpus.articles.extend(ParsedArticle(name, a) for a in outcome.articles)
    return corpus


def pair(labels: list[LabelledArticle], parsed: list[ParsedArticle]) -> Pairing:
    """Pair labelled and parsed articles by (file, headline), then by unique headline."""
    by_file_title: dict[tuple[str, str], ParsedArticle] = {}
    by_title: dict[str, list[ParsedArticle]] = {}
    for p in parsed:
        key = title_key(p.article.title)
        by_file_title.setdefault((Path(p.file).name, key), p)
        by_title.setdefault(key, []).append(p)
    used: set[int] = set()
    pairs: list[tuple[LabelledArticle, ParsedArticle]] = []
    unmatched: list[LabelledArticle] = []
    for label in labels:
        key = title_key(label.title)
        hit = by_file_title.get((Path(label.file).name, key))
        if hit is None or id(hit) in used:
            same = [p for p in by_title.get(key, []) if id(p) not in used]
            hit = same[0] if len(same) == 1 else None
        if hit is None:
            unmatched.append(label)
            continue
        used.add(id(hit))
        pairs.append((label, hit))
    unlabelled = [p for p in parsed if id(p) not in used]
    return Pairing(pairs, unmatched, unlabelled)
