"""``newsbot COMMAND [ARGS] [OPTIONS]``: the stable command line of SPEC §5.

Each command lives in its own module with ``register(subparsers, common)``;
the module's handler takes the parsed arguments and returns an exit code:
0 success, 1 some input rejected, 2 usage or configuration error. Bad input
never produces a traceback: known errors are printed as one line.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from bot.settings import ConfigError
from bot.storage.db import DatabaseError

COMMANDS = ("run", "ingest", "analyze", "who", "search", "digest", "eval", "retag")

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A bad argument found after parsing (exit 2, one line)."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="DIR",
        default=None,
        help="config folder holding bot.toml, topics.toml, actors.toml "
        "(default ./config, or $NEWSBOT_CONFIG)",
    )
    common.add_argument(
        "--db",
        metavar="FILE",
        default=None,
        help="SQLite database file (default from bot.toml, or $NEWSBOT_DB)",
    )
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Japanese news on the war in Ukraine: ingest, tag, look up, alert.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"bot.cli.{name}_cmd")
        module.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args) or 0)
    except (ConfigError, DatabaseError, UsageError) as exc:
        print(f"newsbot {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:
    sys.exit(main())
