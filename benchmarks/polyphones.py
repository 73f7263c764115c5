"""Which news polyphones does the offline voice's G2P read with the wrong pinyin, and which G2P reads them best?

CASES are the words the built-in lexicon (tts/speech/normalize/builtin_lexicon.toml) was written against; NEW_CASES
(issue 11) were added before any lexicon entry for them (the default G2P's score on them is untuned; the lexicon's
is not); HELDOUT_CASES were written after the issue-11 changes and never used to make them. Readers compared side by side, each alone and with the built-in lexicon on top:

- misaki: what Kokoro's input uses (jieba words, pypinyin per word, 一/不 sandhi) — tts.engines.kokoro_text
- pypinyin-sentence: pypinyin over the whole sentence with its own phrase segmentation, no jieba
- misaki+phrases: misaki with pypinyin-dict's phrase-pinyin-data (large_pinyin) loaded into pypinyin
- g2pM: the BiLSTM polyphone model whose weights ship inside its wheel (only when installed:
  `uv run --with g2pM python -m benchmarks.polyphones`)
- g2pW / pypinyin-g2pw: not runnable here — the package downloads its ONNX model and the bert-base-chinese
  tokenizer from a model hub on first use; nothing may come from a hub at run time.

Run:  uv run python -m benchmarks.polyphones [--label after]   (results: benchmarks/results/polyphones.json)
      uv run python -m benchmarks.polyphones --heldout2 [--label blind]   (the blind list of benchmarks/polyphones_heldout2.py,
      stored as "heldout2_LABEL")
"""

from __future__ import annotations

