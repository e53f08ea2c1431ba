"""What an ingest did: per-file verdicts and the totals printed by ``newsbot ingest``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.storage.articles import StoreResult

FileOutcome = Literal["ingested", "known", "quarantined", "deferred"]


@dataclass(slots=True)
class FileResult:
    """The verdict on one file.

    ``ingested``: its articles were stored (``reason`` notes any part that was
    skipped); ``known``: the same bytes were ingested before, nothing stored;
    ``quarantined``: rejected with ``reason``; ``deferred``: still being
    written, left for later.
    """

    path: Path
    outcome: FileOutcome
    reason: str | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    alerts: int = 0
    seen_before: bool = False
    moved_to: Path | None = None

    def count(self, stored: StoreResult) -> None:
        if stored.status == "new":
            self.new += 1
        elif stored.status == "updated":
            self.updated += 1
        else:
            self.unchanged += 1
            self.stale += int(stored.stale)
        self.alerts += stored.alerts

    @property
    def rejected(self) -> bool:
        """True when some of this file's input was not taken."""
        return self.outcome in ("quarantined", "deferred") or (
            self.outcome == "ingested" and bool(self.reason)
        )

    def one_line(self) -> str:
        articles = self.new + self.updated + self.unchanged
        text = (
            f"{articles} article{'s' if articles != 1 else ''} ({self.new} new, "
            f"{self.updated} updated, {self.unchanged} unchanged)"
        )
        if self.alerts:
            text += f", {self.alerts} alert{'s' if self.alerts != 1 else ''} owed"
        if self.reason:
            text += f"; skipped: {self.reason}"
        return text

    def as_json(self) -> dict:
        return {
            "file": str(self.path),
            "outcome": self.outcome,
            "reason": self.reason,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "alerts": self.alerts,
            "moved_to": str(self.moved_to) if self.moved_to else None,
        }


@dataclass(slots=True)
class IngestSummary:
    files: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.files.append(result)

    def _n(self, outcome: FileOutcome) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    @property
    def new(self) -> int:
        return sum(f.new for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def unchanged(self) -> int:
        return sum(f.unchanged for f in self.files)

    @property
    def alerts(self) -> int:
        return sum(f.alerts for f in self.files)

    @property
    def quarantined(self) -> list[FileResult]:
        return [f for f in self.files if f.outcome == "quarantined"]

    @property
    def deferred(self) -> list[FileResult]:
        return [f for f in self.files if f.outcome == "deferred"]

    @property
    def rejected(self) -> bool:
        return any(f.rejected for f in self.files)

    def one_line(self) -> str:
        n = len(self.files)
        return (
            f"{n} file{'s' if n != 1 else ''} ({self._n('ingested')} ingested, "
            f"{self._n('known')} already "
            f"known, {self._n('quarantined')} quarantined, {self._n('deferred')} deferred); "
            f"articles {self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        )

    def lines(self) -> list[str]:
        """The human summary: totals, then one line per file that needs attention."""
        out = [
            f"files: {len(self.files)} ({self._n('ingested')} ingested, "
            f"{self._n('known')} already known, {self._n('quarantined')} quarantined, "
            f"{self._n('deferred')} deferred)",
            f"articles: {self.new} new, {self.updated} updated, {self.unchanged} unchanged",
        ]
        if self.alerts:
            out.append(f"alerts owed: {self.alerts}")
        for f in self.files:
            if f.outcome == "quarantined":
                again = " (seen before)" if f.seen_before else ""
                out.append(f"quarantined: {f.path}: {f.reason}{again}")
            elif f.outcome == "deferred":
                out.append(f"deferred: {f.path}: {f.reason}")
            elif f.outcome == "ingested" and f.reason:
                out.append(f"partly rejected: {f.path}: {f.reason}")
        return out

    def as_json(self) -> dict:
        return {
            "files": len(self.files),
            "ingested": self._n("ingested"),
            "known": self._n("known"),
            "quarantined": self._n("quarantined"),
            "deferred": self._n("deferred"),
            "articles": {"new": self.new, "updated": self.updated, "unchanged": self.unchanged},
            "alerts": self.alerts,
            "details": [f.as_json() for f in self.files],
        }
