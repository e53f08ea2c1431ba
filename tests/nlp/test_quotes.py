"""Quote attribution on sentences written for these tests (not copied from the corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.models import Article, Paragraph
from bot.nlp.gazetteer import Gazetteer, load_gazetteer
from bot.nlp.people import find_people
from bot.nlp.tokenizer import get_tokenizer

REPO = Path(__file__).resolve().parents[2]
GAZ = load_gazetteer(REPO / "config" / "actors.toml")


def quotes(
    *paragraphs: str, title: str = "見出し", gaz: Gazetteer = GAZ
) -> list[tuple[str, str | None]]:
    a = Article(title=title, paragraphs=tuple(Paragraph(p) for p in paragraphs))
    _, found = find_people(get_tokenizer().parse(a.nlp_text()), a, gaz)
    return [(q.text, q.speaker) for q in found]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # Xは「…」と述べた, with words between the topic and the quote.
        (["ルビオ国務長官は10日、記者団に「交渉の余地はある」と述べた。"],
         [("交渉の余地はある", "rubio")]),
        # とも: the same speaker goes on in the next sentence without a subject.
        (["ラブロフ外相は「合意は近い」と語った。「課題は残る」とも述べた。"],
         [("合意は近い", "lavrov"), ("課題は残る", "lavrov")]),
        # Xによると.
        (["ペスコフ氏によると、「協議は建設的だった」という。"],
         [("協議は建設的だった", "peskov")]),
        # 「…」とX氏は.
        (["「停戦は近い」とゼレンスキー大統領は強調した。"], [("停戦は近い", "zelensky")]),
        # との + noun of speech.
        (["ネタニヤフ首相は「戦闘を再開する」との考えを示した。"],
         [("戦闘を再開する", "netanyahu")]),
        # 同氏 as the speaker.
        (["ゼレンスキー大統領は前線を視察した。同氏は「一歩も引かない」と語った。"],
         [("一歩も引かない", "zelensky")]),
        # A quote-only sentence, then the speaker.
        (["「歴史的な日だ」。ストゥブ大統領は式典でこう語った。"], [("歴史的な日だ", "stubb")]),
        # The subject carried from the sentence before (Japanese drops it).
        (["トランプ氏は議会で演説した。「悪夢は終わった」と述べ、「新たな夜明けだ」と訴えた。"],
         [("悪夢は終わった", "trump"), ("新たな夜明けだ", "trump")]),
        # A speaker across a paragraph break, with no new topic in between.
        (["メジンスキー大統領補佐官は協議に満足した。", "「次の会合も開く」と記者団に語った。"],
         [("次の会合も開く", "medinsky")]),
        # Embedded report: Putin said it, Peskov reported that he did.
        (["ペスコフ大統領報道官は、プーチン大統領が「対話の用意がある」と述べたと明らかにした。"],
         [("対話の用意がある", "putin")]),
        # A quote that spans sentences inside the brackets.
        (["バンス副大統領は「停戦は可能だ。だが時間がかかる」と話した。"],
         [("停戦は可能だ。だが時間がかかる", "vance")]),
        # Short utterances still count when reported.
        (["トランプ氏は質問に「ひどい」と答えた。"], [("ひどい", "trump")]),
        (["赤沢経済再生相はXに「任務完了」と投稿した。"], [("任務完了", "akazawa")]),
        # A bare title for the one person given it in the article.
        (["石破茂首相は会見した。", "首相は「最も低い数字だ」と胸を張った。"],
         [("最も低い数字だ", "ishiba")]),
        (["ゼレンスキー大統領は演説した。「一歩も引かない」と力を込めた。"],
         [("一歩も引かない", "zelensky")]),
    ],
)  # fmt: skip
def test_attributed(paragraphs: list[str], expected: list[tuple[str, str | None]]) -> None:
    assert quotes(*paragraphs) == expected


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # Terms and names in brackets are not speech.
        (["NATOは「門戸開放」政策を掲げてきた。"], []),
        (["ロシアは「ドネツク人民共和国」の独立を承認した。"], []),
        (["ゼレンスキー大統領は「平和の公式」を提唱した。"], []),
        (["プーチン氏は作戦を「特別軍事作戦」と呼ぶ。"], []),
        # Reported, but the speaker is not one person: stay unattributed.
        (["トランプ氏とプーチン氏は「生産的だった」と述べた。"], [("生産的だった", None)]),
        (["ロシア外務省は「受け入れられない」と反発した。"], [("受け入れられない", None)]),
        (["ゼレンスキー氏は演説した。両首脳は「協力を深める」と確認した。"],
         [("協力を深める", None)]),
        # The bare title fits two people, or a different (unnamed) person: nobody.
        (["スターマー英首相と石破首相が会談した。首相は「協力する」と述べた。"],
         [("協力する", None)]),
        (["トランプ大統領は演説した。副大統領は「支持する」と述べた。"], [("支持する", None)]),
        (["ネタニヤフ首相の事務所は声明で「撤退はない」と発表した。"], [("撤退はない", None)]),
        # Opinions that are around are nobody's words.
        (["ルッテ事務総長は会見した。専門家の間では「停戦は遠のいた」との見方が強い。"],
         [("停戦は遠のいた", None)]),
        (["バンス副大統領は演説した。欧州連合(EU)は「一方的だ」とする声明を出した。"],
         [("一方的だ", None)]),
        # An organisation becomes the topic: the earlier person does not carry over.
        (["ラブロフ外相は会談した。ロシア外務省は声明で「誠意ある対応だ」と評価した。"],
         [("誠意ある対応だ", None)]),
    ],
)  # fmt: skip
def test_unattributed_or_not_quotes(
    paragraphs: list[str], expected: list[tuple[str, str | None]]
) -> None:
    assert quotes(*paragraphs) == expected


def test_headline_style_name_then_quote() -> None:
    assert quotes("式典が開かれた。", title="トランプ氏「戦争は終わった」") == [
        ("戦争は終わった", "trump")
    ]


def test_unrecognised_titled_person_is_not_replaced_by_the_previous_speaker() -> None:
    got = quotes(
        "ベッセント米財務長官は「貿易を望む」と述べた。"
        "中国の何立峰副首相は「重要な一歩だ」と評価した。",
        gaz=Gazetteer(),
    )
    assert got[0] == ("貿易を望む", "x-bessento")
    assert got[1] == ("重要な一歩だ", None)


def test_people_named_inside_a_quote_do_not_speak() -> None:
    got = quotes("会見で「プーチン氏は交渉を望んでいる」と述べた。")
    assert got == [("プーチン氏は交渉を望んでいる", None)]