# (sentence, word, correct pinyin of the word) — polyphones as they occur in news copy.
CASES = [
    ("银行行长出席会议。", "行长", "hang2 zhang3"),
    ("他在银行工作。", "银行", "yin2 hang2"),
    ("重庆市召开发布会。", "重庆", "chong2 qing4"),
    ("重新启动项目。", "重新", "chong2 xin1"),
    ("这是一个重大项目。", "重大", "zhong4 da4"),
    ("长江流域降雨增多。", "长江", "chang2 jiang1"),
    ("县长调研企业。", "县长", "xian4 zhang3"),
    ("企业快速成长。", "成长", "cheng2 zhang3"),
    ("还款期限延长。", "还款", "huan2 kuan3"),
    ("还有很多问题。", "还有", "hai2 you3"),
    ("调查结果公布。", "调查", "diao4 cha2"),
    ("调整产业结构。", "调整", "tiao2 zheng3"),
    ("空调销量上升。", "空调", "kong1 tiao2"),
    ("音乐会在京举行。", "音乐", "yin1 yue4"),
    ("快乐成长。", "快乐", "kuai4 le4"),
    ("他们都参加了。", "参加", "can1 jia1"),
    ("人参价格上涨。", "人参", "ren2 shen1"),
    ("会计师事务所。", "会计", "kuai4 ji4"),
    ("召开会议。", "会议", "hui4 yi4"),
    ("股票的供给增加。", "供给", "gong1 ji3"),
    ("给予支持。", "给予", "ji3 yu3"),
    ("处理问题。", "处理", "chu3 li3"),
    ("办事处设立。", "办事处", "ban4 shi4 chu4"),
    ("着力解决难题。", "着力", "zhuo2 li4"),
    ("看着孩子长大。", "长大", "zhang3 da4"),
    ("数据显示增长。", "数据", "shu4 ju4"),
    ("数一数二的企业。", "数一数二", "shu3 yi1 shu3 er4"),
    ("这种情况屡见不鲜。", "屡见不鲜", "lv3 jian4 bu4 xian1"),
    ("朝鲜半岛局势。", "朝鲜", "chao2 xian3"),
    ("朝阳区政府。", "朝阳", "chao2 yang2"),
    ("单于夜遁逃。", "单于", "chan2 yu2"),
    ("单位负责人。", "单位", "dan1 wei4"),
    ("单某接受调查。", "单某", "shan4 mou3"),
    ("解放军某部。", "解放军", "jie3 fang4 jun1"),
    ("解某被捕。", "解某", "xie4 mou3"),
    ("蚌埠市发布。", "蚌埠", "beng4 bu4"),
    ("六安市发布。", "六安", "lu4 an1"),
    ("丽水市发布。", "丽水", "li2 shui3"),
    ("台州市发布。", "台州", "tai1 zhou1"),
    ("番禺区发布。", "番禺", "pan1 yu2"),
    ("东莞市发布。", "东莞", "dong1 guan3"),
    ("厦门市发布。", "厦门", "xia4 men2"),
    ("大厦落成。", "大厦", "da4 sha4"),
    ("乐清市发布。", "乐清", "yue4 qing1"),
    ("莘县发布。", "莘县", "shen1 xian4"),
    ("涉及血液检测。", "血液", "xue4 ye4"),
    ("流血事件。", "流血", "liu2 xue4"),
    ("一模一样。", "一模一样", "yi4 mu2 yi2 yang4"),
    ("模样变化。", "模样", "mu2 yang4"),
    ("规模扩大。", "规模", "gui1 mo2"),
    ("创伤后恢复。", "创伤", "chuang1 shang1"),
    ("创新驱动。", "创新", "chuang4 xin1"),
    ("供应链稳定。", "供应", "gong1 ying4"),
    ("应该加强。", "应该", "ying1 gai1"),
    ("曾经的辉煌。", "曾经", "ceng2 jing1"),
    ("曾某接受调查。", "曾某", "zeng1 mou3"),
    ("降落伞打开。", "降落", "jiang4 luo4"),
    ("投降书签署。", "投降", "tou2 xiang2"),
    ("落后地区发展。", "落后", "luo4 hou4"),
    ("丢三落四。", "丢三落四", "diu1 san1 la4 si4"),
    ("差距缩小。", "差距", "cha1 ju4"),
    ("出差在外。", "出差", "chu1 chai1"),
    ("参差不齐。", "参差", "cen1 ci1"),
    ("质量差。", "质量差", "zhi4 liang4 cha4"),
    ("暴露问题。", "暴露", "bao4 lu4"),
    ("露面出席。", "露面", "lou4 mian4"),
    ("强调指出。", "强调", "qiang2 diao4"),
    ("勉强完成。", "勉强", "mian3 qiang3"),
    ("倔强的性格。", "倔强", "jue2 jiang4"),
    ("省略号。", "省略", "sheng3 lve4"),
    ("反省自身。", "反省", "fan3 xing3"),
    ("宿舍楼。", "宿舍", "su4 she4"),
    ("星宿。", "星宿", "xing1 xiu4"),
    ("冠军得主。", "冠军", "guan4 jun1"),
    ("新冠病毒。", "新冠", "xin1 guan1"),
    ("着陆成功。", "着陆", "zhuo2 lu4"),
    ("和面做饭。", "和面", "huo2 mian4"),
    ("附和意见。", "附和", "fu4 he4"),
    ("暖和天气。", "暖和", "nuan3 huo5"),
    ("弹药库。", "弹药", "dan4 yao4"),
    ("弹性工作。", "弹性", "tan2 xing4"),
    ("薄弱环节。", "薄弱", "bo2 ruo4"),
    ("薄荷味。", "薄荷", "bo4 he5"),
    ("剥削阶级。", "剥削", "bo1 xue1"),
    ("削减开支。", "削减", "xue1 jian3"),
    ("转载请注明。", "转载", "zhuan3 zai3"),
    ("载人航天。", "载人", "zai4 ren2"),
    ("空间站着陆。", "空间站", "kong1 jian1 zhan4"),
    ("间隔时间。", "间隔", "jian4 ge2"),
    ("挑战困难。", "挑战", "tiao3 zhan4"),
    ("称职的干部。", "称职", "chen4 zhi2"),
    ("干部队伍。", "干部", "gan4 bu4"),
    ("干旱少雨。", "干旱", "gan1 han4"),
    ("背负压力。", "背负", "bei1 fu4"),
    ("拥挤不堪。", "不堪", "bu4 kan1"),
    ("两栖作战。", "两栖", "liang3 qi1"),
    ("症结所在。", "症结", "zheng1 jie2"),
    ("结果公布。", "结果", "jie2 guo3"),
    ("树上结果。", "结果", "jie2 guo3"),
    ("血泊中。", "血泊", "xue4 po1"),
    ("停泊港口。", "停泊", "ting2 bo2"),
    ("扎实推进。", "扎实", "zha1 shi2"),
    ("挣扎求生。", "挣扎", "zheng1 zha2"),
    ("提供便利。", "便利", "bian4 li4"),
    ("便宜实惠。", "便宜", "pian2 yi5"),
    ("大量的数据。", "大量", "da4 liang4"),
    ("量体裁衣。", "量体裁衣", "liang2 ti3 cai2 yi1"),
    ("载体建设。", "载体", "zai4 ti3"),
    ("记者报道。", "记者", "ji4 zhe3"),
    ("一行人抵达。", "一行", "yi4 xing2"),
    ("发行债券。", "发行", "fa1 xing2"),
    ("行业发展。", "行业", "hang2 ye4"),
    ("各行各业。", "各行各业", "ge4 hang2 ge4 ye4"),
    ("还原真相。", "还原", "huan2 yuan2"),
    ("中标项目。", "中标", "zhong4 biao1"),
    ("命中目标。", "命中", "ming4 zhong4"),
]

