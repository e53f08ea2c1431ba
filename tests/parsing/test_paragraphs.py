"""Body-text rules shared by both formats, and which file names may be parsed."""

from __future__ import annotations

import pytest

from bot.parsing import is_supported_name
from bot.parsing.paragraphs import is_caption, is_heading, merge_wrapped, split_dateline

HEADINGS = [
    ("トランプ氏「直ちに交渉を開始」", True),
    ("ゼレンスキー氏とも電話協議", True),
    ("「決定的な一歩」", True),
    ("停戦は実現するか？", True),
    ("「プーチン氏と合意した。」", False),
    ("協議は1時間半に及んだという。", False),
    ("The talks ended.", False),
    ("あ" * 41, False),
    ("あ" * 40, True),
]


@pytest.mark.parametrize(("text", "expected"), HEADINGS)
def test_is_heading(text: str, expected: bool) -> None:
    assert is_heading(text) is expected


CAPTIONS = [
    ("トランプ米大統領はロシアのプーチン大統領と電話会談した=AP", False, True),
    ("最高人民会議で演説する金正恩総書記(15日、平壌)=朝鮮中央通信・共同", False, True),
    ("到着したカレリナ氏(右、10日)=UAE外務省提供・ロイター", True, True),
    ("会見する首相=本社撮影", True, True),
    ("会見する首相＝ＡＰ", True, True),
    ("円相場は1ドル=150円", True, False),
    ("円相場は1ドル=150円台で推移した。", False, False),
    ("=AP", False, False),
    ("【ワシントン=坂口幸裕】本文", False, False),
    ("為替=円安", False, True),
    ("為替=円安", True, False),
]


@pytest.mark.parametrize(("text", "anywhere", "expected"), CAPTIONS)
def test_is_caption(text: str, anywhere: bool, expected: bool) -> None:
    assert is_caption(text, anywhere=anywhere) is expected


DATELINES = [
    ("【ワシントン=坂口幸裕】本文。", ("ワシントン", "坂口幸裕", "本文。")),
    ("【ウィーン＝田中孝幸】本文。", ("ウィーン", "田中孝幸", "本文。")),
    ("【ロンドン=共同】 本文。", ("ロンドン", "共同", "本文。")),
    ("【北京=A、上海=B】本文。", ("北京", "A、B", "本文。")),
    ("【速報】本文。", (None, None, "【速報】本文。")),
    ("本文【ワシントン=坂口幸裕】", (None, None, "本文【ワシントン=坂口幸裕】")),
]


@pytest.mark.parametrize(("text", "expected"), DATELINES)
def test_split_dateline(text: str, expected: tuple[str | None, str | None, str]) -> None:
    assert split_dateline(text) == expected


MERGES = [
    (["一行目。", "二行目。"], ["一行目。", "二行目。"]),
    (["写真(2018年7月、", "フィンランド)=AP"], ["写真(2018年7月、フィンランド)=AP"]),
    (["ロシア外務省は21日、", "声明を発表した。"], ["ロシア外務省は21日、声明を発表した。"]),
    (["見出し", "本文です。"], ["見出し", "本文です。"]),
    (
        ["「長い引用は段落をまたぐ。", "そして閉じる」と述べた。"],
        ["「長い引用は段落をまたぐ。", "そして閉じる」と述べた。"],
    ),
    (
        [
            "写真説明が長くて四十字を超えることもある会談で握手する両首脳(12日)=AP",
            "【東京=共同】本文。",
        ],
        [
            "写真説明が長くて四十字を超えることもある会談で握手する両首脳(12日)=AP",
            "【東京=共同】本文。",
        ],
    ),
    (
        ["Talks in Riyadh ended on Tuesday and both sides agreed", "to meet again."],
        ["Talks in Riyadh ended on Tuesday and both sides agreed to meet again."],
    ),
    (["Short English heading", "Body text."], ["Short English heading", "Body text."]),
]


@pytest.mark.parametrize(("lines", "expected"), MERGES)
def test_merge_wrapped(lines: list[str], expected: list[str]) -> None:
    assert merge_wrapped(lines) == expected


NAMES = [
    ("a.txt", True),
    ("A.TXT", True),
    ("feed.json", True),
    ("feed.jsonl", True),
    ("noext", True),
    ("notes.md", True),
    ("inbox/sub/a.txt", True),
    ("C:\\inbox\\a.txt", True),
    (".hidden.txt", False),
    ("inbox/.a.txt.swp", False),
    ("a.txt.part", False),
    ("a.txt.PART", False),
    ("a.tmp", False),
    ("a.txt.swp", False),
    ("a.txt~", False),
    ("a.txt.crdownload", False),
    ("", False),
]


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_is_supported_name(name: str, expected: bool) -> None:
    assert is_supported_name(name) is expected
