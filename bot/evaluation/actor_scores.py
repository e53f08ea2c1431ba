"""Scores for people and quotes against a labelled corpus (the ``actors`` eval section).

For each labelled article (``actors``: ja/en/role, ``quotes``: speaker_en/quote_head)
and its :class:`~bot.models.Analysis`:

- actors: an extracted actor matches a labelled one by English name, else when one
  Japanese name contains the other (labels use the surname for kanji people: 岸田);
  one-to-one, English matches first. Micro precision / recall / F1.
- quote recall: a labelled quote is found when an extracted quote starts with its
  head and the extracted speaker is the labelled speaker.
- quote precision: among attributed extracted quotes that start with some labelled
  head, the share attributed to that quote's labelled speaker.
- lookup: every labelled person's English surname, resolved with
  :mod:`bot.nlp.names` against the names of all extracted actors of the corpus,
  must give the actor carrying the labelled Japanese name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from bot.models import ActorRef, Analysis
from bot.nlp.names import build_index, fold, resolve, spelled
from bot.nlp.tokenizer import get_tokenizer

MAX_MISSES = 30


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("・", "")


def _ja_names(actor: ActorRef) -> list[str]:
    return [_norm(n) for n in [actor.name_ja, *actor.names] if n and not n.isascii()]


def _ja_match(label_ja: str, actor: ActorRef) -> bool:
    want = _norm(label_ja)
    return bool(want) and any(want in n or n in want for n in _ja_names(actor) if n)


def _en_match(label_en: str, actor: ActorRef) -> bool:
    return bool(label_en) and bool(actor.name_en) and fold(label_en) == fold(actor.name_en or "")


def match_actors(labels: list[dict], actors: list[ActorRef]) -> dict[int, ActorRef]:
    """Label index → matched extracted actor (one to one, English names first)."""
    matched: dict[int, ActorRef] = {}
    used: set[str] = set()
    for test in (_en_match_label, _ja_match_label):
        for li, label in enumerate(labels):
            if li in matched:
                continue
            for actor in actors:
                if actor.id not in used and test(label, actor):
                    matched[li] = actor
                    used.add(actor.id)
                    break
    return matched


def _en_match_label(label: dict, actor: ActorRef) -> bool:
    return _en_match(label.get("en") or "", actor)


def _ja_match_label(label: dict, actor: ActorRef) -> bool:
    return _ja_match(label.get("ja") or "", actor)


def english_surname(label: dict) -> str:
    """The surname a user would type: last English word, but the first one for
    one-kanji East Asian surnames (金 → Kim, 習 → Xi); Arabic al-/el- dropped."""
    words = (label.get("en") or "").split()
    if not words:
        return ""
    ja = label.get("ja") or ""
    word = words[-1]
    if ja and all("一" <= c <= "龥" for c in ja):
        # Kanji: a Japanese name is given-family in English (森 → Mori), a Chinese or
        # Korean one family-first (金 → Kim); the reading tells which word it is.
        reading = spelled("".join(t.reading for t in get_tokenizer().parse(ja).tokens))
        by_reading = [w for w in words if spelled(w) == reading]
        word = by_reading[0] if by_reading else (words[0] if len(ja) == 1 else words[-1])
    low = word.lower()
    for prefix in ("al-", "el-", "ad-", "as-"):
        if low.startswith(prefix) and len(word) > len(prefix) + 2:
            return word[len(prefix) :]
    return word


def _f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def score_actors(pairs: Iterable[tuple[dict[str, Any], Analysis]]) -> dict[str, Any]:
    tp = fp = fn = 0
    q_found = q_total = q_attr = q_right = 0
    misses: list[str] = []
    people: dict[str, dict] = {}
    all_actors: list[ActorRef] = []
    for label, analysis in pairs:
        title = label.get("title", "?")
        labels = list(label.get("actors") or [])
        actors = list(analysis.actors)
        all_actors.extend(actors)
        matched = match_actors(labels, actors)
        tp += len(matched)
        fn += len(labels) - len(matched)
        fp += len(actors) - len(matched)
        for li, lab in enumerate(labels):
            people.setdefault(lab.get("en") or lab.get("ja") or "?", lab)
            if li not in matched:
                misses.append(f"missed actor {lab.get('ja')} ({lab.get('en')}) in {title}")
        matched_ids = {a.id for a in matched.values()}
        for a in actors:
            if a.id not in matched_ids:
                misses.append(f"extra actor {a.name_ja} [{a.id}] in {title}")
        speaker_of = {a.id: labels[li].get("en") for li, a in matched.items()}
        heads = [
            (q.get("quote_head") or "", q.get("speaker_en") or "")
            for q in label.get("quotes") or []
        ]
        for head, speaker in heads:
            q_total += 1
            hits = [q for q in analysis.quotes if head and _norm(q.text).startswith(_norm(head))]
            if any(q.speaker and speaker_of.get(q.speaker) == speaker for q in hits):
                q_found += 1
            else:
                got = ", ".join(str(q.speaker) for q in hits) or "no quote"
                misses.append(f"quote {head!r} by {speaker}: got {got} in {title}")
        for q in analysis.quotes:
            if not q.speaker:
                continue
            labelled = [s for h, s in heads if h and _norm(q.text).startswith(_norm(h))]
            if labelled:
                q_attr += 1
                if speaker_of.get(q.speaker) in labelled:
                    q_right += 1
    index = build_index(
        (a.id, n) for a in all_actors for n in [a.name_ja, a.name_en or "", *a.names] if n
    )
    by_id = {a.id: a for a in all_actors}
    lookups = right = 0
    for en, lab in sorted(people.items()):
        surname = english_surname(lab)
        if not surname:
            continue
        lookups += 1
        match = resolve(surname, index)
        actor = by_id.get(match.ids[0]) if match.status == "found" else None
        if actor is not None and (_ja_match(lab.get("ja") or "", actor) or _en_match(en, actor)):
            right += 1
        else:
            misses.append(f"lookup {surname!r} for {en}: {match.status} {match.ids[:3]}")
    actor_scores = _f1(tp, fp, fn)
    return {
        "actors": {**actor_scores, "tp": tp, "fp": fp, "fn": fn},
        "quotes": {
            "recall": round(q_found / q_total, 4) if q_total else 1.0,
            "precision": round(q_right / q_attr, 4) if q_attr else 1.0,
            "labelled": q_total,
            "found": q_found,
            "attributed_matching_heads": q_attr,
            "attributed_right": q_right,
        },
        "lookup": {
            "accuracy": round(right / lookups, 4) if lookups else 1.0,
            "people": lookups,
            "right": right,
        },
        "misses": misses[:MAX_MISSES],
        "misses_total": len(misses),
    }