# Added for issue 11 (news polyphones and place names), scored before any lexicon entry was written for them.
NEW_CASES = [
    ("央行行长在论坛上发言。", "行长", "hang2 zhang3"),
    ("多家银行下调存款利率。", "银行", "yin2 hang2"),
    ("新能源汽车行业快速发展。", "行业", "hang2 ye4"),
    ("银行业金融机构加大支持。", "银行业", "yin2 hang2 ye4"),
    ("市场行情持续走强。", "行情", "hang2 qing2"),
    ("新股发行量增加。", "发行量", "fa1 xing2 liang4"),
    ("重庆两江新区发布消息。", "重庆", "chong2 qing4"),
    ("这是一项重要举措。", "重要", "zhong4 yao4"),
    ("避免重复建设。", "重复", "chong2 fu4"),
    ("新生儿体重超标。", "体重", "ti3 zhong4"),
    ("肩负发展重担。", "重担", "zhong4 dan4"),
    ("孩子们在乡村长大。", "长大", "zhang3 da4"),
    ("长江经济带高质量发展。", "长江", "chang2 jiang1"),
    ("长期以来坚持不懈。", "长期", "chang2 qi1"),
    ("各校校长参加会议。", "校长", "xiao4 zhang3"),
    ("长沙市发布通知。", "长沙", "chang2 sha1"),
    ("警方正在调查事故原因。", "调查", "diao4 cha2"),
    ("央行调整存款准备金率。", "调整", "tiao2 zheng3"),
    ("充分调动积极性。", "调动", "diao4 dong4"),
    ("统筹协调推进工作。", "协调", "xie2 tiao2"),
    ("借款人按时还款。", "还款", "huan2 kuan3"),
    ("关键还是要落实责任。", "还是", "hai2 shi4"),
    ("限期归还借款。", "归还", "gui1 huan2"),
    ("朝阳区新增一家医院。", "朝阳", "chao2 yang2"),
    ("这件文物来自唐朝。", "唐朝", "tang2 chao2"),
    ("朝代更迭的历史。", "朝代", "chao2 dai4"),
    ("朝着目标不断前进。", "朝着", "chao2 zhe5"),
    ("蔬菜价格比上月便宜。", "便宜", "pian2 yi5"),
    ("提供便捷服务。", "便捷", "bian4 jie2"),
    ("飞船返回舱成功着陆。", "着陆", "zhuo2 lu4"),
    ("着眼长远发展。", "着眼", "zhuo2 yan3"),
    ("群众着急办理业务。", "着急", "zhao2 ji2"),
    ("依法处理违规行为。", "处理", "chu3 li3"),
    ("各处室负责人参加。", "处室", "chu4 shi4"),
    ("与邻国和睦相处。", "相处", "xiang1 chu3"),
    ("给予党内警告处分。", "处分", "chu3 fen4"),
    ("保障能源供给。", "供给", "gong1 ji3"),
    ("深化供给侧结构性改革。", "供给侧", "gong1 ji3 ce4"),
    ("粮食基本自给自足。", "自给自足", "zi4 ji3 zi4 zu2"),
    ("航班平稳降落在机场。", "降落", "jiang4 luo4"),
    ("敌军宣布投降。", "投降", "tou2 xiang2"),
    ("企业降低成本。", "降低", "jiang4 di1"),
    ("静宁苹果远销海外。", "静宁", "jing4 ning2"),
    ("甘肃省平凉市静宁县。", "静宁县", "jing4 ning2 xian4"),
    ("鄂尔多斯市召开会议。", "鄂尔多斯", "e4 er3 duo1 si1"),
    ("公司加大油气勘探力度。", "勘探", "kan1 tan4"),
    ("中标价七亿元。", "中标", "zhong4 biao1"),
    ("作为重中之重来抓。", "重中之重", "zhong4 zhong1 zhi1 zhong4"),
    ("乐山大佛景区开放。", "乐山", "le4 shan1"),
    ("江西铅山县发布。", "铅山", "yan2 shan1"),
    ("盱眙龙虾节开幕。", "盱眙", "xu1 yi2"),
    ("河北蔚县发布。", "蔚县", "yu4 xian4"),
    ("山东单县发布。", "单县", "shan4 xian4"),
    ("河南尉氏县发布。", "尉氏", "yu4 shi4"),
    ("累计完成投资。", "累计", "lei3 ji4"),
    ("担任主任一职。", "担任", "dan1 ren4"),
    ("成为市场焦点。", "成为", "cheng2 wei2"),
    ("加快设备更新。", "更新", "geng1 xin1"),
    ("更加重视民生。", "更加", "geng4 jia1"),
    ("发挥模范带头作用。", "模范", "mo2 fan4"),
    ("地壳运动频繁。", "地壳", "di4 qiao4"),
    ("率先实现突破。", "率先", "shuai4 xian1"),
    ("增长率有所上升。", "增长率", "zeng1 zhang3 lv4"),
    ("深入了解情况。", "了解", "liao3 jie3"),
    ("遭受重大灾难。", "灾难", "zai1 nan4"),
    ("兴建一座水库。", "兴建", "xing1 jian4"),
    ("看守所民警。", "看守", "kan1 shou3"),
    ("现代化都市圈。", "都市", "du1 shi4"),
    ("首都北京迎来降雪。", "首都", "shou3 du1"),
    ("人物传记出版。", "传记", "zhuan4 ji4"),
    ("水分子结构。", "分子", "fen1 zi3"),
    ("差额选举产生。", "差额", "cha1 e2"),
    ("纪委监委通报。", "纪委", "ji4 wei3"),
    ("尽快完成整改。", "尽快", "jin3 kuai4"),
    ("尽力而为量力而行。", "尽力", "jin4 li4"),
    ("西藏自治区发布。", "西藏", "xi1 zang4"),
    ("藏族同胞欢度节日。", "藏族", "zang4 zu2"),
    ("企业蒙受损失。", "蒙受", "meng2 shou4"),
    ("内蒙古自治区。", "内蒙古", "nei4 meng3 gu3"),
    ("切实加强领导。", "切实", "qie4 shi2"),
    ("一切正常运行。", "一切", "yi2 qie4"),
    ("交通堵塞严重。", "堵塞", "du3 se4"),
    ("少数民族地区。", "少数", "shao3 shu4"),
    ("少年儿童受益。", "少年", "shao4 nian2"),
]


