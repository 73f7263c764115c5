"""Which frequent news words does the default G2P (misaki: jieba + pypinyin) read with the wrong pinyin?

The words it gets wrong, in context, are what tts/normalize/builtin_lexicon.toml fixes.
Run:  uv run python -m benchmarks.polyphones
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


def g2p_pinyin(sentence: str, word: str) -> str:
    """The pinyin the offline voice's G2P uses for `word` inside `sentence` (jieba words, pypinyin, 一/不 sandhi)."""
    from tts.engines.kokoro_text import chinese_pinyin

    syllables = [p for w in chinese_pinyin(sentence.rstrip("。")) for p in w]
    start = sentence.index(word)
    return " ".join(syllables[start : start + len(word)])


def with_lexicon(sentence: str, word: str) -> str:
    """The pinyin the offline voice gets once the built-in lexicon has marked its words up."""
    from tts.speech.normalize import Lexicon
    from tts.speech.normalize.lexicon import MARKUP

    marked = Lexicon.builtin().apply(sentence, "pinyin")
    for m in MARKUP.finditer(marked):
        if word in m["word"]:
            start = m["word"].index(word)
            return " ".join(m["pinyin"].split()[start : start + len(word)])
    return g2p_pinyin(sentence, word)


def main() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for label, reader in (("default G2P", g2p_pinyin), ("with the built-in lexicon", with_lexicon)):
        wrong = [(w, e, reader(s, w).replace("ü", "v")) for s, w, e in CASES if reader(s, w).replace("ü", "v") != e]
        print(f"{len(CASES) - len(wrong)}/{len(CASES)} polyphone words read right, {label}")
        for word, expected, got in wrong:
            print(f"  {word}: expected {expected}, got {got}")


if __name__ == "__main__":
    main()
