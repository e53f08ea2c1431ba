"""The topic classifier on short articles written for the hard cases.

Each case is a small article in the style of Japanese wire copy: a headline, an
optional sub-headline and body paragraphs. ``want`` topics must be tagged,
``not_want`` topics must not. The cases cover each topic stated in its usual
words and without them, trigger words used in another sense, and passing
mentions. Real fugashi + unidic-lite and the shipped config/topics.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.models import Article, Paragraph
from bot.nlp.tokenizer import get_tokenizer
from bot.nlp.topics import TopicSet, classify, explain, load_topics

REPO = Path(__file__).resolve().parents[2]
CEASE, NATO, TERR, PRIS = "ceasefire_talks", "nato", "territory", "prisoner_release"


@pytest.fixture(scope="module")
def topics() -> TopicSet:
    return load_topics(REPO / "config" / "topics.toml")


def make_article(title: str, *paragraphs: str, subtitle: str | None = None) -> Article:
    return Article(
        title=title,
        subtitle=subtitle,
        paragraphs=tuple(
            Paragraph(p, "heading" if ("。" not in p and len(p) < 25) else "p") for p in paragraphs
        ),
    )


def tag_ids(article: Article, topics: TopicSet) -> set[str]:
    doc = get_tokenizer().parse(article.nlp_text())
    return {t.id for t in classify(doc, article, topics)}


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    body: tuple[str, ...]
    want: frozenset[str] = frozenset()
    not_want: frozenset[str] = frozenset()
    subtitle: str | None = None


def case(name, title, *body, want=(), not_want=(), subtitle=None) -> Case:  # type: ignore[no-untyped-def]
    return Case(name, title, tuple(body), frozenset(want), frozenset(not_want), subtitle)


CASES = [
    # --- ceasefire talks: other conflicts, and without the word 停戦 -------------------
    case(
        "gaza_talks",
        "ガザ停戦交渉、カタールで再開",
        "イスラエルとイスラム組織ハマスは15日、カタールの首都ドーハで停戦と人質解放を巡る"
        "間接交渉を再開した。エジプトと米国も仲介に加わった。",
        "ガザでは戦闘が1年以上続き、双方の溝は深い。",
        want={CEASE},
        not_want={NATO, TERR},
    ),
    case(
        "sudan_truce",
        "スーダン国軍とRSF、72時間の停戦で合意",
        "内戦が続くスーダンで、国軍と準軍事組織の即応支援部隊(RSF)は27日、72時間の停戦で"
        "合意した。米国とサウジアラビアが仲介した。",
        "首都ハルツームでは戦闘で多数の民間人が死亡している。",
        want={CEASE},
        not_want={NATO, PRIS},
    ),
    case(
        "armenia_azerbaijan_peace",
        "アルメニアとアゼルバイジャン、和平合意に署名",
        "係争地ナゴルノカラバフを巡って2度の戦争を戦ったアルメニアとアゼルバイジャンの首脳は8日、"
        "ワシントンで和平合意に署名した。国境画定の協議も続ける。",
        "両国の軍事衝突では多数の兵士が死亡した。",
        want={CEASE, TERR},
        not_want={NATO, PRIS},
    ),
    case(
        "thai_cambodia",
        "タイとカンボジア、即時停戦で合意",
        "国境地帯で軍事衝突が続いていたタイとカンボジアは28日、マレーシアの仲介で即時停戦に合意した。",
        "両軍の砲撃で住民数万人が避難した。",
        want={CEASE},
        not_want={NATO, PRIS},
    ),
    case(
        "cessation_of_hostilities",
        "スーダン、戦闘停止で合意",
        "スーダンの国軍と準軍事組織は、敵対行為の停止で合意した。",
        want={CEASE},
    ),
    case(
        "end_of_war_without_teisen",
        "米ロ、戦争終結へ協議開始",
        "米国とロシアは18日、ウクライナでの戦争を終わらせるための交渉に入ることで一致した。",
        "ロシアの侵攻開始から3年がたつ。",
        want={CEASE},
    ),
    case(
        "india_pakistan",
        "インドとパキスタン、停戦で合意",
        "インドとパキスタンは10日、即時停戦で合意した。米国が仲介した。",
        "両国はカシミール地方の領有権を争い、ミサイルや無人機による攻撃の応酬が続いていた。",
        want={CEASE},
        not_want={NATO, PRIS},
    ),
    case(
        "truce_in_scare_quotes_is_still_news",
        "プーチン氏、復活祭の「休戦」を宣言",
        "ロシアのプーチン大統領は19日、復活祭に合わせて30時間の停戦を一方的に宣言した。",
        "ゼレンスキー大統領は、ロシア軍の攻撃は続いていると述べた。",
        want={CEASE},
    ),
    case(
        "peace_summit",
        "ウクライナ平和サミット、スイスで開幕",
        "ウクライナでの戦争終結に向けた平和サミットが15日、スイスで開幕した。約90カ国が参加した。",
        want={CEASE},
    ),
    case(
        "direct_talks_with_ceasefire_as_one_issue",
        "ロシアとウクライナ、2回目の直接協議 捕虜交換拡大で一致",
        "ロシアとウクライナの代表団は2日、トルコのイスタンブールで2回目の直接協議を開いた。"
        "重傷兵の捕虜を全員交換することで合意した。",
        "停戦を巡っては、ロシアが覚書案を提示したが、ウクライナは受け入れられないとしている。",
        want={CEASE, PRIS},
    ),
    # --- ceasefire talks: other senses and passing mentions ---------------------------
    case(
        "wage_talks",
        "春闘、賃上げ交渉が山場",
        "春季労使交渉(春闘)は12日に集中回答日を迎える。労組は粘り強く交渉を続ける。",
        want=(),
        not_want={CEASE},
    ),
    case(
        "tariff_talks",
        "日米関税交渉が合意",
        "日米両政府は関税交渉で合意した。自動車関税を引き下げる。市場開放も求められた。",
        not_want={CEASE, PRIS},
    ),
    case(
        "trade_delegations_talk_directly",
        "日中の代表団が直接協議、輸出規制で",
        "日中両政府の代表団は北京で直接協議を開き、重要鉱物の輸出規制について話し合った。",
        "対面協議は1年ぶり。",
        not_want={CEASE},
    ),
    case(
        "trade_truce",
        "米中、貿易の「休戦」を延長",
        "米中両政府は追加関税の引き下げを90日間延長することで合意した。高関税の応酬は休戦が続く。",
        "市場では株価が上昇した。",
        not_want={CEASE},
    ),
    case(
        "golf_peace",
        "男子ゴルフ2団体が電撃「和平」",
        "対立していた男子ゴルフの2つのツアーは6日、事業を統合することで合意した。"
        "「ゴルフ界の内戦」は休戦に至った形だ。",
        not_want={CEASE},
    ),
    case(
        "end_of_war_day",
        "終戦の日、全国戦没者追悼式",
        "終戦の日の15日、政府主催の全国戦没者追悼式が東京で開かれた。"
        "首相は戦争の惨禍を繰り返さないと述べた。",
        not_want={CEASE},
    ),
    case(
        "backdrop_mention_in_swap",
        "米ロ、拘束者を交換",
        "米国とロシアは10日、アブダビで拘束者の身柄交換を実施した。ロシアは米国人女性を解放した。",
        "ウクライナでの停戦交渉が難航するなか、両国は交換を通じて信頼醸成を図る。",
        want={PRIS},
        not_want={CEASE},
    ),
    case(
        "one_plain_sentence_is_a_passing_mention",
        "ガザで飢餓が深刻化、国連が警告",
        "国連は22日、パレスチナ自治区ガザ北部で飢饉が発生していると発表した。",
        "イスラエル軍の攻撃と物資搬入の制限で、食料不足が深刻になっている。",
        "停戦交渉は停滞している。",
        "国際社会はイスラエルに支援物資の搬入拡大を求めている。",
        not_want={CEASE},
    ),
    case(
        "japan_russia_peace_treaty",
        "ロシア、日本との平和条約交渉を拒否",
        "ロシア外務省は、北方領土問題を含む日本との平和条約締結交渉に応じないと表明した。",
        want={TERR},
        not_want={CEASE},
    ),
    # --- NATO ------------------------------------------------------------------------
    case(
        "nato_summit",
        "NATO首脳会議がハーグで開幕",
        "北大西洋条約機構(NATO)は24日、オランダのハーグで首脳会議を開いた。"
        "同盟の結束を確認する首脳宣言を採択する。",
        want={NATO},
    ),
    case(
        "article5_without_membership",
        "トランプ氏、第5条の順守に含み",
        "トランプ米大統領は、1カ国への攻撃を全加盟国への攻撃とみなす北大西洋条約第5条について"
        "「定義による」と述べた。NATOの集団防衛への関与に疑問が出ている。",
        want={NATO},
    ),
    case(
        "defence_spending",
        "NATO加盟国、国防費の目標引き上げへ",
        "北大西洋条約機構(NATO)の加盟国は、国防費を国内総生産の3.5%に増やす目標で合意する見通しだ。",
        want={NATO},
    ),
    case(
        "nato_secretary_general",
        "NATO事務総長、ロシアの脅威に警鐘",
        "ルッテNATO事務総長は演説で、ロシアが数年以内に同盟国を攻撃しかねないと警告した。",
        "同氏は加盟国に防衛力の強化を求めた。",
        want={NATO},
    ),
    case(
        "accession_named_in_full",
        "スウェーデン、北大西洋条約機構に正式加盟",
        "スウェーデンは7日、北大西洋条約機構に正式に加盟した。加盟国は32カ国となった。",
        want={NATO},
    ),
    case(
        "article4_consultations",
        "NATO、ポーランド領空侵犯で第4条協議",
        "北大西洋条約機構(NATO)は10日、ロシアの無人機がポーランドの領空を侵犯したことを受け、"
        "北大西洋条約第4条に基づく協議を開いた。",
        "NATOは東部の防空態勢を強化すると発表した。",
        want={NATO},
        not_want={TERR},
    ),
    case(
        "tpp_accession",
        "英国のTPP加盟が正式決定",
        "環太平洋経済連携協定(TPP)の参加国は16日、英国の加盟を認める議定書に署名した。"
        "加盟国には市場開放が求められる。",
        not_want={NATO},
    ),
    case(
        "eu_accession",
        "EU、ウクライナの加盟交渉を開始",
        "欧州連合(EU)はウクライナとモルドバの加盟交渉を正式に始めた。加盟には改革が条件になる。",
        not_want={NATO, CEASE},
    ),
    case(
        "passing_nato_in_ceasefire_story",
        "ロシアとウクライナ、停戦協議で合意至らず",
        "ロシアとウクライナの代表団は16日、イスタンブールで停戦協議を開いたが、合意に至らなかった。"
        "ロシア側は即時停戦を拒んだ。",
        "会場の周辺では、NATO加盟国のポーランドから来た支援団体が集会を開いた。",
        want={CEASE},
        not_want={NATO},
    ),
    case(
        "franchise_stores",
        "コンビニ加盟店の営業時間を見直し",
        "大手コンビニは加盟店の24時間営業を見直す。加盟店の負担が重いためだ。",
        not_want={NATO},
    ),
    # --- territory ---------------------------------------------------------------------
    case(
        "northern_territories",
        "北方領土の元島民、墓参再開を要望",
        "北方四島の元島民らは、途絶えている墓参の再開を政府に求めた。",
        want={TERR},
    ),
    case(
        "takeshima",
        "韓国議員団が竹島に上陸 政府が抗議",
        "韓国の国会議員団が竹島に上陸した。日本政府は竹島は日本固有の領土だとして抗議した。",
        want={TERR},
    ),
    case(
        "senkaku",
        "尖閣周辺で中国海警局の船が領海侵入",
        "沖縄県・尖閣諸島周辺の領海に中国海警局の船4隻が侵入した。",
        want={TERR},
    ),
    case(
        "south_china_sea",
        "南シナ海で中国とフィリピンの船が衝突",
        "中国が領有権を主張する南シナ海のアユンギン礁付近で、両国の船が衝突した。",
        want={TERR},
    ),
    case(
        "annexation_referendum_without_ryodo",
        "親ロ派、4州で「住民投票」 ロシアへの併合狙う",
        "ウクライナ東・南部4州の親ロシア派勢力は、ロシアへの編入の是非を問う住民投票を始めた。",
        want={TERR},
    ),
    case(
        "liberated_village_is_territory",
        "ロシア国防省、ドネツク州の集落を解放と発表",
        "ロシア国防省は、東部ドネツク州の集落を解放したと発表した。ウクライナ軍は撤退した。",
        want={TERR},
        not_want={PRIS},
    ),
    case(
        "kursk_control",
        "ウクライナ軍、クルスク州で支配地域拡大",
        "ウクライナ軍はロシア西部クルスク州で約1000平方キロを支配下に置いたと発表した。",
        want={TERR},
    ),
    case(
        "annexed_crimea_as_an_epithet",
        "クリミア橋で爆発、一時通行止め",
        "ロシアが2014年に一方的に併合したウクライナ南部クリミア半島と本土を結ぶクリミア橋で17日、"
        "爆発があった。橋は一時通行止めとなった。",
        "ロシア当局は原因を調べている。",
        not_want={TERR},
    ),
    case(
        "nato_member_as_an_epithet",
        "フィンランド大統領選、決選投票へ",
        "2023年にNATOに加盟したフィンランドで28日、大統領選の投票があった。",
        "過半数を得た候補はおらず、上位2人の決選投票となる。",
        not_want={NATO},
    ),
    case(
        "handing_over_donbas",
        "ロシア、ドンバスの明け渡しを要求",
        "ロシアはウクライナに対し、東部ドネツク、ルハンスク両州の明け渡しを求めた。"
        "ウクライナは土地を差し出さないと反発した。",
        want={TERR},
    ),
    case(
        "greenland",
        "トランプ氏、グリーンランド取得に改めて意欲",
        "トランプ米大統領は、デンマーク自治領グリーンランドの取得に改めて意欲を示した。",
        "デンマーク政府は「売り物ではない」と反発した。",
        want={TERR},
    ),
    case(
        "regaining_power_is_not_territory",
        "野党、政権奪還へ選挙協力",
        "野党各党は次の総選挙で政権奪還をめざし、候補者の一本化を進める。",
        "前回失った議席の奪還も狙う。野党が政権を奪還したのは2009年以来ない。",
        not_want={TERR},
    ),
    case(
        "us_state_ballot_and_withdrawal",
        "カリフォルニア州で住民投票、企業の撤退相次ぐ",
        "米カリフォルニア州で増税の是非を問う住民投票が行われた。",
        "大手企業の州外への撤退も相次いでいる。州から撤退した企業は100社を超えた。",
        not_want={TERR},
    ),
    case(
        "campus_occupation",
        "学生が校舎を占拠、大学が警察に要請",
        "抗議する学生らが大学の校舎を占拠した。大学側は校舎の占拠を解くよう求めた。",
        "占拠は3日目に入った。",
        not_want={TERR},
    ),
    # --- prisoner release ----------------------------------------------------------------
    case(
        "swap_without_horyo",
        "米ロ、拘束者の身柄交換を実施",
        "米国とロシアはトルコの仲介で、互いに拘束していた計8人の身柄交換を実施した。",
        want={PRIS},
        not_want={TERR},
    ),
    case(
        "pow_swap",
        "ロシアとウクライナが捕虜交換 各150人",
        "ロシアとウクライナはUAEの仲介で捕虜を150人ずつ交換した。",
        want={PRIS},
    ),
    case(
        "children_returned",
        "ロシアに連れ去られた子ども10人が帰還",
        "ウクライナ政府は、ロシアに連れ去られた子ども10人が帰還したと発表した。カタールが仲介した。",
        want={PRIS},
    ),
    case(
        "soldier_repatriated",
        "北朝鮮、越境した米兵を送還",
        "北朝鮮は拘束していた米兵を中国経由で米国に送還した。米政府が身柄を引き取った。",
        want={PRIS},
    ),
    case(
        "crimea_status",
        "米和平案、クリミアのロシア帰属を承認",
        "米国が示した和平案は、ロシアが一方的に併合したクリミア半島の帰属をロシアと認める内容だ。",
        want={TERR, CEASE},
    ),
    case(
        "body_handed_over_is_not_a_release",
        "反体制派指導者の遺体、母親に引き渡し",
        "刑務所で死亡したロシアの反体制派指導者ナワリヌイ氏の遺体が、母親に引き渡された。",
        not_want={PRIS},
    ),
    case(
        "detainees_home_without_kaiho",
        "北朝鮮に抑留の米国人3人が帰国",
        "北朝鮮に抑留されていた米国人3人が10日、米国に帰国した。",
        "国務長官が平壌を訪れ、3人とともに戻った。",
        want={PRIS},
    ),
    case(
        "hostages_freed",
        "ハマス、人質4人を解放",
        "イスラム組織ハマスは25日、拘束していたイスラエル人の人質4人を解放した。",
        want={PRIS},
    ),
    case(
        "feeling_of_release",
        "マスク着用緩和、街に解放感",
        "マスク着用が個人の判断に委ねられ、街には解放感が広がった。長いマスク生活からの解放を喜ぶ声も。",
        not_want={PRIS},
    ),
    case(
        "peoples_liberation_army",
        "中国人民解放軍、台湾周辺で演習",
        "中国人民解放軍は台湾周辺で大規模な演習を実施した。解放軍の艦艇が展開した。",
        not_want={PRIS, TERR},
    ),
    case(
        "ransomware_hostage",
        "サイバー攻撃、データを「人質」に",
        "ハッカー集団は盗んだデータを「人質」に金銭を要求している。",
        not_want={PRIS},
    ),
    case(
        "arrest_is_not_release",
        "ロシア、米国人記者を拘束 スパイ容疑",
        "ロシア連邦保安局は、米紙の記者をスパイ容疑で拘束したと発表した。記者は拘束が続いている。",
        not_want={PRIS},
    ),
    case(
        "extradition_is_not_a_release",
        "レバノンに被告の身柄引き渡しを要請",
        "政府は国外に逃亡した被告の身柄引き渡しをレバノン政府に改めて求めた。",
        "被告は国際手配されている。",
        not_want={PRIS},
    ),
    case(
        "veterans_and_binding_force",
        "帰還兵の心のケア、支援団体が拡充",
        "イラクやアフガニスタンからの帰還兵の心のケアを支援する団体が活動を広げている。",
        "法的拘束力のある支援制度を求める声もある。",
        not_want={PRIS},
    ),
    case(
        "exchange_of_views",
        "日ロ外相、電話で意見交換",
        "両外相は電話で意見交換した。",
        not_want={PRIS},
    ),
    # --- passing mentions in market stories; plain references and boilerplate -----------
    case(
        "market_story_defence_stocks_on_nato_spending",
        "東証反発、半導体株に買い 円安も追い風",
        "15日の東京株式市場で日経平均株価は反発し、前日比400円高で取引を終えた。"
        "半導体関連銘柄に買いが広がった。",
        "米長期金利の低下を受けて投資家心理が改善した。",
        "北大西洋条約機構(NATO)加盟国の国防費の上積みが続くとの見方から、"
        "造船や重工の株価も上昇した。",
        "市場では年末に向けた相場の先高観が強い。",
        not_want={NATO, CEASE},
    ),
    case(
        "market_story_ceasefire_hope_in_passing",
        "原油先物が続落 需要減速を懸念",
        "ニューヨーク原油先物相場は3日続落した。中国の景気減速で需要が伸び悩むとの見方が広がった。",
        "中東での停戦への期待も売りを誘ったとの声があった。",
        "市場では産油国の減産継続を巡る思惑も交錯している。",
        not_want={CEASE, NATO},
    ),
    case(
        "member_states_as_a_plain_reference",
        "欧州の防衛産業、生産能力を拡大",
        "欧州の防衛大手が弾薬や防空システムの生産能力を相次いで増強している。",
        "NATO加盟国の政府からの受注が増え、各社は新工場の建設を急ぐ。",
        "北欧のNATO加盟国の企業も砲弾の増産に乗り出した。",
        "人手不足や部材の調達が課題になっている。",
        not_want={NATO},
    ),
    case(
        "accession_as_an_event_in_one_body_sentence_of_a_talks_story",
        "米ロ高官が協議 戦後秩序を議論",
        "米国とロシアの高官は中東で会談し、停戦後の安全保障の枠組みを議論した。",
        "ロシア側はジョージアの北大西洋条約機構(NATO)加盟を将来も認めないよう求めた。",
        "協議は数時間に及んだ。",
        want={NATO},
    ),
    case(
        "nato_spending_pledge_still_tags",
        "NATO、国防費の新目標で合意",
        "北大西洋条約機構(NATO)の加盟国は国防費を国内総生産(GDP)比3.5%に引き上げる"
        "新目標で合意した。",
        not_want={TERR},
        want={NATO},
    ),
    case(
        "off_topic_article_one_strong_sentence_is_a_passing_mention",
        "欧州株が上昇 資源高一服で",
        "欧州の株式市場で主要な株価指数が上昇した。エネルギー価格の上昇が一服し、"
        "企業収益の悪化懸念が後退した。",
        "ロシアとウクライナが停戦と和平合意に向けた交渉を始めるとの観測も買い材料になった。",
        "自動車株や銀行株が買われた。",
        not_want={CEASE},
    ),
    case(
        "same_sentence_in_an_article_framed_by_another_topic_tags",
        "ロシアとウクライナ、捕虜交換を実施",
        "ロシアとウクライナは20日、それぞれが拘束していた兵士100人ずつを交換した。",
        "両国は停戦と和平合意に向けた交渉を始めることでも一致したと伝えられた。",
        "解放された兵士は家族と再会した。",
        want={CEASE, PRIS},
    ),
    case(
        "airspace_violation_is_not_territory",
        "ロシア軍機が領空侵犯、艦艇も領海侵犯 バルト3国が抗議",
        "エストニア政府は、ロシア軍の戦闘機3機が同国の領空を約10分間侵犯したと発表し、"
        "ロシア大使を呼んで抗議した。",
        "同盟国の戦闘機が緊急発進して対応した。",
        not_want={TERR},
    ),
    case(
        "territorial_integrity_boilerplate",
        "G7外相が共同声明 ウクライナ支援を継続",
        "主要7カ国(G7)の外相は会合後に共同声明を発表し、ウクライナの主権と領土の一体性を"
        "支持すると改めて表明した。",
        "声明は国連憲章に基づく領土保全の原則の重要性も確認した。",
        not_want={TERR},
    ),
    case(
        "respecting_sovereignty_and_territory_is_boilerplate",
        "首脳会談「主権と領土の尊重」確認 経済協力も拡大",
        "両首脳は会談で、互いの主権と領土を尊重し、領土不可侵の原則を守ることを確認した。",
        "エネルギーやインフラ分野での協力拡大でも合意した。",
        not_want={TERR},
    ),
    case(
        "defending_every_inch_is_not_a_claim",
        "同盟「領土の隅々まで守る」 東部の防空を強化",
        "同盟は東部の加盟国に防空部隊を追加で配備すると決めた。",
        "事務方の幹部は「我々は領土の隅々まで守り抜く」と述べた。",
        not_want={TERR},
    ),
    case(
        "territorial_waters_pass_through",
        "中ロ艦艇、領海内を通過 防衛省が警戒",
        "防衛省によると、中国とロシアの海軍艦艇計10隻が津軽海峡を通過した。領海への侵入はなかった。",
        not_want={TERR},
    ),
    case(
        "occupied_land_defended_still_territory",
        "ウクライナ、占領地の奪還目指す",
        "ウクライナ政府はロシアに占領された南部の領土を奪還する方針を示した。",
        "国防相は「領土を守り、取り戻す」と強調した。",
        want={TERR},
    ),
    case(
        "senkaku_waters_still_territory",
        "尖閣周辺の領海に中国船 今年20回目",
        "第11管区海上保安本部によると、中国海警局の船2隻が沖縄県・尖閣諸島周辺の領海に侵入した。",
        want={TERR},
    ),
    case(
        "fukushima_return_zone",
        "帰還困難区域の避難指示を一部解除",
        "政府は福島県の帰還困難区域の一部で避難指示を解除した。住民の帰還が始まる。",
        not_want={PRIS},
    ),
]


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_case(c: Case, topics: TopicSet) -> None:
    got = tag_ids(make_article(c.title, *c.body, subtitle=c.subtitle), topics)
    assert c.want <= got, f"missing {sorted(c.want - got)}; got {sorted(got)}"
    assert not (c.not_want & got), f"wrongly tagged {sorted(c.not_want & got)}"


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 30
    for topic in (CEASE, NATO, TERR, PRIS):
        assert sum(topic in c.want for c in CASES) >= 4
        assert sum(topic in c.not_want for c in CASES) >= 4


def test_tags_carry_evidence_sentences_and_terms(topics: TopicSet) -> None:
    article = make_article(
        "ロシアとウクライナが捕虜交換",
        "ロシアとウクライナは3日、捕虜交換を実施した。ウクライナ兵230人が帰還した。",
        "両国の停戦交渉は止まったままだ。",
    )
    doc = get_tokenizer().parse(article.nlp_text())
    tags = classify(doc, article, topics)
    tag = next(t for t in tags if t.id == PRIS)
    assert 0.5 <= tag.score <= 1.0
    assert tag.evidence[0] == "ロシアとウクライナが捕虜交換"  # the headline weighs most
    assert "ロシアとウクライナは3日、捕虜交換を実施した。" in tag.evidence
    assert all(sentence in article.nlp_text() for sentence in tag.evidence)
    assert "捕虜交換" in tag.terms


def test_headline_weighs_more_than_the_tail(topics: TopicSet) -> None:
    body = ["ロシア外務省は記者会見を開き、欧州の対応を批判した。"] * 5
    sentence = "ロシアとウクライナは停戦交渉を再開した。"
    top = make_article("停戦交渉を再開", *body)
    tail = make_article("ロシア外務省が会見", *body, sentence)
    tok = get_tokenizer()
    score_top = _score(top, topics, CEASE, tok)
    score_tail = _score(tail, topics, CEASE, tok)
    assert score_top > score_tail > 0


def test_multi_label_and_none(topics: TopicSet) -> None:
    both = make_article(
        "ガザ停戦が発効、人質3人解放",
        "イスラエルとハマスの停戦が19日に発効した。ハマスは拘束していた人質3人を解放した。",
        "停戦合意では、イスラエル軍の段階的な撤退も決まった。",
    )
    assert {CEASE, PRIS} <= tag_ids(both, topics)
    none = make_article("日銀、金利を据え置き", "日銀は金融政策決定会合で金利の据え置きを決めた。")
    assert tag_ids(none, topics) == set()


def test_explain_reports_untagged_topics_too(topics: TopicSet) -> None:
    article = make_article(
        "ウクライナ支援の会合", "ウクライナ支援の会合がドイツで開かれた。", "NATOの高官も出席した。"
    )
    doc = get_tokenizer().parse(article.nlp_text())
    scores = {s.id: s for s in explain(doc, article, topics)}
    assert set(scores) == {CEASE, NATO, TERR, PRIS}
    assert not scores[NATO].tagged and 0 < scores[NATO].score < 0.5


def _score(article: Article, topics: TopicSet, topic: str, tok) -> float:  # type: ignore[no-untyped-def]
    doc = tok.parse(article.nlp_text())
    return next(s.score for s in explain(doc, article, topics) if s.id == topic)


def test_zones_follow_the_article_structure(topics: TopicSet) -> None:
    article = Article(
        title="停戦交渉が再開",
        subtitle="停戦の条件で隔たり",
        paragraphs=(
            Paragraph("両国は停戦交渉を再開した。"),
            Paragraph("停戦の行方", "heading"),
            Paragraph("交渉は続く見通しだ。"),
            Paragraph("市民の生活は厳しい。"),
            Paragraph("物価も上がっている。"),
            Paragraph("停戦が実現するかは見通せない。"),
        ),
    )
    doc = get_tokenizer().parse(article.nlp_text())
    score = next(s for s in explain(doc, article, topics) if s.id == CEASE)
    zones = {e.text: e.zone for e in score.evidence}
    assert zones == {
        "停戦交渉が再開": "headline",
        "停戦の条件で隔たり": "subtitle",
        "両国は停戦交渉を再開した。": "lead",
        "停戦の行方": "heading",
        "停戦が実現するかは見通せない。": "tail",
    }
    weight = {e.zone: e.weight for e in score.evidence}
    assert weight["headline"] > weight["lead"] > weight["tail"]


def test_passing_mention_is_scored_but_not_tagged(topics: TopicSet) -> None:
    """One strong sentence in an article no topic frames: above threshold, yet untagged."""
    article = make_article(
        "米ハイテク株が反発 金利低下で",
        "米株式市場でハイテク株が反発した。長期金利の低下で成長株に買いが入った。",
        "中東で停戦と和平合意に向けた交渉が進むとの観測も投資家心理を支えた。",
        "半導体株の上昇が目立った。",
    )
    doc = get_tokenizer().parse(article.nlp_text())
    cease = next(s for s in explain(doc, article, topics) if s.id == CEASE)
    assert cease.score >= topics.scoring.threshold
    assert [e.zone for e in cease.evidence] == ["body"]
    assert not cease.tagged
    framed = make_article("中東で停戦交渉が前進", *(p.text for p in article.paragraphs))
    assert CEASE in tag_ids(framed, topics)