# Held out: written after the lexicon and G2P changes of issue 11 were decided, never used to make them — the untuned
# measure of what those changes generalise to.
HELDOUT_CASES = [
    ("各地银行网点恢复营业。", "银行", "yin2 hang2"),
    ("证券行业监管趋严。", "行业", "hang2 ye4"),
    ("股市行情震荡。", "行情", "hang2 qing2"),
    ("她当选为人大代表。", "当选", "dang1 xuan3"),
    ("梦想变为现实。", "变为", "bian4 wei2"),
    ("被评为先进集体。", "评为", "ping2 wei2"),
    ("被视为重要信号。", "视为", "shi4 wei2"),
    ("尤为重要的是。", "尤为", "you2 wei2"),
    ("会议为期三天。", "为期", "wei2 qi1"),
    ("截至目前为止。", "为止", "wei2 zhi3"),
    ("降水量较常年偏多。", "降水", "jiang4 shui3"),
    ("央行宣布利率下调。", "下调", "xia4 tiao2"),
    ("股价强势反弹。", "反弹", "fan3 tan2"),
    ("发展朝阳产业。", "朝阳", "zhao1 yang2"),
    ("青年朝气蓬勃。", "朝气", "zhao1 qi4"),
    ("小麦长势良好。", "长势", "zhang3 shi4"),
    ("作物生长周期。", "生长", "sheng1 zhang3"),
    ("建立长效机制。", "长效", "chang2 xiao4"),
    ("调研组抵达。", "调研", "diao4 yan2"),
    ("加强调控政策。", "调控", "tiao2 kong4"),
    ("生活单调乏味。", "单调", "dan1 diao4"),
    ("按期偿还债务。", "偿还", "chang2 huan2"),
    ("工作还需努力。", "还需", "hai2 xu1"),
    ("开展便民服务。", "便民", "bian4 min2"),
    ("空气干燥。", "干燥", "gan1 zao4"),
    ("干事创业热情高涨。", "干事", "gan4 shi4"),
    ("凭处方购药。", "处方", "chu3 fang1"),
    ("保障补给线。", "补给", "bu3 ji3"),
    ("着手推进改革。", "着手", "zhuo2 shou3"),
    ("沉着应对挑战。", "沉着", "chen2 zhuo2"),
    ("露天煤矿停产。", "露天", "lu4 tian1"),
    ("知情人士透露。", "透露", "tou4 lu4"),
    ("车辆刹车失灵。", "刹车", "sha1 che1"),
    ("千年古刹重修。", "古刹", "gu3 cha4"),
    ("负责校对工作。", "校对", "jiao4 dui4"),
    ("被授予上校军衔。", "上校", "shang4 xiao4"),
    ("宁夏回族自治区。", "宁夏", "ning2 xia4"),
    ("河北乐亭县发布。", "乐亭", "lao4 ting2"),
    ("广西百色市发布。", "百色", "bai3 se4"),
    ("安徽歙县发布。", "歙县", "she4 xian4"),
    ("山西长治市发布。", "长治", "chang2 zhi4"),
    ("博物馆藏品展出。", "藏品", "cang2 pin3"),
    ("屏蔽不良信息。", "屏蔽", "ping2 bi4"),
    ("发酵过程受控。", "发酵", "fa1 jiao4"),
    ("剥离不良资产。", "剥离", "bo1 li2"),
    ("削弱不利影响。", "削弱", "xue1 ruo4"),
]


