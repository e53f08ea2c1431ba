"""Names across scripts: Hepburn, the phonetic key, and resolving queries."""

from __future__ import annotations

import pytest

from bot.nlp.names import (
    EXACT_MIN,
    build_index,
    fold,
    hepburn,
    name_key,
    name_variants,
    query_keys,
    resolve,
    romanize_name,
    similarity,
    sound,
    spelled,
)


@pytest.mark.parametrize(
    ("kana", "romaji"),
    [
        ("ペスコフ", "pesukofu"),
        ("ウィットコフ", "wittokofu"),
        ("ゼレンスキー", "zerensuki"),
        ("マーク・フォーゲル", "maku fogeru"),
        ("シュタインブレッハー", "shutainburehha"),
        ("ジャンピエール", "janpieru"),
        ("チェルニヒウ", "cherunihiu"),
        ("ヴァシリー", "vashiri"),
        ("ぺすこふ", "pesukofu"),
    ],
)
def test_hepburn(kana: str, romaji: str) -> None:
    assert hepburn(kana) == romaji


def test_romanize_name_capitalises_parts_and_leaves_other_scripts() -> None:
    assert romanize_name("マーク・フォーゲル") == "Maku Fogeru"
    assert romanize_name("岸田") == "岸田"


@pytest.mark.parametrize(
    ("english", "katakana"),
    [
        ("Peskov", "ペスコフ"),
        ("peskow", "ペスコフ"),
        ("Witkoff", "ウィットコフ"),
        ("Witkof", "ウィットコフ"),
        ("Hegseth", "ヘグセス"),
        ("Zelenskyy", "ゼレンスキー"),
        ("Zelensky", "ゼレンスキー"),
        ("Waltz", "ウォルツ"),
        ("Ratcliffe", "ラトクリフ"),
        ("Rubio", "ルビオ"),
        ("Lavrov", "ラブロフ"),
        ("Stoltenberg", "ストルテンベルグ"),
        ("Putin", "プーチン"),
        ("Sanchez", "サンチェス"),
        ("Dmitry Peskov", "ドミトリー・ペスコフ"),
        ("Arakhamia", "アラハミア"),
        ("Kara-Murza", "カラムルザ"),
        ("Iwaya", "イワヤ"),  # no consonant left: the spelling is the key
        ("Ai", "アイ"),
    ],
)
def test_english_and_katakana_share_a_key(english: str, katakana: str) -> None:
    assert name_key(english) == name_key(katakana)


@pytest.mark.parametrize(
    ("english", "katakana"),
    [
        ("Warmbier", "ワームビア"),  # r after a vowel is a long vowel in katakana
        ("Starmer", "スターマー"),
        ("Whelan", "ウィーラン"),  # silent h after w
    ],
)
def test_query_key_variants_cover_spelling_habits(english: str, katakana: str) -> None:
    assert name_key(katakana) in query_keys(english)
    assert name_key(katakana) != name_key(english)


@pytest.mark.parametrize("query", ["ﾍﾟｽｺﾌ", "ぺすこふ", "Ｐｅｓｋｏｖ", " peskov ", "PESKOV"])
def test_width_case_and_hiragana_do_not_matter(query: str) -> None:
    assert name_key(query) == name_key("ペスコフ")


def test_fold_keeps_kana_voicing_but_strips_latin_accents() -> None:
    assert fold("ペスコフ") == "ペスコフ"
    assert fold("Erdoğan Sánchez") == "erdogan sanchez"


def test_keys_of_different_names_differ() -> None:
    keys = {name_key(n) for n in ("Peskov", "Lavrov", "Putin", "Trump", "Biden", "Vance")}
    assert len(keys) == 6
    assert name_key("Iwaya") != name_key("Ai") and name_key("Ai")


def test_kanji_keys_are_the_name_itself() -> None:
    assert name_key("岸田") == "岸田"
    assert name_key(" 石破 茂 ") == "石破茂"


