"""Synthetic but realistic articles, recombined from the dev corpus, for the benchmarks.

Every generated article is a Nikkei-format text article (see SPEC §2.1) built from
real dev-corpus parts: a headline and sub-headline, a photo caption, a
【city=reporter】 dateline and 3–8 paragraphs drawn from different dev articles.
People vary: the katakana surnames of curated people found in the text are
swapped, consistently within one article, for invented surnames (Slavic-style,
from a syllable table) or other curated ones. Outlets and dates vary; the
headline gets a 第N報 tag when its (outlet, headline) pair was already used, so
no generated article is a duplicate the store would skip.

Deterministic for a given seed and corpus. Used as a library by the benchmarks,
or from the command line to write files::

    python -m bench.corpus_gen --n 300 --out /tmp/gen --per-file 3 --seed 1
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.models import Article
from bot.parsing import parse_bytes

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dev"
ACTORS_TOML = REPO / "config" / "actors.toml"

OUTLETS = [
    "Nikkei Online", "Yomiuri Online", "Asahi Shimbun Digital", "Mainichi Shimbun",
    "Sankei", "Kyodo", "Jiji", "NHK News Web", "Reuters Japan", "Tokyo Shimbun",
    "Hokkaido Shimbun", "Chunichi Shimbun", "Nishinippon Shimbun", "Bloomberg Japan",
    "TBS News Dig", "Fuji News Network",
]  # fmt: skip

# Invented surnames: first part + middle + ending, e.g. コヴァ+ル+レンコ.
_FIRST = [
    "コヴァ", "ボンダ", "シェフ", "ペトロ", "イワノ", "サヴィ", "メリニ", "クラフ", "ツィビ",
    "ロマネ", "ゴルバ", "ヤコヴ", "オレイ", "マルチ", "ドロシ", "リセン", "ヴォロ", "パヴレ",
    "カルポ", "ストレ", "グリゴ", "ミハイ", "タラセ", "ソコロ", "ベズル",
]  # fmt: skip
_MIDDLE = ["", "ル", "ニ", "ト", "シ", "ダ", "ヴィ"]
_ENDINGS = [
    "ンコ", "チュク", "フ", "ワ", "ンスキー", "ビッチ", "レンコ", "チェンコ", "シン", "ノフ",
    "ツキー", "ヴィチ",
]  # fmt: skip


def invented_surnames() -> list[str]:
    """About 2,000 distinct katakana surnames that no dictionary knows."""
    return sorted({f + m + e for f in _FIRST for m in _MIDDLE for e in _ENDINGS})


def curated_surnames(actors_toml: Path = ACTORS_TOML) -> list[str]:
    """The katakana surnames (last part of each curated katakana form) of config/actors.toml."""
    data = tomllib.loads(actors_toml.read_text(encoding="utf-8"))
    out: set[str] = set()
    for actor in data.get("actor", []):
        for form in actor.get("ja", []):
            last = form.split("・")[-1]
            if len(last) >= 3 and all("ァ" <= c <= "ヺ" or c == "ー" for c in last):
                out.add(last)
    return sorted(out)


@dataclass(frozen=True)
class Parts:
    """The reusable pieces of the dev corpus."""

    titles: list[str]
    subtitles: list[str]
    captions: list[str]
    bylines: list[tuple[str, str]]
    leads: list[str]
    paragraphs: list[tuple[str, str]]  # (kind, text)

    @property
    def chars(self) -> int:
        return sum(len(t) for _, t in self.paragraphs)


def load_articles(corpus: Path) -> list[Article]:
    articles: list[Article] = []
    for path in sorted(corpus.glob("*.txt")):
        outcome = parse_bytes(path.read_bytes(), path.name)
        articles.extend(outcome.articles)
    if not articles:
        raise SystemExit(f"no articles found in {corpus}")
    return articles


def collect_parts(articles: list[Article]) -> Parts:
    titles, subtitles, captions, bylines, leads, paragraphs = [], [], [], [], [], []
    for a in articles:
        titles.append(a.title)
        if a.subtitle:
            subtitles.append(a.subtitle)
        if a.caption:
            captions.append(a.caption)
        if a.dateline and a.byline:
            bylines.append((a.dateline, a.byline))
        body = [p for p in a.paragraphs if p.text.strip()]
        if body and body[0].kind == "p":
            leads.append(body[0].text)
            body = body[1:]
        paragraphs.extend((p.kind, p.text) for p in body)
    return Parts(titles, subtitles, captions, bylines, leads, paragraphs)


class Generator:
    """Yields distinct synthetic articles as Nikkei-format text, deterministically."""

    def __init__(self, corpus: Path = DEFAULT_CORPUS, seed: int = 1) -> None:
        self.parts = collect_parts(load_articles(corpus))
        self.rng = random.Random(seed)
        self.curated = curated_surnames()
        self.invented = invented_surnames()
        self._pattern = re.compile(
            "|".join(re.escape(s) for s in sorted(self.curated, key=len, reverse=True))
        )
        self._used: dict[tuple[str, str], int] = {}
        self._start = datetime(2022, 2, 24, 6, 0)
        self._span_minutes = int((datetime(2025, 12, 31) - self._start).total_seconds() // 60)

    def _swapper(self):
        """A function that swaps curated surnames for others, consistently in one article."""
        rng = self.rng
        mapping: dict[str, str] = {}

        def swap(m: re.Match[str]) -> str:
            name = m.group(0)
            if name not in mapping:
                r = rng.random()
                if r < 0.35:
                    mapping[name] = name  # keep the real person
                elif r < 0.5:
                    mapping[name] = rng.choice(self.curated)
                else:
                    mapping[name] = rng.choice(self.invented)
            return mapping[name]

        return lambda text: self._pattern.sub(swap, text)

    def article_text(self) -> str:
        """One article in the Nikkei text format (without the trailing blank lines)."""
        rng, parts = self.rng, self.parts
        swap = self._swapper()
        source = rng.choice(OUTLETS)
        title = swap(rng.choice(parts.titles))
        key = (source, title)
        n = self._used.get(key, 0) + 1
        self._used[key] = n
        if n > 1:
            title = f"{title}（第{n}報）"
        when = self._start + timedelta(minutes=rng.randrange(self._span_minutes))
        stamp = f"{when.year}年{when.month}月{when.day}日 {when.hour}:{when.minute:02d}更新"
        lines = [title]
        if parts.subtitles and rng.random() < 0.7:
            lines.append(" " + swap(rng.choice(parts.subtitles)))
        lines += ["", "<<Return to Main", "", f"Source: {source}, {stamp}", ""]
        if parts.captions and rng.random() < 0.6:
            lines += [swap(rng.choice(parts.captions)), ""]
        lead = swap(rng.choice(parts.leads))
        if parts.bylines and rng.random() < 0.8:
            city, reporter = rng.choice(parts.bylines)
            lead = f"【{city}={reporter}】{lead}"
        lines += [lead, ""]
        for kind, text in rng.sample(parts.paragraphs, rng.randint(3, 8)):
            if kind == "heading" and rng.random() < 0.5:
                continue
            lines += [swap(text), ""]
        lines.append("<<Return to pageTop")
        return "\n".join(lines)

    def articles(self, n: int) -> Iterator[str]:
        for _ in range(n):
            yield self.article_text()

    def files(self, n: int, per_file: int = 3) -> Iterator[tuple[str, str]]:
        """(file name, text) holding ``n`` articles, ``per_file`` (1..per_file) a file."""
        made = 0
        index = 0
        while made < n:
            k = min(n - made, self.rng.randint(1, per_file))
            text = "\n\n\n".join(self.article_text() for _ in range(k)) + "\n"
            index += 1
            made += k
            yield f"gen_{index:06d}.txt", text


def write_files(out: Path, n: int, per_file: int = 3, seed: int = 1,
                corpus: Path = DEFAULT_CORPUS) -> list[Path]:  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in Generator(corpus, seed).files(n, per_file):
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="number of articles (default 300)")
    ap.add_argument("--out", type=Path, required=True, help="folder to write the files to")
    ap.add_argument("--per-file", type=int, default=3, help="at most this many articles a file")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="dev corpus folder")
    args = ap.parse_args(argv)
    paths = write_files(args.out, args.n, args.per_file, args.seed, args.corpus)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {args.n} articles in {len(paths)} files ({size / 1e6:.1f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