# A reader maps a run of Chinese text to one tone-numbered syllable per character.


def misaki_syllables(text: str) -> list[str]:
    """What the offline voice's G2P uses (jieba words, pypinyin, 一/不 sandhi): tts.engines.kokoro_text."""
    from tts.engines.kokoro_text import chinese_pinyin

    return [p for w in chinese_pinyin(text) for p in w]


def pypinyin_syllables(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)


def g2pm_reader():
    try:
        from g2pM import G2pM
    except ImportError:
        return None
    model = G2pM()
    return lambda text: model(text, tone=True, char_split=False)


def with_lexicon_of(reader):
    """The reader on the text between the built-in lexicon's markup, the markup's pinyin inside it — exactly how the
    offline voice's input is put together (tts.engines.kokoro_text.phonemize)."""
    from tts.speech.normalize import Lexicon
    from tts.speech.normalize.lexicon import MARKUP

    lexicon = Lexicon.builtin()

    def read(text: str) -> list[str]:
        marked, out, pos = lexicon.apply(text, "pinyin"), [], 0
        for m in MARKUP.finditer(marked):
            out += reader(marked[pos : m.start()]) if m.start() > pos else []
            out += m["pinyin"].split()
            pos = m.end()
        return out + (reader(marked[pos:]) if pos < len(marked) else [])

    return read


