"""The eval report: one JSON object, or tables for the terminal.

A report is a header (corpus, labels, counts) plus named sections, each a
plain JSON-able dict. ``topics`` has its own table; any other section (such
as ``actors`` from :mod:`bot.evaluation.actor_scores`) is printed generically,
so a new section needs no change here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_LIST_ITEMS = 10


@dataclass(slots=True)
class Report:
    header: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_section(self, name: str, data: dict[str, Any]) -> None:
        self.sections[name] = data

    def to_json(self) -> dict[str, Any]:
        return {**self.header, **self.sections}

    def render_text(self) -> str:
        lines = _header_lines(self.header)
        for name, data in self.sections.items():
            lines.append("")
            lines.extend(_RENDERERS.get(name, _generic_section)(name, data))
        return "\n".join(lines)


def _header_lines(header: dict[str, Any]) -> list[str]:
    lines = [f"Corpus {header.get('corpus', '?')}  labels {header.get('labels', '?')}"]
    counts = header.get("counts", {})
    if counts:
        lines.append(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()))
    for item in header.get("rejected_files", []):
        lines.append(f"  rejected {item['file']}: {item['reason']}")
    for item in header.get("unmatched_labels", []):
        lines.append(f"  labelled but not found: {item['file']}: {item['title']}")
    for item in header.get("unlabelled_articles", []):
        lines.append(f"  not labelled: {item['file']}: {item['title']}")
    return lines


def _topics_section(name: str, data: dict[str, Any]) -> list[str]:
    per_topic: dict[str, dict[str, Any]] = data.get("per_topic", {})
    width = max([len("topic"), len("micro")] + [len(t) for t in per_topic])
    head = f"{'topic':<{width}}  {'P':>6} {'R':>6} {'F1':>6}  {'tp':>4} {'fp':>4} {'fn':>4}"
    lines = [f"Topics ({data.get('articles', 0)} labelled articles)", head, "-" * len(head)]
    rows = [*per_topic.items(), ("micro", data.get("micro", {}))]
    for topic, m in rows:
        lines.append(
            f"{topic:<{width}}  {m.get('precision', 0):>6.3f} {m.get('recall', 0):>6.3f} "
            f"{m.get('f1', 0):>6.3f}  {m.get('tp', 0):>4} {m.get('fp', 0):>4} {m.get('fn', 0):>4}"
        )
    lines.append(f"{'macro F1':<{width}}  {'':>6} {'':>6} {data.get('macro_f1', 0):>6.3f}")
    errors = data.get("errors", [])
    if errors:
        lines.append("")
        lines.append(f"Wrong tags ({len(errors)}):")
    for e in errors:
        label = "FP" if e["kind"] == "fp" else "FN"
        lines.append(f"  {label} {e['topic']}  {e['file']}: {e['title']}  (score {e['score']:.2f})")
        if e["kind"] == "fn":
            lines.append(f"     {e['why']}")
        for sentence in e.get("evidence", []):
            lines.append(f"     > {_short(sentence)}")
        if e.get("terms"):
            lines.append(f"     terms: {', '.join(e['terms'][:8])}")
    return lines


def _generic_section(name: str, data: dict[str, Any]) -> list[str]:
    lines = [name.replace("_", " ").capitalize()]
    lines.extend(_generic_lines(data, "  "))
    return lines


def _generic_lines(value: Any, indent: str) -> list[str]:
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{indent}{key}:")
                lines.extend(_generic_lines(item, indent + "  "))
            else:
                lines.append(f"{indent}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value[:MAX_LIST_ITEMS]:
            if isinstance(item, dict):
                lines.append(
                    f"{indent}- " + ", ".join(f"{k}={_scalar(v)}" for k, v in item.items())
                )
            else:
                lines.append(f"{indent}- {_scalar(item)}")
        if len(value) > MAX_LIST_ITEMS:
            lines.append(f"{indent}... and {len(value) - MAX_LIST_ITEMS} more (see --json)")
    else:
        lines.append(f"{indent}{_scalar(value)}")
    return lines


def _scalar(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list | dict) and not value:
        return "none"
    return str(value)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_RENDERERS: dict[str, Callable[[str, dict[str, Any]], list[str]]] = {"topics": _topics_section}
