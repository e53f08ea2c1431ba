"""Person mentions, roles and the gazetteer, on sentences written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.models import Article, Paragraph
from bot.nlp.gazetteer import Gazetteer, load_gazetteer
from bot.nlp.mentions import Mention, find_mentions, unlisted_id
from bot.nlp.people import find_people
from bot.nlp.tokenizer import get_tokenizer
from bot.settings import ConfigError

REPO = Path(__file__).resolve().parents[2]
GAZ = load_gazetteer(REPO / "config" / "actors.toml")
EMPTY = Gazetteer()


def article(*paragraphs: str, byline: str | None = None, title: str = "見出し") -> Article:
    return Article(title=title, paragraphs=tuple(Paragraph(p) for p in paragraphs), byline=byline)


def mentions(text: str, gaz: Gazetteer = GAZ, byline: str | None = None) -> list[Mention]:
    a = article(text, byline=byline)
    return find_mentions(get_tokenizer().parse(a.nlp_text()), a, gaz)


def people(text: str, gaz: Gazetteer = GAZ, byline: str | None = None) -> dict[str, str]:
    return {m.key: m.surface for m in mentions(text, gaz, byline) if m.kind == "name"}


# Who is a person, without any curated names: the words around decide.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("コワレンコ氏は記者会見に臨んだ。", {"コワレンコ"}),
        ("コワレンコ国防次官が会見した。", {"コワレンコ"}),
        ("ウクライナのコワレンコ国防次官が会見した。", {"コワレンコ"}),
        ("ボルコフ米国務次官補は慎重だった。", {"ボルコフ"}),
        ("イワン・ペトレンコ氏らが解放された。", {"イワン・ペトレンコ"}),
        ("教師のアンナ・シェフチェンコさん(34)が帰国した。", {"アンナ・シェフチェンコ"}),
        ("長谷川一郎外相は会談後に語った。", {"長谷川一郎"}),
        ("山口氏は反対した。", {"山口"}),
        ("李明浩(イ・ミョンホ)統一相が訪米した。", {"李明浩"}),
        ("元高官、朴志遠氏は指摘した。", {"朴志遠"}),  # kanji the dictionary does not know
        ("同氏と両氏が会った。", set()),
        # Not persons: places, organisations, ordinary words, institutions.
        ("ロシア大統領府は声明を出した。", set()),
        ("トランプのカードで遊んだ。", set()),
        ("エネルギー相会合が開かれた。", set()),
        ("ドネツク州知事は避難を呼びかけた。", set()),
        ("ホワイトハウス報道官室によると", set()),
        ("フランスは慎重な姿勢を崩していない。", set()),
    ],
)
def test_people_found_from_context(text: str, expected: set[str]) -> None:
    assert set(people(text, EMPTY).values()) == expected


def test_ordinary_word_with_a_strong_title_is_a_person() -> None:
    assert set(people("トランプ大統領は合意を歓迎した。", EMPTY).values()) == {"トランプ"}
    assert people("チーム代表が集まった。", EMPTY) == {}


def test_byline_reporter_is_never_an_actor() -> None:
    text = "山田太郎記者が取材した。山田太郎氏は語った。"
    assert people(text, EMPTY, byline="山田太郎") == {}
    assert set(people(text, EMPTY).values()) == {"山田太郎"}


def test_gazetteer_names_need_no_title_and_map_to_curated_ids() -> None:
    found = people("プーチンとゼレンスキーの会談は実現しなかった。")
    assert set(found) == {"putin", "zelensky"}


def test_weak_gazetteer_form_needs_context_or_an_earlier_mention() -> None:
    assert people("トランプで遊ぶ子どもたち。") == {}
    assert "trump" in people("トランプ氏は演説した。トランプ陣営も歓迎した。")
    ms = mentions("トランプ氏は演説した。トランプはその後に退席した。")
    assert [m.key for m in ms] == ["trump", "trump"]


def test_single_kanji_forms_only_with_a_title() -> None:
    assert people("金の価格が上がった。") == {}
    assert set(people("北朝鮮の金正恩総書記が演説した。金氏は強調した。")) == {"kim-jong-un"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("サウジアラビアのムハンマド皇太子が仲介した。", "mbs"),
        ("UAEのムハンマド大統領が仲介した。", "mbz"),
        ("カタールのムハンマド首相兼外相が発表した。", "al-thani-mohammed"),
    ],
)
def test_shared_names_are_told_apart_by_role_and_country(text: str, expected: str) -> None:
    assert set(people(text)) == {expected}


def test_shared_name_without_context_follows_the_one_named_before() -> None:
    ms = mentions("カタールのムハンマド首相兼外相が発表した。ムハンマド氏は期待を示した。")
    assert {m.key for m in ms} == {"al-thani-mohammed"}


def test_surname_alone_after_the_full_name_is_the_same_person() -> None:
    ms = mentions("米国人のジョン・ハリントン氏が解放された。ハリントンは元教師だ。", EMPTY)
    assert [m.kind for m in ms] == ["name", "surname"]
    assert ms[0].key == ms[1].key == unlisted_id("ハリントン")


def test_dou_shi_and_dou_title_refer_back() -> None:
    ms = mentions("ゼレンスキー大統領は前線を訪れた。同大統領は兵士を激励した。同氏は語った。")
    assert [m.key for m in ms] == ["zelensky", "zelensky", "zelensky"]
    assert [m.kind for m in ms] == ["name", "anaphor", "anaphor"]


def test_mentions_inside_quotes_are_marked() -> None:
    ms = mentions("ルビオ氏は「プーチン氏は本気だ」と述べた。")
    assert [(m.key, m.in_quote) for m in ms] == [("rubio", False), ("putin", True)]


def test_unlisted_ids_are_stable_and_romanised() -> None:
    assert unlisted_id("ハリントン") == "x-harinton"
    assert unlisted_id("ハリントン") == unlisted_id("ハリントン")
    assert unlisted_id("", "某").startswith("x-")


@pytest.mark.parametrize(
    ("text", "actor_id", "role", "affiliation"),
    [
        ("ロシアのペスコフ大統領報道官は述べた。", "peskov", "ロシア大統領報道官", "ロシア"),
        ("ヘグセス米国防長官は語った。", "hegseth", "米国防長官", "米国"),
        ("ウィットコフ中東担当特使が訪れた。", "witkoff", "中東担当特使", "米国"),
        ("NATOのルッテ事務総長は述べた。", "rutte", "NATO事務総長", "NATO"),
        ("ウォルツ大統領補佐官(国家安全保障担当)が同席した。", "waltz",
         "大統領補佐官(国家安全保障担当)", "米国"),
        ("取締役の佐藤健一氏が説明した。", None, "取締役", None),
        ("イエルマーク大統領府長官が出席した。", "yermak", "大統領府長官", "ウクライナ"),
        ("米中央情報局(CIA)のラトクリフ長官が交渉した。", "ratcliffe", "CIA長官", "CIA"),
        ("クルスク州のスミルノフ知事代行が報告した。", None, "クルスク州知事代行", "クルスク州"),
        ("金与正(キム・ヨジョン)朝鮮労働党副部長が談話を出した。", "kim-yo-jong",
         "朝鮮労働党副部長", "北朝鮮"),
    ],
)  # fmt: skip
def test_roles_and_affiliations(
    text: str, actor_id: str | None, role: str, affiliation: str | None
) -> None:
    a = article(text)
    actors, _ = find_people(get_tokenizer().parse(a.nlp_text()), a, GAZ)
    actor = actors[0] if actor_id is None else next(x for x in actors if x.id == actor_id)
    assert actor.role == role
    assert actor.affiliation == affiliation


def test_actor_refs_carry_names_readings_and_counts() -> None:
    a = article("長谷川一郎外相は会見した。長谷川氏は慎重だった。")
    actors, _ = find_people(get_tokenizer().parse(a.nlp_text()), a, EMPTY)
    (actor,) = actors
    assert actor.id.startswith("x-hasegawa")
    assert actor.name_ja == "長谷川一郎"
    assert actor.mentions == 2
    assert "ハセガワ" in actor.names  # romaji lookups reach kanji names through the reading
    assert actor.name_en and "Hasegawa" in actor.name_en


def write_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "actors.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_gazetteer_reads_entries(tmp_path: Path) -> None:
    path = write_toml(
        tmp_path,
        '[[actor]]\nid = "kovalenko"\nen = "Ivan Kovalenko"\nja = ["コワレンコ"]\n'
        'roles = ["国防次官"]\ncountry = "ウクライナ"\n',
    )
    gaz = load_gazetteer(path)
    assert len(gaz) == 1
    assert set(people("コワレンコは述べた。", gaz)) == {"kovalenko"}


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('[[actor]]\nid = "a"\nja = ["ア"]\n', "actor 'a': field 'en'"),
        ('[[actor]]\nid = "a"\nen = "A"\n', "actor 'a': field 'ja'"),
        ('[[actor]]\nid = "a"\nen = "A"\nja = []\n', "actor 'a': field 'ja'"),
        ('[[actor]]\nid = "A B"\nen = "A"\nja = ["ア"]\n', "field 'id'"),
        ('[[actor]]\nen = "A"\nja = ["ア"]\n', "actor #1: field 'id'"),
        ('[[actor]]\nid = "x-a"\nen = "A"\nja = ["ア"]\n', "reserved"),
        ('[[actor]]\nid = "a"\nen = "A"\nja = ["ア"]\nroles = "r"\nrole = 1\n', "unknown field"),
        ('[[actor]]\nid = "a"\nen = "A"\nja = ["ア"]\naliases = [1]\n', "field 'aliases'"),
        ('[[actor]]\nid = "a"\nen = "A"\nja = ["ア"]\n[[actor]]\nid = "a"\nen = "B"\nja = ["イ"]\n',
         "duplicate id"),
        ("[[actor]\n", "cannot read"),
    ],
)  # fmt: skip
def test_malformed_gazetteer_names_actor_and_field(tmp_path: Path, toml: str, needle: str) -> None:
    path = write_toml(tmp_path, toml)
    with pytest.raises(ConfigError) as err:
        load_gazetteer(path)
    assert needle in str(err.value)
    assert str(path) in str(err.value)


def test_missing_gazetteer_file_is_empty(tmp_path: Path) -> None:
    assert len(load_gazetteer(tmp_path / "none.toml")) == 0


def test_shipped_gazetteer_is_large_and_has_both_scripts() -> None:
    assert len(GAZ) >= 60
    peskov = GAZ.entries["peskov"]
    assert peskov.name_en == "Dmitry Peskov"
    assert "ペスコフ" in peskov.names_ja
    assert "ロシア大統領報道官" in peskov.roles
