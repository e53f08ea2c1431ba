"""/who over a real database filled by the real ingest (parser, pipeline, storage)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.ingest.job import IngestJob
from bot.nlp.pipeline import Pipeline
from bot.services.who import autocomplete, who
from bot.settings import Settings
from bot.storage.db import Database

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_c0298d739a49e9f8.txt"


async def ingest(settings: Settings, db: Database, *paths: Path) -> None:
    job = IngestJob(settings, db, Pipeline.from_config(settings.config_dir))
    await job.ingest_paths(list(paths))


@pytest.fixture
async def seeded(settings: Settings, db: Database, tmp_path: Path) -> Database:
    copy = tmp_path / "in" / SEED.name
    copy.parent.mkdir(parents=True)
    shutil.copy(SEED, copy)
    await ingest(settings, db, copy)
    return db


async def test_peskov_after_the_seed(seeded: Database) -> None:
    result = await who(seeded, "Peskov")
    assert result.status == "found"
    actor = result.actor
    assert actor is not None
    assert actor["id"] == "peskov"
    assert actor["name_ja"] == "ペスコフ"
    assert actor["name_en"] == "Dmitry Peskov"
    assert actor["roles"][0]["role"] == "ロシア大統領報道官"
    assert actor["article_count"] == 2
    texts = [q["text"] for q in actor["quotes"]]
    assert any(t.startswith("ウクライナ問題の解決について話しあった") for t in texts)
    assert any(t.startswith("プーチン氏は紛争の原因を取り除く") for t in texts)
    assert all(q["article_title"] and q["published"] for q in actor["quotes"])
    assert {"putin", "trump"} <= {c["id"] for c in actor["co_actors"]}
    assert actor["topics"]  # the seed articles carry topics
    assert result.as_json()["status"] == "found"


@pytest.mark.parametrize(
    ("query", "actor_id"),
    [
        ("peskow", "peskov"),
        ("ペスコフ", "peskov"),
        ("PESKOV", "peskov"),
        ("Dmitry Peskov", "peskov"),
        ("Witkoff", "witkoff"),
        ("Witkof", "witkoff"),
        ("hegseth", "hegseth"),
        ("Zelenskyy", "zelensky"),
        ("Waltz", "waltz"),
        ("ratcliffe", "ratcliffe"),
        ("peskov", "peskov"),
        ("trump", "trump"),  # the article's トランプ, not the card game
        ("witkoff", "witkoff"),
    ],
)
async def test_lookups_in_any_script(seeded: Database, query: str, actor_id: str) -> None:
    result = await who(seeded, query)
    assert result.status == "found", result.candidates
    assert result.actor is not None and result.actor["id"] == actor_id


async def test_unknown_name_gets_suggestions(seeded: Database) -> None:
    result = await who(seeded, "Smith")
    assert result.status == "unknown"
    assert result.actor is None
    assert result.candidates, "an unknown name should come with suggestions"
    assert all({"id", "name_ja", "name_en"} <= set(c) for c in result.candidates)


async def test_empty_query_is_unknown(seeded: Database) -> None:
    assert (await who(seeded, "   ")).status == "unknown"


async def test_actor_id_from_autocomplete_is_found(seeded: Database) -> None:
    result = await who(seeded, "hegseth")
    again = await who(seeded, result.actor["id"])
    assert again.status == "found" and again.actor["id"] == "hegseth"


@pytest.mark.parametrize(
    ("prefix", "actor_id"),
    [("Pes", "peskov"), ("pes", "peskov"), ("ペス", "peskov"), ("Dmitry", "peskov"),
     ("ウィット", "witkoff"), ("heg", "hegseth"), ("Zel", "zelensky")],
)  # fmt: skip
async def test_autocomplete(seeded: Database, prefix: str, actor_id: str) -> None:
    found = await autocomplete(seeded, prefix)
    assert actor_id in [i for i, _ in found]
    label = dict(found)[actor_id]
    assert label and len(label) <= 100


async def test_autocomplete_ranks_the_most_written_about_first(seeded: Database) -> None:
    found = await autocomplete(seeded, "W")
    ids = [i for i, _ in found]
    assert {"witkoff", "waltz"} <= set(ids)
    counts = [(await who(seeded, i)).actor["article_count"] for i in ids]
    assert counts == sorted(counts, reverse=True)
    assert await autocomplete(seeded, "") == []


BODY_MBS = "サウジアラビアのムハンマド皇太子は仲介を表明した。同氏は「対話が必要だ」と述べた。"
BODY_MBZ = "アラブ首長国連邦(UAE)のムハンマド大統領は「交換を歓迎する」と述べた。"


async def test_two_people_with_one_name_are_ambiguous(
    settings: Settings, db: Database, tmp_path: Path, article_file: Callable[..., Path]
) -> None:
    a = article_file(tmp_path / "in" / "a.txt", "サウジが仲介", BODY_MBS)
    b = article_file(tmp_path / "in" / "b.txt", "UAEが仲介", BODY_MBZ, updated="2025年3月1日 9:00")
    await ingest(settings, db, a, b)
    result = await who(db, "ムハンマド")
    assert result.status == "ambiguous"
    assert {c["id"] for c in result.candidates} == {"mbs", "mbz"}
    assert (await who(db, "Salman")).actor["id"] == "mbs"
    assert (await who(db, "MBZ")).actor["id"] == "mbz"


async def test_roles_latest_first_and_counts_follow_updates(
    settings: Settings, db: Database, tmp_path: Path, article_file: Callable[..., Path]
) -> None:
    first = article_file(
        tmp_path / "in" / "1.txt", "外相が会談", "ルビオ上院議員は「制裁を強める」と語った。",
        updated="2024年1月10日 9:00",
    )  # fmt: skip
    second = article_file(
        tmp_path / "in" / "2.txt", "国務長官が訪欧", "ルビオ国務長官は「同盟は強い」と述べた。",
        updated="2025年2月10日 9:00",
    )  # fmt: skip
    await ingest(settings, db, first, second)
    actor = (await who(db, "Rubio")).actor
    assert [r["role"] for r in actor["roles"]] == ["国務長官", "上院議員"]
    assert actor["article_count"] == 2
    assert actor["last_seen"].startswith("2025-02-10")
    assert actor["quotes"][0]["text"] == "同盟は強い"

    # The second article is updated (later 更新) and no longer names Rubio.
    update = article_file(
        tmp_path / "in" / "2b.txt", "国務長官が訪欧", "ヘグセス国防長官は欧州を訪れた。",
        updated="2025年2月10日 12:00",
    )  # fmt: skip
    await ingest(settings, db, update)
    actor = (await who(db, "Rubio")).actor
    assert actor["article_count"] == 1
    assert actor["last_seen"].startswith("2024-01-10")
    assert [q["text"] for q in actor["quotes"]] == ["制裁を強める"]


async def test_people_outside_the_gazetteer_are_found_by_romaji(
    settings: Settings, db: Database, tmp_path: Path, article_file: Callable[..., Path]
) -> None:
    body = (
        "ウクライナのオレナ・コワレンコ副首相は「復興を急ぐ」と語った。"
        "日本の長谷川一郎外相も同席した。"
    )
    await ingest(settings, db, article_file(tmp_path / "in" / "k.txt", "復興会議", body))
    result = await who(db, "Kovalenko")
    assert result.status == "found"
    assert result.actor["name_ja"] == "オレナ・コワレンコ"
    assert result.actor["id"].startswith("x-")
    assert result.actor["quotes"][0]["text"] == "復興を急ぐ"
    assert (await who(db, "コワレンコ")).actor["id"] == result.actor["id"]
    assert (await who(db, "hasegawa")).actor["name_ja"] == "長谷川一郎"
    assert (await who(db, "長谷川")).actor["name_ja"] == "長谷川一郎"


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "x" * 5000, "🙂", "ﾍﾟｽｺﾌ", "ぺすこふ"])
async def test_odd_input_is_answered_not_crashed(seeded: Database, query: str) -> None:
    result = await who(seeded, query)
    assert result.status in ("found", "ambiguous", "unknown")
    assert isinstance(await autocomplete(seeded, query), list)
    if query in ("ﾍﾟｽｺﾌ", "ぺすこふ"):
        assert result.actor["id"] == "peskov"


BODY_OUTSIDE = (
    "アゼルバイジャンのイルハム・アリエフ大統領は「和平は近い」と述べた。"
    "コンゴ民主共和国のチセケディ大統領も会談に加わった。"
    "ポーランドのナブロツキ大統領は「支援を続ける」と語った。"
    "ルビオ国務長官は協議を歓迎した。"
)


@pytest.mark.parametrize(
    ("query", "name_ja"),
    [
        ("Aliyev", "イルハム・アリエフ"),  # shares the key rb with Rubio
        ("Ilham Aliyev", "イルハム・アリエフ"),
        ("Ilham", "イルハム・アリエフ"),  # a given name of a discovered person
        ("Tshisekedi", "チセケディ"),
        ("Felix Tshisekedi", "チセケディ"),  # the article gives only the surname
        ("Nawrocki", "ナブロツキ"),
        ("Rubio", "ルビオ"),
    ],
)
async def test_people_outside_the_gazetteer_by_english_spelling(
    settings: Settings,
    db: Database,
    tmp_path: Path,
    article_file: Callable[..., Path],
    query: str,
    name_ja: str,
) -> None:
    await ingest(settings, db, article_file(tmp_path / "in" / "o.txt", "和平協議", BODY_OUTSIDE))
    result = await who(db, query)
    assert result.status == "found", result.candidates
    assert result.actor["name_ja"] == name_ja


async def test_nonsense_near_a_key_is_unknown_with_suggestions(seeded: Database) -> None:
    result = await who(seeded, "Xyzzyqwv")  # one key edit from Peskov's pskb
    assert result.status == "unknown"
    assert result.actor is None
    assert result.candidates
