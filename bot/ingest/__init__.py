"""Getting article files into the database: inbox scanning, the ingest job, its summaries."""

from bot.ingest.analysis import Analyzer, make_analyzer
from bot.ingest.job import CRASH_HOOK_ENV, IngestJob
from bot.ingest.report import FileResult, IngestSummary

__all__ = [
    "CRASH_HOOK_ENV",
    "Analyzer",
    "FileResult",
    "IngestJob",
    "IngestSummary",
    "make_analyzer",
]