def read_word(reader, sentence: str, word: str) -> str:
    """The pinyin `reader` gives `word` where it stands in `sentence`."""
    syllables = reader(sentence.rstrip("。"))
    start = sentence.index(word)
    return " ".join(syllables[start : start + len(word)]).replace("ü", "v").replace("u:", "v")


def score(reader, cases) -> tuple[int, list[dict]]:
    """Cases read right, and the wrong ones."""
    wrong = []
    for sentence, word, expected, *page in cases:  # held-out 2 cases also name their page
        got = read_word(reader, sentence, word)
        if got != expected:
            wrong.append(
                {
                    "sentence": sentence,
                    "word": word,
                    "expected": expected,
                    "got": got,
                    **({"page": page[0]} if page else {}),
                }
            )
    return len(cases) - len(wrong), wrong


PHRASE_DATA = ("cc_cedict", "large_pinyin")  # pypinyin-dict's phrase-pinyin-data sets


def _phrase_reader_results(name: str) -> dict | None:
    """misaki with one pypinyin-dict phrase set loaded, scored in a child process (loading changes pypinyin globally)."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.polyphones", "--phrases", name], capture_output=True, text=True
    )
    return json.loads(done.stdout) if done.returncode == 0 else None


def _corpus_words() -> list[str]:
    """Distinct jieba words of the repo's corpus and sample article: what a phrase data set would re-read."""
    import re
    from pathlib import Path

    from tts.engines.kokoro_text import _jieba

    root = Path(__file__).resolve().parent.parent
    words: dict[str, None] = {}
    for path in sorted([*root.glob("tests/corpus/raw/*.txt"), *root.glob("articles/*.txt")]):
        for run in re.findall(r"[\u4e00-\u9fff]+", path.read_text("utf-8", errors="replace")):
            words.update(dict.fromkeys(w for w in _jieba().lcut(run) if len(w) > 1))
    return list(words)


def _score_readers(readers: dict) -> dict[str, dict]:
    results = {}
    for name, reader in readers.items():
        for suffix, read in (("", reader), (" + lexicon", with_lexicon_of(reader))):
            tuned, tuned_wrong = score(read, CASES)
            new, new_wrong = score(read, NEW_CASES)
            held, held_wrong = score(read, HELDOUT_CASES)
            results[name + suffix] = {
                "lexicon_cases": f"{tuned}/{len(CASES)}",
                "new_cases": f"{new}/{len(NEW_CASES)}",
                "heldout_cases": f"{held}/{len(HELDOUT_CASES)}",
                "all": round((tuned + new + held) / (len(CASES) + len(NEW_CASES) + len(HELDOUT_CASES)), 3),
                "wrong": tuned_wrong + new_wrong + held_wrong,
            }
    return results


def _heldout2_scores(readers: dict) -> dict[str, dict]:
    from benchmarks.polyphones_heldout2 import CASES as HELDOUT2

    results = {}
    for name, read in readers.items():
        right, wrong = score(read, HELDOUT2)
        results[name] = {"score": f"{right}/{len(HELDOUT2)}", "share": round(right / len(HELDOUT2), 3), "wrong": wrong}
    return results