def test_name_variants_add_the_surname() -> None:
    assert name_variants("Dmitry Peskov") == ["Dmitry Peskov", "Peskov"]
    assert name_variants("マーク・フォーゲル") == ["マーク・フォーゲル", "フォーゲル"]
    assert name_variants("岸田文雄") == ["岸田文雄"]
    assert name_variants("  ") == []


def test_spelled_folds_case_accents_and_romanises_katakana() -> None:
    assert spelled("Sánchez") == "sanchez"
    assert spelled("ペスコフ") == "pesukofu"


INDEX = build_index(
    [
        ("peskov", "ペスコフ"),
        ("peskov", "Dmitry Peskov"),
        ("witkoff", "ウィットコフ"),
        ("waltz", "ウォルツ"),
        ("vance", "バンス"),
        ("mbs", "ムハンマド"),
        ("mbs", "Mohammed bin Salman"),
        ("mbz", "ムハンマド"),
        ("mbz", "Mohamed bin Zayed"),
        ("x-karerina", "クセニア・カレリナ"),  # not curated: only the katakana is known
        ("x-mori", "森"),
        ("x-mori", "モリ"),
        ("miller", "ミラー"),
        ("miller", "Matthew Miller"),
        ("x-akazawa", "アカザワ"),
        ("kishida", "岸田"),
        ("kishida", "キシダ"),
    ]
)


@pytest.mark.parametrize(
    ("query", "status", "ids"),
    [
        ("Peskov", "found", ["peskov"]),
        ("peskov", "found", ["peskov"]),
        ("PESKOW", "found", ["peskov"]),
        ("Dmitry Peskov", "found", ["peskov"]),
        ("ペスコフ", "found", ["peskov"]),
        ("Witkof", "found", ["witkoff"]),
        ("Waltz", "found", ["waltz"]),
        ("Vance", "found", ["vance"]),
        ("Karelina", "found", ["x-karerina"]),  # from the katakana alone
        ("kishida", "found", ["kishida"]),
        ("岸田", "found", ["kishida"]),
        ("Salman", "found", ["mbs"]),
        ("ムハンマド", "ambiguous", ["mbs", "mbz"]),
        ("Mori", "found", ["x-mori"]),  # モリ and ミラー share a key; spelling decides
        ("Miller", "found", ["miller"]),
        ("Xi", "unknown", []),  # ks = アカザワ's key too, but nothing like it
        ("Smith", "unknown", []),
        ("", "unknown", []),
    ],
)
def test_resolve(query: str, status: str, ids: list[str]) -> None:
    match = resolve(query, INDEX)
    assert match.status == status
    assert match.ids == ids


def test_unknown_comes_with_the_nearest_as_suggestions() -> None:
    match = resolve("Pesto", INDEX)
    assert match.status == "unknown"
    assert match.suggestions[0] == "peskov"


def test_near_miss_is_refused_when_two_people_are_as_near() -> None:
    index = build_index([("a", "ペスコフ"), ("b", "ペスコス")])
    assert resolve("Peskow", index).status == "found"  # exact key pskb
    match = resolve("Peskot", index)
    assert match.status in ("ambiguous", "unknown")
    assert match.ids != ["a"] and match.ids != ["b"]


# English spellings and how Japanese articles write the same people: extra vowels,
# ッ/ー, l/r, v/b/w, ts/ch, -ev/エフ, -ski/スキ, -vich/ビッチ, wh/ホワ.
SOUNDS_ALIKE = [
    ("Aliyev", "アリエフ"),
    ("Ibrahim", "イブラヒム"),
    ("Tshisekedi", "チセケディ"),
    ("Nawrocki", "ナブロツキ"),
    ("Kallas", "カラス"),
    ("Lubinets", "ルビネツ"),
    ("Lvova-Belova", "リボワベロワ"),
    ("Abramovich", "アブラモビッチ"),
    ("Zelensky", "ゼレンスキー"),
    ("Netanyahu", "ネタニヤフ"),
    ("Sweeney", "スウィーニー"),
    ("White", "ホワイト"),
    ("Scholz", "ショルツ"),
    ("Rutte", "ルッテ"),
    ("Stoltenberg", "ストルテンベルグ"),
    ("Khulaifi", "フライフィ"),
    ("Kovalenko", "コワレンコ"),
    ("Karelina", "カレリナ"),
]


