"""The tokenizer wrapper: offsets into the original text, normalisation, sentence splits."""

from __future__ import annotations

import pytest

from bot.nlp.tokenizer import get_tokenizer, is_katakana, normalize, split_sentences


@pytest.fixture(scope="module")
def tok():
    return get_tokenizer()


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("停戦した。交渉は続く。", ["停戦した。", "交渉は続く。"]),
        (
            "彼は「停戦だ。交渉する」と述べた。次だ。",
            ["彼は「停戦だ。交渉する」と述べた。", "次だ。"],
        ),
        ("見出し\n本文です。", ["見出し", "本文です。"]),
        ("本当か！？そうだ。", ["本当か！？", "そうだ。"]),
        ("閉じない「括弧。\n次の行。", ["閉じない「括弧。", "次の行。"]),
        ("（注。補足）本文。", ["（注。補足）本文。"]),
        ("", []),
    ],
)
def test_sentence_split(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_token_offsets_point_into_original_text(tok) -> None:
    text = "トランプ氏は１２日、ＮＡＴＯについて「ﾃｽﾄｶﾞ必要」と述べた。"
    doc = tok.parse(text)
    assert [t.surface for t in doc.tokens][:3] == ["トランプ", "氏", "は"]
    for t in doc.tokens:
        original = text[t.start : t.end]
        assert normalize(original)[0] == t.surface, (t.surface, original)
    twelve = next(t for t in doc.tokens if t.surface == "12")
    assert text[twelve.start : twelve.end] == "１２"
    nato = next(t for t in doc.tokens if t.surface == "NATO")
    assert text[nato.start : nato.end] == "ＮＡＴＯ"


def test_features_are_copied_not_lazy(tok) -> None:
    """fugashi issue #98: features must survive later tagger calls."""
    first = tok.parse("プーチン大統領は述べた。")
    tok.parse("全く別の文章を解析する。ゼレンスキー氏。")
    putin = first.tokens[0]
    assert putin.surface == "プーチン"
    assert putin.is_person_name
    said = next(t for t in first.tokens if t.surface == "述べ")
    assert said.lemma == "述べる"


def test_lemma_drops_english_hint_and_unknown_words_keep_surface(tok) -> None:
    doc = tok.parse("ロシアのペスコフ報道官")
    by_surface = {t.surface: t for t in doc.tokens}
    assert by_surface["ロシア"].lemma == "ロシア"
    assert by_surface["ロシア"].is_place
    assert by_surface["ペスコフ"].lemma == "ペスコフ"


def test_sentence_index_and_sentence_text(tok) -> None:
    doc = tok.parse("一つ目。\n二つ目の「文。」です。")
    assert [s.text for s in doc.sentences] == ["一つ目。", "二つ目の「文。」です。"]
    assert {t.sentence for t in doc.sentence_tokens(1)} == {1}
    assert doc.sentence_tokens(1)[0].start == doc.sentences[1].start


@pytest.mark.parametrize(
    ("s", "expected"),
    [
        ("ペスコフ", True),
        ("マーク・フォーゲル", True),
        ("ゼレンスキー", True),
        ("米国", False),
        ("", False),
    ],
)
def test_is_katakana(s: str, expected: bool) -> None:
    assert is_katakana(s) is expected


def test_surfaces_for_search(tok) -> None:
    assert tok.surfaces("停戦交渉") == ["停戦", "交渉"]
    assert tok.surfaces("ＮＡＴＯ加盟") == ["NATO", "加盟"]


@pytest.mark.parametrize(
    "text",
    ["ＡＢＣ停戦", "ﾃｽﾄｶﾞ", "㈱日経", "１２日、ＮＡＴＯ", "ﾊﾟﾘ協定", "普通の文。", "a\u3099b"],
)
def test_normalize_fast_and_per_character_paths_agree(text: str) -> None:
    """One ``str.translate`` for one-to-one texts; per character otherwise: same result."""
    import unicodedata

    norm, starts, ends = normalize(text)
    assert len(norm) == len(starts) == len(ends)
    for i, ch in enumerate(norm):
        source = text[starts[i] : ends[i]]
        assert ch in unicodedata.normalize("NFKC", source) or source in "「」『』・〜～"
    for plain in ("ＡＢＣ停戦", "１２日、ＮＡＴＯ", "普通の文。"):
        assert normalize(plain)[0] == unicodedata.normalize("NFKC", plain)


def test_nul_reads_as_space_and_keeps_offsets(tok) -> None:
    text = "停戦\x00交渉が始まった。"
    doc = tok.parse(text)
    surfaces = [t.surface for t in doc.tokens]
    assert "停戦" in surfaces and "交渉" in surfaces, "MeCab must not stop at the NUL"
    talks = next(t for t in doc.tokens if t.surface == "交渉")
    assert text[talks.start : talks.end] == "交渉"


def test_tokens_are_immutable_and_hashable(tok) -> None:
    token = tok.parse("停戦。").tokens[0]
    assert hash(token) == hash(tok.parse("停戦。").tokens[0])
    with pytest.raises(AttributeError):
        token.surface = "x"  # type: ignore[misc]
