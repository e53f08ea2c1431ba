"""The curated people of this beat: ``config/actors.toml``.

Each ``[[actor]]`` has an ``id`` (stable API), ``en`` (English name), ``ja`` (Japanese
forms as articles write them, the usual short form first), optional ``aliases``
(other spellings in any script: ``Zelenskyy``, ``Peskow``), ``roles`` and ``country``.

Japanese forms are indexed by surface for the extractor (one dict lookup per token
window, never a regex per entry). A form that is also an ordinary word
(トランプ = playing cards, カラス = crow) or a single kanji (金, 習) is *weak*: it only
counts with a title or honorific next to it, or once the person is established in the
article by a strong mention.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.nlp.tokenizer import get_tokenizer
from bot.settings import ConfigError

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FIELDS = {"id", "en", "ja", "aliases", "roles", "country", "weak"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One curated person."""

    id: str
    name_en: str
    names_ja: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    country: str | None = None

    @property
    def name_ja(self) -> str:
        return self.names_ja[0]

    def all_names(self) -> list[str]:
        return [*self.names_ja, self.name_en, *self.aliases]


@dataclass(slots=True)
class Gazetteer:
    """Curated people, indexed by their Japanese surfaces (``・`` removed)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    by_surface: dict[str, list[Entry]] = field(default_factory=dict)
    weak: set[str] = field(default_factory=set)
    max_chars: int = 0
    firsts: set[str] = field(default_factory=set)
    """First characters of indexed surfaces."""
    prefixes: set[str] = field(default_factory=set)
    """Every prefix of every indexed surface: a token window stops growing when it
    is not one, so matching costs about one set lookup per token."""

    @classmethod
    def build(cls, entries: Iterable[Entry], weak: Iterable[str] = ()) -> Gazetteer:
        gaz = cls()
        tokenizer = get_tokenizer()
        forced_weak = set(weak)
        for entry in entries:
            gaz.entries[entry.id] = entry
            for form in _japanese_forms(entry):
                key = surface_key(form)
                bucket = gaz.by_surface.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)
                gaz.max_chars = max(gaz.max_chars, len(key))
                gaz.prefixes.update(key[:n] for n in range(1, len(key) + 1))
                gaz.firsts.add(key[0])
                if key in forced_weak or _is_ordinary_word(form, tokenizer):
                    gaz.weak.add(key)
        return gaz

    def lookup(self, surface: str) -> list[Entry]:
        return self.by_surface.get(surface_key(surface), [])

    def __len__(self) -> int:
        return len(self.entries)


_DROP = str.maketrans("", "", "・=＝ 　\t\n")


def surface_key(text: str) -> str:
    """The form Japanese names are indexed in: without ・, =, spaces."""
    return text.translate(_DROP)


def _japanese_forms(entry: Entry) -> list[str]:
    return [n for n in (*entry.names_ja, *entry.aliases) if not n.isascii()]


def _is_ordinary_word(form: str, tokenizer: Any) -> bool:
    """A single kanji, or one dictionary word that is not a person's name."""
    key = surface_key(form)
    if len(key) <= 1:
        return True
    tokens = tokenizer.parse(key).tokens
    if len(tokens) != 1:
        return False
    tok = tokens[0]
    return bool(tok.reading) and not tok.is_person_name


def load_gazetteer(path: Path) -> Gazetteer:
    """Read and validate ``actors.toml``; a missing file is an empty gazetteer.

    Raises :class:`ConfigError` naming the file, the actor and the field.
    """
    path = Path(path)
    if not path.exists():
        return Gazetteer()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    raw = data.get("actor", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: 'actor' must be an array of tables ([[actor]])")
    unknown_top = set(data) - {"actor", "weak"}
    if unknown_top:
        raise ConfigError(f"{path}: unknown key {sorted(unknown_top)[0]!r}")
    weak = data.get("weak", [])
    if not isinstance(weak, list) or not all(isinstance(w, str) for w in weak):
        raise ConfigError(f"{path}: 'weak' must be a list of strings")
    entries: list[Entry] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, start=1):
        entry = _entry(path, n, item)
        if entry.id in seen:
            raise ConfigError(f"{path}: actor {entry.id!r}: duplicate id")
        seen.add(entry.id)
        entries.append(entry)
    return Gazetteer.build(entries, weak=[surface_key(w) for w in weak])


def _entry(path: Path, n: int, item: Any) -> Entry:
    if not isinstance(item, dict):
        raise ConfigError(f"{path}: actor #{n}: must be a table")
    ident = item.get("id")
    where = f"actor {ident!r}" if isinstance(ident, str) and ident else f"actor #{n}"
    extra = set(item) - FIELDS
    if extra:
        raise ConfigError(f"{path}: {where}: unknown field {sorted(extra)[0]!r}")
    if not isinstance(ident, str) or not ID_RE.match(ident):
        raise ConfigError(
            f"{path}: {where}: field 'id': required, lowercase letters, digits and '-'"
        )
    if ident.startswith("x-"):
        raise ConfigError(f"{path}: {where}: field 'id': 'x-' is reserved for unlisted people")
    en = item.get("en")
    if not isinstance(en, str) or not en.strip():
        raise ConfigError(f"{path}: {where}: field 'en': required, a non-empty string")
    ja = _strings(path, where, item, "ja", required=True)
    aliases = _strings(path, where, item, "aliases")
    roles = _strings(path, where, item, "roles")
    country = item.get("country")
    if country is not None and (not isinstance(country, str) or not country.strip()):
        raise ConfigError(f"{path}: {where}: field 'country': must be a non-empty string")
    if "weak" in item:
        raise ConfigError(f"{path}: {where}: field 'weak': set weak forms at the top level")
    return Entry(ident, en.strip(), ja, aliases, roles, country)


def _strings(path: Path, where: str, item: dict, name: str, required: bool = False) -> tuple:
    value = item.get(name)
    if value is None:
        if required:
            raise ConfigError(f"{path}: {where}: field {name!r}: required")
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{path}: {where}: field {name!r}: must be a list of non-empty strings")
    if required and not value:
        raise ConfigError(f"{path}: {where}: field {name!r}: must not be empty")
    return tuple(v.strip() for v in value)
