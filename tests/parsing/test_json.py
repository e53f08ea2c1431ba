"""JSON article files (SPEC §2.2): layouts, fields, bad objects, dispatch by name."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from bot.models import Paragraph
from bot.parsing import parse_bytes

from .conftest import TOKYO

BODY = (
    "【ワシントン=坂口幸裕】トランプ米大統領は12日、プーチン大統領と電話協議した。\n\n"
    "トランプ氏「直ちに交渉を開始」\n\n"
    "両首脳は相互訪問でも合意した。"
)
GOOD: dict[str, Any] = {
    "title": "トランプ氏、交渉開始で合意",
    "body": BODY,
    "source": "Nikkei Online",
    "published": "2025-02-13T03:59:00",
    "subtitle": "ウクライナ打撃",
    "url": "https://example.com/a/1",
    "id": "nk-1",
}


def dump(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def jsonl(*objs: object) -> bytes:
    return "\n".join(json.dumps(o, ensure_ascii=False) for o in objs).encode("utf-8")


def test_single_object_all_fields() -> None:
    outcome = parse_bytes(dump(GOOD), "feed.json")
    assert outcome.reason is None
    (article,) = outcome.articles
    assert article.title == GOOD["title"]
    assert article.subtitle == "ウクライナ打撃"
    assert article.source == "Nikkei Online"
    assert article.published == datetime(2025, 2, 13, 3, 59, tzinfo=TOKYO)
    assert article.url == "https://example.com/a/1"
    assert article.external_id == "nk-1"
    assert (article.dateline, article.byline) == ("ワシントン", "坂口幸裕")
    assert article.paragraphs == (
        Paragraph("トランプ米大統領は12日、プーチン大統領と電話協議した。", "p"),
        Paragraph("トランプ氏「直ちに交渉を開始」", "heading"),
        Paragraph("両首脳は相互訪問でも合意した。", "p"),
    )


LAYOUTS = {
    "list": ("feed.json", dump([GOOD, {**GOOD, "title": "二本目"}])),
    "articles wrapper": ("feed.json", dump({"articles": [GOOD, {**GOOD, "title": "二本目"}]})),
    "jsonl": ("feed.jsonl", jsonl(GOOD, {**GOOD, "title": "二本目"})),
    "jsonl with blank lines and CRLF": (
        "feed.JSONL",
        b"\r\n"
        + jsonl(GOOD).replace(b"\n", b"")
        + b"\r\n\r\n"
        + jsonl({**GOOD, "title": "二本目"}),
    ),
    ".json holding JSON lines": ("feed.json", jsonl(GOOD, {**GOOD, "title": "二本目"})),
    ".jsonl holding a pretty list": (
        "feed.jsonl",
        json.dumps([GOOD, {**GOOD, "title": "二本目"}], ensure_ascii=False, indent=2).encode(),
    ),
    ".txt holding JSON": ("feed.txt", dump([GOOD, {**GOOD, "title": "二本目"}])),
    "no suffix, UTF-16": (
        "feed",
        b"\xff\xfe" + dump([GOOD, {**GOOD, "title": "二本目"}]).decode().encode("utf-16-le"),
    ),
}


@pytest.mark.parametrize(("name", "data"), LAYOUTS.values(), ids=LAYOUTS.keys())
def test_layouts(name: str, data: bytes) -> None:
    outcome = parse_bytes(data, name)
    assert outcome.reason is None
    assert [a.title for a in outcome.articles] == [GOOD["title"], "二本目"]


PUBLISHED = [
    ("2025-02-13T03:59:00", datetime(2025, 2, 13, 3, 59, tzinfo=TOKYO)),
    ("2025-02-13 03:59", datetime(2025, 2, 13, 3, 59, tzinfo=TOKYO)),
    ("2025-02-12T18:59:00Z", datetime(2025, 2, 12, 18, 59, tzinfo=UTC)),
    ("2025-02-13T03:59:00+09:00", datetime(2025, 2, 13, 3, 59, tzinfo=TOKYO)),
    (
        "2025-02-12T20:59:00+02:00",
        datetime(2025, 2, 12, 20, 59, tzinfo=timezone(timedelta(hours=2))),
    ),
    ("2025-02-13", datetime(2025, 2, 13, tzinfo=TOKYO)),
    ("2025年2月13日 3:59更新", datetime(2025, 2, 13, 3, 59, tzinfo=TOKYO)),
]


@pytest.mark.parametrize(("value", "expected"), PUBLISHED)
def test_published(value: str, expected: datetime) -> None:
    (article,) = parse_bytes(dump({**GOOD, "published": value}), "a.json").articles
    assert article.published == expected
    assert article.published is not None and article.published.tzinfo is not None


def test_body_as_list_and_numeric_id() -> None:
    obj = {"title": "見出し", "body": ["一段落目です。", "二段落目です。"], "id": 123}
    (article,) = parse_bytes(dump(obj), "a.json").articles
    assert [p.text for p in article.paragraphs] == ["一段落目です。", "二段落目です。"]
    assert article.external_id == "123"
    assert article.source is None and article.published is None


def test_wrapped_lines_inside_a_paragraph_are_joined() -> None:
    obj = {
        "title": "Headline",
        "body": "ロシア外務省は21日、\n声明を発表した。\n\nThe talks\nended today.",
    }
    (article,) = parse_bytes(dump(obj), "a.json").articles
    assert [p.text for p in article.paragraphs] == [
        "ロシア外務省は21日、声明を発表した。",
        "The talks ended today.",
    ]


BAD_OBJECTS = {
    "missing title": ({"body": BODY}, "missing 'title'"),
    "empty title": ({"title": "  ", "body": BODY}, "'title' is empty"),
    "title not text": ({"title": 5, "body": BODY}, "'title' must be text, not int"),
    "missing body": ({"title": "見出し"}, "missing 'body'"),
    "body not text": ({"title": "見出し", "body": {"a": 1}}, "'body' must be text, not dict"),
    "headings only": ({"title": "見出し", "body": "短い行\n\n別の短い行"}, "only headings"),
    "not an object": (["title", "body"], "not an object but list"),
}


@pytest.mark.parametrize(("obj", "fragment"), BAD_OBJECTS.values(), ids=BAD_OBJECTS.keys())
def test_bad_object_in_jsonl_is_skipped_and_named(obj: object, fragment: str) -> None:
    outcome = parse_bytes(jsonl(GOOD, obj, {**GOOD, "title": "三本目"}), "feed.jsonl")
    assert [a.title for a in outcome.articles] == [GOOD["title"], "三本目"]
    assert outcome.reason is not None
    assert outcome.reason.startswith("line 2: ") and fragment in outcome.reason


@pytest.mark.parametrize(("obj", "fragment"), BAD_OBJECTS.values(), ids=BAD_OBJECTS.keys())
def test_bad_object_alone_means_no_article(obj: object, fragment: str) -> None:
    outcome = parse_bytes(dump([obj]), "feed.json")
    assert outcome.articles == ()
    assert outcome.reason is not None
    assert outcome.reason.startswith("no article found: [0]: ") and fragment in outcome.reason


def test_bad_optional_fields_keep_the_article_and_are_reported() -> None:
    obj = {**GOOD, "published": "13 Feb 2025", "source": 7, "id": True}
    outcome = parse_bytes(dump(obj), "a.json")
    (article,) = outcome.articles
    assert article.published is None and article.source is None and article.external_id is None
    assert outcome.reason is not None
    for fragment in ("'published' ignored", "'source' ignored", "'id' ignored"):
        assert fragment in outcome.reason


def test_broken_line_in_jsonl() -> None:
    data = jsonl(GOOD) + b'\n{"title": "x", "body": \n' + jsonl({**GOOD, "title": "三本目"})
    outcome = parse_bytes(data, "feed.jsonl")
    assert [a.title for a in outcome.articles] == [GOOD["title"], "三本目"]
    assert outcome.reason is not None and outcome.reason.startswith("line 2: not valid JSON")


INVALID = {
    "truncated": (dump(GOOD)[:-10], "feed.json"),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "feed.json"),
    "not JSON in .jsonl": ("これはJSONではない\n".encode(), "feed.jsonl"),
    "scalar": (b"42", "feed.json"),
}


@pytest.mark.parametrize(("data", "name"), INVALID.values(), ids=INVALID.keys())
def test_invalid_json(data: bytes, name: str) -> None:
    outcome = parse_bytes(data, name)
    assert outcome.articles == ()
    assert outcome.reason is not None and outcome.reason.startswith("no article found: ")
    assert "internal" not in outcome.reason and "\n" not in outcome.reason


def test_txt_starting_with_bracket_that_is_not_json_is_text() -> None:
    text = (
        "[速報]ロシア、停戦案を拒否\n\nSource: Kyodo, 2025年3月1日 9:00更新\n\n"
        "ロシア外務省は1日、停戦案を拒否すると発表した。\n"
    )
    outcome = parse_bytes(text.encode(), "news.txt")
    assert [a.title for a in outcome.articles] == ["[速報]ロシア、停戦案を拒否"]


def test_max_articles_in_json() -> None:
    outcome = parse_bytes(dump([GOOD] * 5), "a.json", max_articles=2)
    assert len(outcome.articles) == 2
    assert outcome.reason == "only the first 2 articles were read (limit)"
