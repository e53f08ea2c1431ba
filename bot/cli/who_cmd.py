"""``newsbot who NAME [--json]``: who is this person, from the stored articles.

NAME may be English, romaji, katakana or kanji (Peskov, peskow, ペスコフ, 岸田).
Exits 0 when the person is found or the name is ambiguous (candidates are
listed), 1 when no one by that name is known.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from bot.cli import EXIT_OK, EXIT_REJECTED, UsageError
from bot.services.who import WhoResult, who
from bot.settings import Settings, load_settings
from bot.storage.db import open_database


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "who",
        parents=[common],
        help="who is this person: roles, quotes, articles",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    p.add_argument("name", nargs="+", metavar="NAME", help="a name in English or Japanese")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    settings = load_settings(args.config, args.db)
    name = " ".join(args.name).strip()
    if not name:
        raise UsageError("give a name to look up")
    result = asyncio.run(_who(settings, name))
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print(render(result))
    return EXIT_REJECTED if result.status == "unknown" else EXIT_OK


async def _who(settings: Settings, name: str) -> WhoResult:
    db = await open_database(settings.db)
    try:
        return await who(db, name)
    finally:
        await db.close()


def _name(item: dict) -> str:
    en, ja = item.get("name_en"), item.get("name_ja")
    return f"{en} ({ja})" if en and ja and en != ja else str(en or ja or item.get("id"))


def render(result: WhoResult) -> str:
    """The answer as plain text for a terminal."""
    if result.status == "ambiguous":
        lines = [f"{result.query!r} could be several people:"]
        lines += [_candidate(c) for c in result.candidates]
        return "\n".join(lines)
    if result.status != "found" or not result.actor:
        lines = [f"no one called {result.query!r} is in the articles"]
        if result.candidates:
            lines.append("did you mean:")
            lines += [_candidate(c) for c in result.candidates]
        return "\n".join(lines)
    a = result.actor
    lines = [f"{_name(a)}  [{a['id']}]"]
    for i, role in enumerate(a.get("roles") or []):
        seen = (role.get("seen") or "")[:10]
        lines.append(
            f"  {'role' if i == 0 else '    '}  {role['role']}" + (f" ({seen})" if seen else "")
        )
    count = a.get("article_count") or 0
    last = (a.get("last_seen") or "")[:10]
    lines.append(
        f"  in {count} article{'s' if count != 1 else ''}" + (f", last {last}" if last else "")
    )
    if a.get("topics"):
        lines.append("  topics  " + ", ".join(f"{k} {v}" for k, v in a["topics"].items()))
    for q in a.get("quotes") or []:
        lines.append(f"  「{q['text']}」")
        lines.append(f"      — {q['article_title']} ({(q.get('published') or '')[:10]})")
    for art in a.get("articles") or []:
        lines.append(f"  #{art['id']} {art['title']} ({(art.get('published') or '')[:10]})")
    if a.get("co_actors"):
        lines.append("  with  " + ", ".join(_name(c) for c in a["co_actors"]))
    return "\n".join(lines)


def _candidate(c: dict) -> str:
    role = f" — {c['role']}" if c.get("role") else ""
    count = c.get("article_count") or 0
    return f"  {_name(c)} [{c['id']}]{role}, {count} article{'s' if count != 1 else ''}"
