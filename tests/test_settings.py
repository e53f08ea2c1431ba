"""Settings: bot.toml merged with NEWSBOT_* overrides; one-line errors; secrets hidden."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.settings import ConfigError, load_secrets, load_settings

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target)
    return target


def test_defaults_resolve_against_the_project_root(config_dir: Path) -> None:
    s = load_settings(config_dir, env={})
    assert s.inbox == config_dir.parent / "data" / "inbox"
    assert s.db == config_dir.parent / "data" / "newsbot.db"
    assert s.timezone == "Asia/Tokyo"
    assert s.scan_interval > 0


def test_env_and_db_override(config_dir: Path, tmp_path: Path) -> None:
    s = load_settings(
        config_dir, db=tmp_path / "x.db", env={"NEWSBOT_SCAN_INTERVAL": "2.5", "NEWSBOT_SEEDS": ""}
    )
    assert s.scan_interval == 2.5
    assert s.db == tmp_path / "x.db"
    assert s.seeds is None


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("scan_interval = -1", "scan_interval"),
        ('timezone = "Mars/Olympus"', "timezone"),
        ('digest_time = "25:00"', "digest_time"),
        ("max_file_bytes = 'lots'", "max_file_bytes"),
        ("no_such_key = 1", "no_such_key"),
    ],
)
def test_bad_value_is_one_line_naming_key_and_file(config_dir: Path, line: str, key: str) -> None:
    (config_dir / "bot.toml").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(config_dir, env={})
    message = str(err.value)
    assert "\n" not in message
    assert key in message
    assert "bot.toml" in message


def test_unreadable_toml_names_the_file(config_dir: Path) -> None:
    (config_dir / "bot.toml").write_text("scan_interval = = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bot.toml"):
        load_settings(config_dir, env={})


def test_missing_config_dir(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config directory not found"):
        load_settings(tmp_path / "nope", env={})


def test_env_error_names_the_variable(config_dir: Path) -> None:
    with pytest.raises(ConfigError, match="NEWSBOT_SCAN_INTERVAL"):
        load_settings(config_dir, env={"NEWSBOT_SCAN_INTERVAL": "soon"})


def test_secrets_never_show_in_repr() -> None:
    secrets = load_secrets({"DISCORD_TOKEN": "very-secret-token", "SLACK_BOT_TOKEN": "xoxb-secret"})
    assert secrets.discord_token is not None
    assert secrets.discord_token.get_secret_value() == "very-secret-token"
    shown = repr(secrets) + str(secrets) + secrets.model_dump_json()
    assert "very-secret-token" not in shown
    assert "xoxb-secret" not in shown
