"""Getting article files into the database: inbox scanning, the ingest job, its summaries."""

from bot.ingest.job import CRASH_HOOK_ENV, IngestJob
from bot.ingest.report import FileResult, IngestSummary

__all__ = ["CRASH_HOOK_ENV", "FileResult", "IngestJob", "IngestSummary"]