def _score_heldout2(label: str) -> None:
    """The blind held-out list mined from real pages (benchmarks/polyphones_heldout2.py): the product's reader (misaki
    under the built-in lexicon) and misaki alone, stored under their own key so the other lists' runs stay as they are."""
    import json
    import subprocess
    import sys

    from benchmarks.polyphones_heldout2 import CASES as HELDOUT2

    results = _heldout2_scores(
        {
            "misaki + lexicon": with_lexicon_of(misaki_syllables),
            "misaki": misaki_syllables,
            "pypinyin-sentence + lexicon": with_lexicon_of(pypinyin_syllables),
        }
    )
    for name in PHRASE_DATA:  # each in a child process: loading a phrase set changes pypinyin for the whole process
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.polyphones", "--heldout2", "--phrases", name],
            capture_output=True,
            text=True,
        )
        results.update(json.loads(done.stdout) if done.returncode == 0 else {})
    for name, value in results.items():
        print(f"{name:30} held out 2 {value['score']} ({value['share']:.1%})")
    product = with_lexicon_of(misaki_syllables)  # the other lists under the same reader, so a fix shows what it costs
    for key, cases in (("lexicon_cases", CASES), ("new_cases", NEW_CASES), ("heldout_cases", HELDOUT_CASES)):
        right, wrong = score(product, cases)
        results["misaki + lexicon"][key] = f"{right}/{len(cases)}"
        results["misaki + lexicon"]["wrong"] += wrong
        print(f"{'misaki + lexicon':30} {key} {right}/{len(cases)}")
    _record(f"heldout2_{label}", {"cases": len(HELDOUT2), "readers": results})


def _record(key: str, entry: dict) -> None:
    """Store one run under KEY in benchmarks/results/polyphones.json, with the commit it ran at; other runs stay."""
    import json
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = root / "benchmarks" / "results" / "polyphones.json"
    runs = json.loads(out.read_text("utf-8")) if out.exists() else {}
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    runs[key] = {"commit": commit, **entry}
    out.write_text(json.dumps(runs, ensure_ascii=False, indent=1) + "\n", "utf-8")


def main() -> None:
    import argparse
    import importlib
    import json
    import logging
    import time

    import jieba

    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="latest")
    parser.add_argument("--heldout2", action="store_true", help="score only the blind list mined from real pages")
    parser.add_argument("--phrases", help=argparse.SUPPRESS)  # child mode: score misaki with this phrase set
    args = parser.parse_args()
    jieba.setLogLevel(logging.WARNING)
    if args.heldout2 and args.phrases:  # child: the product's reader with a phrase set loaded, on held-out 2
        importlib.import_module(f"pypinyin_dict.phrase_pinyin_data.{args.phrases}").load()
        name = f"misaki+{args.phrases} + lexicon"
        print(json.dumps(_heldout2_scores({name: with_lexicon_of(misaki_syllables)}), ensure_ascii=False))
        return
    if args.heldout2:
        _score_heldout2(args.label)
        return
    if args.phrases:
        words = _corpus_words()
        before = {w: " ".join(misaki_syllables(w)) for w in words}
        started = time.perf_counter()
        importlib.import_module(f"pypinyin_dict.phrase_pinyin_data.{args.phrases}").load()
        load_s = round(time.perf_counter() - started, 1)
        changed = {w: f"{before[w]} -> {after}" for w in words if (after := " ".join(misaki_syllables(w))) != before[w]}
        result = _score_readers({f"misaki+{args.phrases}": misaki_syllables})
        for value in result.values():
            value.update(load_s=load_s, corpus_words=len(words), corpus_words_changed=changed)
        print(json.dumps(result, ensure_ascii=False))
        return

    readers = {"misaki": misaki_syllables, "pypinyin-sentence": pypinyin_syllables}
    if (g2pm := g2pm_reader()) is not None:
        readers["g2pM"] = g2pm
    results = _score_readers(readers)
    for name in PHRASE_DATA:
        results.update(_phrase_reader_results(name) or {})
    for name, value in results.items():
        print(
            f"{name:30} lexicon cases {value['lexicon_cases']:>7}  new {value['new_cases']:>5}  held out {value['heldout_cases']:>5}"
            f"  all {value['all']:.1%}"
        )
    _record(args.label, {"readers": results})


if __name__ == "__main__":
    main()
