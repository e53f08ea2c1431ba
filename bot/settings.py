"""Settings: ``config/bot.toml`` merged with environment variables.

Non-secret settings live in the TOML file; any of them can be overridden with
``NEWSBOT_<KEY>`` (``NEWSBOT_DB``, ``NEWSBOT_SCAN_INTERVAL`` …). Secrets (tokens,
signing secrets) come only from the environment and are ``SecretStr`` so they
never show up in a repr, a log line or an error message.

Relative paths in bot.toml are resolved against the parent of the config
directory (the project root when the config is ``./config``), so the
defaults work from a fresh clone.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CONFIG_DIR = Path("config")


class ConfigError(Exception):
    """A configuration problem, phrased as one line naming the key and the file."""


class Settings(BaseModel):
    """Everything in bot.toml, validated. Paths are resolved to absolute paths."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    config_dir: Path
    inbox: Path = Path("data/inbox")
    archive: Path = Path("data/archive")
    quarantine: Path = Path("data/quarantine")
    db: Path = Path("data/newsbot.db")
    seeds: Path | None = Path("seeds")
    scan_interval: float = Field(default=1.0, gt=0, le=3600)
    settle_seconds: float = Field(default=0.5, ge=0, le=600)
    max_file_bytes: int = Field(default=5_000_000, gt=0)
    max_articles_per_file: int = Field(default=2000, gt=0)
    timezone: str = "Asia/Tokyo"
    digest_time: str = "08:00"
    digest_grace_hours: float = Field(default=12.0, ge=0, le=48)
    delivery_interval: float = Field(default=1.0, gt=0, le=600)
    ingest_workers: int | None = Field(default=None, ge=0, le=64)
    """Analysis processes; 0 analyses in the bot's own process; None picks for the machine."""
    log_level: str = "INFO"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v

    @field_validator("digest_time")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        parse_hhmm(v)
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return v.upper()

    @property
    def analysis_workers(self) -> int:
        """``ingest_workers``, or by default two on a machine with two cores or more
        (measured on two cores: 0.73x fugashi's throughput with two, 0.52x with one;
        storing is the lighter part of the work) and none on a single core."""
        if self.ingest_workers is not None:
            return self.ingest_workers
        cores = os.cpu_count() or 1
        return 0 if cores < 2 else 2

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def topics_file(self) -> Path:
        return self.config_dir / "topics.toml"

    @property
    def actors_file(self) -> Path:
        return self.config_dir / "actors.toml"


class Secrets(BaseSettings):
    """Tokens and endpoints from the environment only."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=True)

    discord_token: SecretStr | None = Field(default=None, alias="DISCORD_TOKEN")
    discord_api_base: str = Field(default="https://discord.com/api/v10", alias="DISCORD_API_BASE")
    discord_gateway_url: str = Field(
        default="wss://gateway.discord.gg/", alias="DISCORD_GATEWAY_URL"
    )
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    slack_admins: str = Field(
        default="", validation_alias=AliasChoices("NEWSBOT_SLACK_ADMINS", "SLACK_ADMINS")
    )
    slack_port: int = Field(default=3000, alias="NEWSBOT_SLACK_PORT")


def parse_hhmm(v: str) -> tuple[int, int]:
    try:
        hh, mm = v.split(":")
        h, m = int(hh), int(mm)
    except ValueError:
        raise ValueError(f"{v!r} is not a time like 08:00") from None
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ValueError(f"{v!r} is not a time like 08:00")
    return h, m


_PATH_KEYS = ("inbox", "archive", "quarantine", "db", "seeds")


def load_settings(
    config_dir: str | Path | None = None,
    db: str | Path | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Read ``<config_dir>/bot.toml``, apply ``NEWSBOT_*`` overrides and ``--db``.

    Raises :class:`ConfigError` with one line naming the key and the file.
    """
    env = dict(os.environ if env is None else env)
    cdir = Path(config_dir or env.get("NEWSBOT_CONFIG") or DEFAULT_CONFIG_DIR)
    path = cdir / "bot.toml"
    data: dict[str, Any] = {}
    if path.exists():
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
    elif not cdir.is_dir():
        raise ConfigError(f"{cdir}: config directory not found (use --config DIR)")
    for key in Settings.model_fields:
        if key == "config_dir":
            continue
        value = env.get(f"NEWSBOT_{key.upper()}")
        if value is not None:
            data[key] = value
    if db is not None:
        data["db"] = str(db)
    base = cdir.resolve().parent
    for key in _PATH_KEYS:
        if key == "seeds" and data.get(key) == "":
            data[key] = None
            continue
        value = data.get(key, Settings.model_fields[key].default)
        if value is not None:
            p = Path(value)
            if str(p) != ":memory:" and not p.is_absolute():
                p = base / p
            data[key] = p
    try:
        return Settings(config_dir=cdir.resolve(), **data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(x) for x in err["loc"]) or "?"
        msg = err["msg"].removeprefix("Value error, ")
        source = f"NEWSBOT_{key.upper()}" if f"NEWSBOT_{key.upper()}" in env else str(path)
        raise ConfigError(f"{source}: {key}: {msg}") from None


def load_secrets(env: dict[str, str] | None = None) -> Secrets:
    if env is None:
        return Secrets()
    return Secrets.model_validate(env)