@pytest.mark.parametrize(("english", "katakana"), SOUNDS_ALIKE)
def test_english_and_katakana_sound_alike(english: str, katakana: str) -> None:
    assert similarity(english, katakana) >= EXACT_MIN
    assert similarity(english, katakana) > similarity(english, "ペスコフ")


@pytest.mark.parametrize(
    ("query", "katakana"),
    [
        ("Xyzzyqwv", "ペスコフ"),  # keys one edit apart, nothing alike
        ("Qwerty", "カトウ"),
        ("Johnson", "ナツノ"),  # same key snsn
        ("Aliyev", "ルビオ"),  # same key rb
        ("Pesto", "ペスコフ"),
        ("Sunak", "ヨシノ"),
    ],
)
def test_different_names_do_not_sound_alike(query: str, katakana: str) -> None:
    assert similarity(query, katakana) < EXACT_MIN


def test_sound_of_other_scripts_is_empty() -> None:
    assert sound("岸田") == ""
    assert sound("ペスコフ") == sound("ぺすこふ")


# People found in articles (x- ids: only katakana and its romaji are known) next to
# curated ones whose keys collide with theirs.
OUTSIDE = build_index(
    [
        ("rubio", "ルビオ"),
        ("rubio", "Marco Rubio"),
        ("x-ariefu", "アリエフ"),
        ("x-chisekedi", "チセケディ"),
        ("x-naburotsuki", "ナブロツキ"),
        ("x-ribowaberowa", "リボワベロワ"),
        ("x-furaifi", "フライフィ"),
        ("x-suwini", "ティム・スウィーニー"),
        ("x-sen", "フン・セン"),
        ("x-yoshino", "ヨシノ"),
        ("x-natsuno", "ナツノ"),
        ("x-ibrahimu", "アンワル・イブラヒム"),
        ("peskov", "ペスコフ"),
        ("peskov", "Dmitry Peskov"),
        ("ushakov", "ウシャコフ"),
        ("mbs", "ムハンマド"),
        ("mbz", "ムハンマド"),
        ("iwaya", "岩屋"),
        ("iwaya", "イワヤ"),  # the reading the pipeline stores for a kanji name
        ("harris", "ハリス"),
        ("x-horowittsu", "ホロウィッツ"),
    ]
)


@pytest.mark.parametrize(
    ("query", "status", "ids"),
    [
        ("Iwaya", "found", ["iwaya"]),
        ("Horowitz", "found", ["x-horowittsu"]),  # key hrs is ハリス's; hrts sounds right
        ("Harris", "found", ["harris"]),
        ("Aliyev", "found", ["x-ariefu"]),  # key rb shared with Rubio
        ("Rubio", "found", ["rubio"]),
        ("Tshisekedi", "found", ["x-chisekedi"]),
        ("Nawrocki", "found", ["x-naburotsuki"]),
        ("Lvova-Belova", "found", ["x-ribowaberowa"]),
        ("Khulaifi", "found", ["x-furaifi"]),
        ("Sweeney", "found", ["x-suwini"]),  # key sn shared with セン and ヨシノ
        ("Tim Sweeney", "found", ["x-suwini"]),
        ("Ibrahim", "found", ["x-ibrahimu"]),
        ("Anwar Ibrahim", "found", ["x-ibrahimu"]),
        ("Xyzzyqwv", "unknown", []),  # one key edit from Peskov
        ("Johnson", "unknown", []),  # Natsuno's key
        ("Qwerty", "unknown", []),
        ("ムハンマド", "ambiguous", ["mbs", "mbz"]),
    ],
)
def test_resolve_people_outside_the_gazetteer(query: str, status: str, ids: list[str]) -> None:
    match = resolve(query, OUTSIDE)
    assert (match.status, match.ids) == (status, ids)


def test_nonsense_is_unknown_with_suggestions() -> None:
    match = resolve("Xyzzyqwv", OUTSIDE)
    assert match.status == "unknown"
    assert match.suggestions  # the nearest keys are still offered
