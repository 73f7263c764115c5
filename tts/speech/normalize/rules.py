"""Rewrite rules from written to spoken Chinese, applied in order. Each rule is (name, pattern, replacement).

The order matters: specific forms (phone numbers, dates, times, ratios, ranges, percentages, units) are
rewritten before the generic number rule reads what is left.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from tts.speech.normalize.numbers import MEASURES, read_digits, read_number, read_year, takes_liang

Replace = Callable[[re.Match[str]], str]
NUM = r"\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    replace: Replace


def _full_year(two: str) -> str:
    year = int(two)
    return str(2000 + year if 2000 + year <= _dt.date.today().year else 1900 + year)


def _date(m: re.Match[str]) -> str:
    year = m["y"] if len(m["y"]) == 4 else _full_year(m["y"])
    return f"{read_year(year)}年{read_number(str(int(m['m'])))}月{read_number(str(int(m['d'])))}日"


def _valid_date(m: re.Match[str]) -> bool:
    return 1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31


def _time(m: re.Match[str]) -> str:
    hour, minute, second = int(m["h"]), int(m["mi"]), m["s"]
    spoken = ("两" if hour == 2 else read_number(str(hour))) + "点"
    if minute or second:
        spoken += ("零" if minute < 10 else "") + read_number(str(minute)) + "分"
    if second and int(second):
        spoken += read_number(second) + "秒"
    return spoken


def _phone(m: re.Match[str]) -> str:
    groups = re.split(r"[-－\s]+", m["num"].strip())
    return "，".join(read_digits(g, yao=True) for g in groups if g)


def _bracketed_phone(m: re.Match[str]) -> str:
    """(0571)87654321: the area code in its brackets, then the number, both digit by digit."""
    return m["open"] + read_digits(m["area"], yao=True) + m["close"] + read_digits(m["num"], yao=True)


_PER = {"%": "百分之", "％": "百分之", "‰": "千分之", "‱": "万分之"}


def _per(value: str, sign: str) -> str:
    """15% -> 百分之十五, -3.5% -> 负百分之三点五, 3‰ -> 千分之三, 5‱ -> 万分之五."""
    words = read_number(value)
    if words.startswith("负"):
        return "负" + _PER[sign] + words[1:]
    return ("正" if value.startswith("+") else "") + _PER[sign] + words


def _next_word_char(m: re.Match[str]) -> str:
    """The words after a number, or after the range it opens (2至3天: 天), which decide 两 vs 二."""
    rest = m.string[m.end() :]
    ranged = re.match(rf"\s*[至到]\s*{NUM}\s*(..?)", rest)
    return ranged.group(1) if ranged else rest[:2]


# Symbol units written after numbers, and how they are said.
UNITS = {
    "km/h": "公里每小时",
    "km²": "平方公里",
    "km2": "平方公里",
    "km": "公里",
    "kg": "千克",
    "mg": "毫克",
    "m²": "平方米",
    "m2": "平方米",
    "m³": "立方米",
    "m3": "立方米",
    "cm": "厘米",
    "mm": "毫米",
    "nm": "纳米",
    "cm²": "平方厘米",
    "cm2": "平方厘米",
    "cm³": "立方厘米",
    "cm3": "立方厘米",
    "mm²": "平方毫米",
    "mm2": "平方毫米",
    "kWh": "千瓦时",
    "kW·h": "千瓦时",
    "kW・h": "千瓦时",
    "mmol/L": "毫摩尔每升",
    "mg/L": "毫克每升",
    "μm": "微米",
    "min": "分钟",
    "TEU": "标准箱",
    "kW": "千瓦",
    "MW": "兆瓦",
    "GW": "吉瓦",
    "mAh": "毫安时",
    "GHz": "吉赫兹",
    "MHz": "兆赫兹",
    "Hz": "赫兹",
    "ml": "毫升",
    "mL": "毫升",
    "dB": "分贝",
    "℃": "摄氏度",
    "°C": "摄氏度",
    "℉": "华氏度",
    "°F": "华氏度",
    "°": "度",
    "μg": "微克",
    "kV": "千伏",
    "V": "伏",
    "W": "瓦",
    "m": "米",
    "g": "克",
    "L": "升",
    "t": "吨",
    "h": "小时",
    "s": "秒",
}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# Chinese units/measure words that may follow the second number of a range (1-10月, 5-8个).
RANGE_TAIL = (
    r"[月日号年岁个人名家次位条项种万亿千百元米吨天周倍%％季期届批轮场局集章节页级档层楼座辆台架所户套间栋块斤亩克升度强秒]"
    r"|公里|亿元|万元|美元|小时|分钟|摄氏度|华氏度|平方|立方|公顷|千米|千克|公斤|毫米|厘米|毫升|海里|英里"
)


_TEMPERATURE = ("℃", "°C", "℉", "°F")


def _unit_after(number: str, unit: str) -> str:
    if unit in _TEMPERATURE and number.startswith("-"):
        return "零下" + read_number(number[1:]) + UNITS[unit]
    return read_number(number, next_char=UNITS[unit]) + UNITS[unit]  # 2km 两公里, 2h 两小时


def _temperature_number(number: str) -> str:
    return "零下" + read_number(number[1:]) if number.startswith("-") else read_number(number)


# Range connectors: hyphens and dashes of every width, tildes, and the Chinese words (kept as written).
DASH = r"(?:[-－‐‑‒–~～〜]|—{1,2}|―{1,2})"
_RANGE_UNIT = r"[年月日号时点分秒%‰℃]"


def _connector(m: re.Match[str]) -> str:
    """A dash between two numbers is 至 when it joins a range: always for a tilde; for a hyphen or dash only when
    the right side carries a unit (1-10月, 2019-2021年, 3月1日—5日) or both sides are clock times or full dates
    (8:00-17:30, 2021.9.15—2021.10.15). Bare number-dash-number (a score, a standard's number, 备案号-1) is left."""
    left, dash, right = m["left"], m["dash"], m["right"]
    full_date = r"\d{4}[./]\d{1,2}[./]\d{1,2}"
    ranged = (
        dash in "~～〜"
        or re.match(rf"{NUM}\s*(?:{RANGE_TAIL}|{_RANGE_UNIT}|{_UNIT_ALT})", right)
        or (":" in left and re.match(r"\d{1,2}:\d", right))
        or (re.fullmatch(full_date, left) and re.match(full_date, right))
        or m.string[max(0, m.start() - 1) : m.start()] == "第"  # 第3-5名, 第1-3季度
    )
    return f"{left}至" if ranged else m.group(0)


def _joiner(written: str) -> str:
    """A range's connector as said: the written Chinese word (至, 到), else 至."""
    return written if written in "至到" else "至"


def _fraction(numerator: str, denominator: str) -> str:
    whole = {"100": "百", "1000": "千", "10000": "万"}.get(denominator)  # 3/100 is said 百分之三
    return f"{whole or read_number(denominator)}分之{read_number(numerator)}"


# Words that make a/b a fraction (约1/3的) or a month/day date (于9/15, 9/15起).
_FRACTION_BEFORE = r"(?:约|近|超过|超|占|达|逾|仅|的|不到|不足|至少|多达|只有|将近|大约|高达|低于|高于)$"
_FRACTION_AFTER = r"^(?:的|以上|以下|左右|多|强|弱|决赛|股份|份额|席位)"
_DATE_BEFORE = r"(?:于|在|自|从|截至|截止|今年|去年|明年|每年|日期[:：]?|时间[:：]?)$"
_DATE_AFTER = r"^(?:日|起|至|到|前|后|当天|当日|晚|早|上午|下午|凌晨|中午|夜间|晚间|盘中|收盘|开盘|[（(]?周[一二三四五六日天]|[（(]?星期|举行|开幕|发布|公布|召开|讯|电|消息|以来|期间)"


def _slash_pair(m: re.Match[str]) -> str:
    """a/b: a fraction (1/3 -> 三分之一) or, where the words around say so or only a date makes sense, a
    month/day date (9/15起 -> 九月十五日起)."""
    a, b = m["a"], m["b"]
    before, after = m.string[max(0, m.start() - 4) : m.start()], m.string[m.end() : m.end() + 4]
    month, day = int(a), int(b)
    if (
        1 <= month <= 12
        and 1 <= day <= 31
        and not re.search(_FRACTION_BEFORE, before)
        and not re.search(_FRACTION_AFTER, after)
    ):
        # News fractions are proper, with small or round denominators; 12/25, 10/1 or a bare 9/15 is a date.
        if (
            re.search(_DATE_BEFORE, before)
            or re.search(_DATE_AFTER, after)
            or month >= day
            or (day > 10 and day not in (12, 16, 20, 25, 30))
        ):
            return f"{read_number(str(month))}月{read_number(str(day))}" + ("" if after.startswith("日") else "日")
    return _fraction(a, b)


def _named_day(m: re.Match[str]) -> str:
    """Days named by their date (3·15, 5·12, 9·11, 7·20) are said digit by digit: 三一五, 五一二, 七二零."""
    return read_digits(m["m"]) + read_digits(m["d"])


# Prefix currency signs and the word a newsreader says after the amount.
CURRENCY = {
    "US$": "美元",
    "HK$": "港元",
    "NT$": "新台币",
    "A$": "澳元",
    "AU$": "澳元",
    "C$": "加元",
    "CA$": "加元",
    "S$": "新加坡元",
    "NZ$": "新西兰元",
    "MOP$": "澳门元",
    "$": "美元",
    "＄": "美元",
    "¥": "元",
    "￥": "元",
    "€": "欧元",
    "£": "英镑",
    "₩": "韩元",
    "₹": "卢比",
    "₽": "卢布",
    "₣": "法郎",
    "₤": "里拉",
}
_CURRENCY_ALT = "|".join(re.escape(c) for c in sorted(CURRENCY, key=len, reverse=True))
# Written currency words after an amount, which replace the sign's word rather than repeat it (¥1,299元).
_CURRENCY_WORDS = r"人民币|美元|港元|港币|欧元|英镑|日元|韩元|澳元|加元|新台币|卢布|卢比|法郎|元"
AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MAGNITUDE = r"(?:千万|百万|万亿|[万亿千百])?"


def _currency(m: re.Match[str]) -> str:
    word = m["word"] or CURRENCY[m["c"]]
    amount = read_number(m["n"], next_char=(m["big"] or "元")[0])
    if m["n2"]:
        amount += "至" + read_number(m["n2"])
    return amount + (m["big"] or "") + word


_ROMAN = {"I": 1, "V": 5, "X": 10}


def _ascii_roman(m: re.Match[str]) -> str:
    """III期 -> 三期, IV级 -> 四级; a lone V or X before 型 is a shape (V型反转), not a number."""
    numeral = m["r"]
    if numeral in ("V", "X") and m.string[m.end() : m.end() + 1] == "型":
        return numeral
    values = [_ROMAN[c] for c in numeral]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return read_number(str(total))


# Signs between or before numbers, as said: 5×10米 五乘十米, ≥60分 大于等于六十分, ±0.5℃ 正负零点五摄氏度.
_BETWEEN_NUMBERS = {"×": "乘", "✕": "乘", "÷": "除以", ">": "大于", "<": "小于", "≠": "不等于"}
_BEFORE_NUMBER = {"≥": "大于等于", "⩾": "大于等于", "≤": "小于等于", "⩽": "小于等于", "≈": "约等于", "±": "正负"}
# Units after which a hyphen before the number is a minus sign (see the negative-value rule).
_SIGNED_UNIT = r"个百分点|个基点|[米元吨度%‰]|万|亿|千米|公里|摄氏度"
# What may follow a number that is a quantity rather than a hotline (12315热线, but 12345人).
_QUANTITY_AFTER = (
    rf"\s*(?:[{''.join(sorted(MEASURES))}万亿千百米克吨亩升度分秒套%％‰多余月日号]|公里|平方|立方|美元|[A-Za-z])"
)


def _circled(m: re.Match[str]) -> str:
    """①②… and ⒈⒉… number the items of a list: 一、二、 (the pause a newsreader makes) where one opens an item (after
    a stop or at the start, before words); elsewhere (步骤⑤) it is a reference. ⑴⑵… keep their brackets."""
    char = m["c"]
    words = read_number(str(int(unicodedata.numeric(char))))
    if "\u2474" <= char <= "\u2487":
        return f"（{words}）"
    return words + ("、" if m["text"] is not None else "")


def _month_day(m: re.Match[str]) -> str:
    return f"{read_number(str(int(m['m'])))}月{read_number(str(int(m['d'])))}日"


# Words after a bare M.D that make it a date (7.1起 is 七月一日起; 7.1% or 7.1元起 are not): the day's start, its
# parts, or a clock time.
_DOTTED_DATE_AFTER = r"\s*(?:起(?![价步飞跳])|当天|当日|零时|零点|凌晨|上午|下午|晚间|\d{1,2}[:：]\d{2})"


def _feet_and_inches(m: re.Match[str]) -> bool:
    seconds = m["s"]
    return not seconds.startswith("0") and float(seconds) < 12 and int(m["mi"]) < 8


_SCHEDULED = re.compile(r"(?:将于|定于|已于|拟于|均于)$")


# What makes an M.D a version or a quantity instead: a Latin name or 版本 before it (iOS 7.1起), a unit after it
# (将于1.5小时后).
_VERSION_BEFORE = re.compile(r"(?:[A-Za-z]\s?|[Vv]|版本?|系统|价|费)$")  # 价/费: a price (单价7.1起)


def _dotted_sequence(m: re.Match[str]) -> str:
    """Versions and addresses with two dots or more (iOS 17.2.1, 192.168.1.1): each part read, joined by 点 — short
    parts as numbers, longer ones and zero-led ones digit by digit."""
    parts = m.group(0).split(".")
    return "点".join(
        read_digits(p) if len(p) > 2 or p.startswith("0") and len(p) > 1 else read_number(p) for p in parts
    )


def _dotted_date(m: re.Match[str]) -> str:
    """7.1起, 5.20当天, 将于6.18 are dates; any other M.D is a decimal and left to the number rule."""
    before, after = m.string[max(0, m.start() - 3) : m.start()], m.string[m.end() :]
    if _VERSION_BEFORE.search(before) or re.match(_QUANTITY_AFTER, after) or takes_liang(after):
        return m.group(0)
    if re.match(_DOTTED_DATE_AFTER, after) or _SCHEDULED.search(before):
        return _month_day(m)
    return m.group(0)


# Words a scoreline follows or is followed by in a match report (以3-0横扫, 2-0领先).
_SCORE_VERBS = (
    r"战胜|击败|获胜|取胜|力克|逆转|大胜|险胜|完胜|轻取|负于|输给|落败|告负|不敌|战平|打平|拿下|淘汰|赢|胜|负|的比分"
    r"|横扫|零封|领先|落后|胜出|完败|惨败|憾负|力压|击溃|淘汰"
)
# Units a value and its range carry on both sides (8000元-1万元, 3米-5米), so the dash between them is 至.
_RANGE_SIDE = rf"{NUM}[万亿千百]?\s*(?:{RANGE_TAIL})"


RULES: list[Rule] = [
    Rule("dotted-sequence", re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){2,}(?![\d.])"), _dotted_sequence),
    # Roman numerals: Ⅲ期临床 -> 三期临床; ASCII ones only before the words that number a phase, class or grade.
    Rule(
        "roman",
        re.compile(r"[\u2160-\u216b\u2170-\u217b]"),
        lambda m: read_number(str(int(unicodedata.numeric(m.group(0))))),
    ),
    Rule(
        "roman-ascii",
        re.compile(r"(?<![A-Za-z])(?P<r>XI{0,3}|IX|IV|VI{0,3}|I{1,3})(?=[期类级型阶]|代(?!表))"),
        _ascii_roman,
    ),
    # A year shortened with an apostrophe ('98, ’08) is said by its two digits.
    Rule("apostrophe-year", re.compile(r"(?<![\dA-Za-z])[’'‘`](?P<y>\d{2})(?![\d%])"), lambda m: read_digits(m["y"])),
    # No.1 and №1 are 第一; before 号 (№1号) the sign is not said twice.
    Rule(
        "number-sign",
        re.compile(r"(?:(?<![A-Za-z])[Nn][Oo]\.|№)\s*(?=\d+(?P<hao>号)?)"),
        lambda m: "" if m["hao"] else "第",
    ),
    # Minutes and seconds in prime marks (3'25", 2′08″): 三分二十五秒. Feet and inches use the same marks (5'11");
    # a time's seconds are two digits, and a height's inches are under 12 with feet under 8.
    Rule(
        "prime-time",
        re.compile(r"(?<![\d.])(?P<mi>\d{1,3})\s*[′'’]\s*(?P<s>[0-5]\d(?:\.\d+)?)\s*(?:[″\"”]|'')"),
        lambda m: (
            m.group(0)
            if _feet_and_inches(m)
            else read_number(m["mi"], next_char="分钟") + "分" + read_number(m["s"]) + "秒"
        ),
    ),
    # Phone numbers and hotlines: digit by digit, 1 as 幺, groups separated by a pause.
    Rule(
        "phone-labelled",
        re.compile(
            r"(?P<label>电话|热线|手机|传真|拨打|致电|专线|客服)(?P<sep>[:：\s]*)(?P<num>(?:\d[\d\-－ ]{1,}\d))"
        ),
        lambda m: m["label"] + m["sep"] + _phone(m),
    ),
    Rule(
        "phone",
        re.compile(r"(?<![\d.])(?P<num>0\d{2,3}-\d{5,8}|1[3-9]\d{9}|400-?\d{3}-?\d{4}|800-?\d{3}-?\d{4})(?![\d.])"),
        _phone,
    ),
    Rule(
        "phone-bracketed",
        re.compile(r"(?P<open>[（(])(?P<area>0\d{2,3})(?P<close>[）)])\s*(?P<num>\d{7,8})(?![\d.])"),
        _bracketed_phone,
    ),
    # Public service hotlines (123xx: 12306, 12315, 12345 …) and 95xxx/96xxx service numbers inside a sentence and
    # named by the word after them (铁路12306网站, 95588客服), unless that word is a measure or unit that makes them a
    # quantity; a count opening a line (12314文章) is not one.
    Rule(
        "hotline",
        re.compile(
            rf"(?<=[\u4e00-\u9fff“\"「])(?P<num>123\d{{2}}|9[56]\d{{3}})(?![\d.,])(?!{_QUANTITY_AFTER})(?=[\u4e00-\u9fff”\"」）)])"
        ),
        lambda m: read_digits(m["num"], yao=True),
    ),
    # Emergency and service numbers named by the word after them, wherever they stand (110报警, 12345热线): a
    # three-digit 1xx or a five-digit 1xxxx/9xxxx only, so that a count (3000电话) stays a count.
    Rule(
        "hotline-named",
        re.compile(r"(?<![\d.])(?P<num>1\d{2}|[19]\d{4})(?![\d.])(?=(?:服务)?(?:热线|专线|客服|报警|急救|火警|求助))"),
        lambda m: read_digits(m["num"], yao=True),
    ),
    # Video resolutions: 1080P, 720p, 2160p are said digit by digit.
    Rule("resolution", re.compile(r"(?<![\d.])(?P<num>\d{3,4})(?=[Pp](?![A-Za-z]))"), lambda m: read_digits(m["num"])),
    # Codes read digit by digit: 股票代码600519, G312 (roads, trains, flights), 〔2022〕 in document numbers.
    Rule(
        "code-labelled",
        re.compile(r"(?P<label>代码|编号|邮政编码|邮编|账号|订单号|车次|航班号?)(?P<sep>[:：\s]*)(?P<num>\d{3,})"),
        lambda m: m["label"] + m["sep"] + read_digits(m["num"], yao=True),
    ),
    # Stock codes: a six-digit number alone in brackets after a name (贵州茅台（600519）), or any code with its
    # exchange (600519.SH, 00700.HK), digit by digit.
    Rule(
        "stock-code",
        re.compile(
            r"(?<=[\u4e00-\u9fffA-Za-z][（(])(?P<num>\d{6})(?=(?:\.(?:SH|SZ|BJ|HK))?[）)])"
            r"|(?<![\d.])(?P<code>\d{4,6})(?=\.(?:SH|SZ|BJ|HK)(?![A-Za-z]))"
        ),
        lambda m: read_digits(m["num"] or m["code"], yao=True),
    ),
    # Room numbers (502室, 1203房间) are codes.
    Rule(
        "room",
        re.compile(r"(?<![\d.])(?P<num>\d{3,4})(?=\s*(?:室|号房|房间))"),
        lambda m: read_digits(m["num"], yao=True),
    ),
    # A model number of three or more digits after a Latin name and a space (RTX 4090) is read like G312.
    Rule(
        "model-number",
        re.compile(rf"(?<=[A-Z]{{2}} )(?P<num>\d{{3,4}})(?![\d.,:/-])(?!{_QUANTITY_AFTER}|年)"),
        lambda m: read_digits(m["num"], yao=True),
    ),
    # A number of three or four digits right after a name and before the word for a model (波音787客机, 737机型,
    # 2000型) names the model: no measure word follows it, so it is not a count.
    Rule(
        "model-noun",
        re.compile(
            r"(?<=[\u4e00-\u9fff])(?<![第约近超逾共])(?P<num>\d{3,4})(?=型|机型|客机|飞机|货机|直升机|运输机|轰炸机|战斗机|舰)"
        ),
        lambda m: read_digits(m["num"], yao=True),
    ),
    # A number alone in quotes names something (“618”购物节, “520”, “2035”远景目标): said digit by digit.
    Rule("quoted-number", re.compile(r"(?<=[“「])(?P<num>\d{3,4})(?=[”」])"), lambda m: read_digits(m["num"])),
    Rule("letter-code", re.compile(r"(?<=[A-Z])(?P<num>\d{3,})(?![\d.])"), lambda m: read_digits(m["num"], yao=True)),
    Rule(
        "document-year",
        re.compile(r"(?<=[〔\[［(（])(?P<y>(?:19|20)\d{2})(?=[〕\]］)）])"),
        lambda m: read_year(m["y"]),
    ),
    # List numbers opening a line: 1.加强领导 -> 一、加强领导
    Rule(
        "list-number", re.compile(r"^(?P<n>\d{1,2})[.．、]\s*(?=[\u4e00-\u9fff])"), lambda m: read_number(m["n"]) + "、"
    ),
    Rule(
        "circled-number",
        re.compile(
            r"(?P<c>[\u2460-\u2473\u2474-\u2487\u2488-\u249b])"
            r"(?P<text>(?<=^.)(?=[\u4e00-\u9fff])|(?<=[\s：:；;。，,！？].)(?=[\u4e00-\u9fff]))?"
        ),
        _circled,
    ),
    # `&`: letters keep their language (R&D -> R and D), numbers and words are joined by 和 (3&4号线 -> 3和4号线).
    Rule("ampersand-letters", re.compile(r"(?<=[A-Za-z])\s*&\s*(?=[A-Za-z])"), lambda m: " and "),
    Rule("ampersand", re.compile(r"\s*&\s*"), lambda m: "和"),
    # Currency signs before amounts: ¥1,299元 -> 一千二百九十九元 (the written word is not repeated), US$799, HK$3.2万亿.
    Rule(
        "currency",
        re.compile(
            rf"(?<![A-Za-z])(?P<c>{_CURRENCY_ALT})\s*(?P<n>{AMOUNT})(?:\s*{DASH}\s*(?:{_CURRENCY_ALT})?\s*(?P<n2>{AMOUNT}))?"
            rf"(?P<big>{_MAGNITUDE})(?P<word>{_CURRENCY_WORDS})?"
        ),
        _currency,
    ),
    # Named days: 3·15, 5·12, 9·11; 3.15 only where the words after it name the day.
    Rule(
        "named-day", re.compile(r"(?<![\d.])(?P<m>1[0-2]|[1-9])[·・•‧∙](?P<d>[12]\d|3[01]|[1-9])(?![\d])"), _named_day
    ),
    Rule(
        "named-day-dot",
        re.compile(
            r"(?<![\d.])(?P<m>1[0-2]|[1-9])\.(?P<d>[12]\d|3[01]|[1-9])(?=”?\s*(?:晚会|消费者|国际消费者|权益日|打假|维权))"
        ),
        _named_day,
    ),
    # Month.day with the words of a date after it (7.1起, 5.20当天, 10.1零时) or a scheduling word before it (将于6.18).
    Rule(
        "dotted-date",
        re.compile(r"(?<![\d.])(?P<m>1[0-2]|[1-9])\.(?P<d>[12]\d|3[01]|[1-9])(?![\d.%])"),
        _dotted_date,
    ),
    # A month-day before a clock time (05-06 14:30, 12/29 21:35) is a date, as in a page's time stamp.
    Rule(
        "month-day-time",
        re.compile(
            r"(?<![\d.\-/:])(?P<m>0?[1-9]|1[0-2])[-/](?P<d>0?[1-9]|[12]\d|3[01])(?=\s+(?:[01]?\d|2[0-3])[:：][0-5]\d(?!\d))"
        ),
        _month_day,
    ),
    # Seasons, school and fiscal years: 2021/22赛季, 2022-23赛季, 2021/2022学年 -> 二零二一至二零二二赛季.
    Rule(
        "season",
        re.compile(
            r"(?<![\d.])(?P<a>(?:19|20)\d{2})\s*[/⁄\-－–—]\s*(?P<b>(?:19|20)?\d{2})(?![\d])(?=\s*(?:赛季|学年|财年|年度|雪季|球季))"
        ),
        lambda m: f"{read_year(m['a'])}至{read_year(m['b'] if len(m['b']) == 4 else m['a'][:2] + m['b'])}",
    ),
    # Scores: 以3-1战胜, 比分定格在2-2 -> 三比一, 二比二 (a hyphen there is neither a range nor a minus).
    Rule(
        "score",
        re.compile(
            r"(?P<ctx>比分(?:定格在|定格为|改写为|扳为|为|是)?)?(?<![\d.])(?P<a>\d{1,3})\s*[-－–:：]\s*(?P<b>\d{1,3})(?![\d.:：])"
            rf"(?(ctx)|(?=\s*(?:{_SCORE_VERBS})))"
        ),
        lambda m: (m["ctx"] or "") + read_number(m["a"]) + "比" + read_number(m["b"]),
    ),
    # Range connectors between numbers (2019—2021年, 8:00-17:30, 3月1日—5日, 1-10月, 2021.9.15—2021.10.15) -> 至.
    Rule(
        "range-connector",
        re.compile(
            rf"(?<![\d.:/A-Za-z])(?P<left>\d+(?:[.:/]\d+)*(?:{_RANGE_UNIT}|°C|[万亿千百])?(?:\d+{_RANGE_UNIT})*)\s*(?P<dash>{DASH})\s*(?=(?P<right>\d.{{0,10}}))"
        ),
        _connector,
    ),
    # A dash between two values that each carry their unit (8000元-1万元, 3米—5米) joins a range, not a minus.
    Rule(
        "measured-range",
        re.compile(rf"(?<![\d.])(?P<left>{_RANGE_SIDE})\s*{DASH}\s*(?={_RANGE_SIDE})"),
        lambda m: m["left"] + "至",
    ),
    # Dates: 2021-09-15, 21-09-15, 2016/11/22, 2012.06.24 (two-digit years: 20YY unless in the future).
    Rule(
        "date",
        re.compile(r"(?<![\d.])(?P<y>\d{4}|\d{2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})日?(?![\d.])"),
        lambda m: _date(m) if _valid_date(m) else m.group(0),
    ),
    # Year ranges and years: 2017-2021年, 2017年 — read digit by digit; the Chinese connector (至, 到) is kept.
    Rule(
        "year-range",
        re.compile(r"(?<!\d)(?P<a>\d{4})年?\s*(?P<op>[-－—~～至到])\s*(?P<b>\d{4})(?P<u>年|财年|赛季|年度)"),
        lambda m: f"{read_year(m['a'])}年{'至' if m['op'] not in '至到' else m['op']}{read_year(m['b'])}{m['u']}",
    ),
    # Quarters: 2023年Q3 / 2023Q3 -> 二零二三年第三季度; a bare Q1-Q4 only before the words of a report (Q3 is also a car).
    Rule(
        "quarter",
        re.compile(
            r"(?:(?<![\d.])(?P<y>(?:19|20)\d{2})(?P<nian>年)?\s*|(?<![A-Za-z\d]))Q(?P<q>[1-4])(?![\dA-Za-z])"
            r"(?(y)|(?=财报|营收|业绩|净利|财季|季报))"
        ),
        lambda m: (read_year(m["y"]) + "年" if m["y"] else "") + "第" + read_number(m["q"]) + "季度",
    ),
    Rule(
        "year",
        re.compile(r"(?<![\d.])(?P<y>(?:1[89]|20)\d{2})(?=年|财年|赛季|春季|夏季|秋季|冬季|款|版|届)"),
        lambda m: read_year(m["y"]),
    ),
    # Zero-padded months, days and clock units: 09月 -> 九月.
    # Not after a decimal point: 2929.09点 is a value.
    Rule("zero-padded", re.compile(r"(?<![\d.])0(?P<d>\d)(?=[月日号时点])"), lambda m: m["d"]),
    # Decades are tens (80年代 -> 八十年代); generations are digits (90后 -> 九零后); 20年初 is a year (二零年初).
    Rule("decade", re.compile(r"(?<![\d.])(?P<d>[1-9])0(?=年代)"), lambda m: read_number(m["d"] + "0")),
    Rule("generation", re.compile(r"(?<![\d.])(?P<y>\d[05])(?=后(?![\d]))"), lambda m: read_digits(m["y"])),
    Rule(
        "two-digit-year",
        re.compile(r"(?<![\d.])(?P<y>[0-9]\d)(?=年(?:初|底|末|\d{1,2}月))"),
        lambda m: read_digits(m["y"]),
    ),
    # Month/day or fraction: 9/15起 -> 九月十五日起, 约1/3的 -> 约三分之一的, 1/4决赛.
    # Not before a Latin unit: 12/16GB lists two sizes.
    Rule("slash-pair", re.compile(r"(?<![\d./:])(?P<a>\d+)\s*[/⁄]\s*(?P<b>\d+)(?![\d/.]|\s*[A-Za-z])"), _slash_pair),
    # Ratios named as such (比例为5:45:50) before clock times could claim them.
    Rule(
        "ratio-named",
        re.compile(rf"(?P<ctx>比例|比分|占比|之比|比值)(?P<sep>[为是：:\s]*)(?P<r>{NUM}(?:[:：]{NUM})+)"),
        lambda m: m["ctx"] + m["sep"] + "比".join(read_number(p) for p in re.split(r"[:：]", m["r"])),
    ),
    # The ratio sign ∶ (U+2236) is never a clock: 2∶2 -> 二比二.
    Rule(
        "ratio-sign",
        re.compile(rf"(?<![\d.]){NUM}(?:\s*∶\s*{NUM})+(?![\d.])"),
        lambda m: "比".join(read_number(p.strip()) for p in m.group(0).split("∶")),
    ),
    # Clock times: 15:09, 8:00, 10:08:33.
    Rule(
        "time",
        re.compile(r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])[:：](?P<mi>[0-5]\d)(?:[:：](?P<s>[0-5]\d))?(?![\d.:])"),
        _time,
    ),
    # Ratios: 1.1:50.3:48.6, 3:2 in 比分/比例 contexts.
    Rule(
        "ratio",
        re.compile(rf"(?<![\d.]){NUM}(?:[:：]{NUM}){{1,}}(?![\d.])"),
        lambda m: "比".join(read_number(p) for p in re.split(r"[:：]", m.group(0))),
    ),
    # Mathematical signs between or before numbers.
    Rule(
        "sign-between",
        re.compile(rf"(?<=\d)\s*(?P<s>[{''.join(_BETWEEN_NUMBERS)}])\s*(?=[-+]?\d)"),
        lambda m: _BETWEEN_NUMBERS[m["s"]],
    ),
    # > and < between a word and a number compare it (含水率>0.5%, 年龄<18岁); with spaces around it, a > is a page's
    # breadcrumb separator (首页 > 10%公司) and is left.
    Rule(
        "sign-after-word",
        re.compile(r"(?<=[\u4e00-\u9fff])(?P<s>[><])(?=[-+]?\d)"),
        lambda m: _BETWEEN_NUMBERS[m["s"]],
    ),
    Rule(
        "sign-before",
        re.compile(rf"(?P<s>[{''.join(_BEFORE_NUMBER)}])\s*(?=[-+]?\d)"),
        lambda m: _BEFORE_NUMBER[m["s"]],
    ),
    # Percent, per mille and per ten thousand, alone and in ranges: 15%至20%, 15-20%, -3.5%, 3‰, 5‱.
    Rule(
        "percent-range",
        re.compile(rf"(?P<a>[-+]?{NUM})(?P<s1>[%％‰‱])?\s*(?P<op>[-－~～至到])\s*(?P<b>[-+]?{NUM})(?P<s>[%％‰‱])"),
        lambda m: f"{_per(m['a'], m['s1'] or m['s'])}{_joiner(m['op'])}{_per(m['b'], m['s'])}",
    ),
    Rule("percent", re.compile(rf"(?<![\d.])(?P<a>[-+]?{NUM})(?P<s>[%％‰‱])"), lambda m: _per(m["a"], m["s"])),
    # Temperature ranges (12~23℃) before general ranges.
    Rule(
        "temperature-range",
        re.compile(rf"(?P<a>-?{NUM})\s*(?P<op>[~～\-－至到])\s*(?P<b>-?{NUM})\s*(?P<u>℃|°C|℉|°F)"),
        lambda m: f"{_temperature_number(m['a'])}{_joiner(m['op'])}{_unit_after(m['b'], m['u'])}",
    ),
    # Day and month ranges written with the unit twice: 5月20日-31日.
    Rule(
        "unit-range",
        re.compile(r"(?<![\d.])(?P<a>\d+)(?P<u>[日号月])\s*[-－~～—]\s*(?P<b>\d+)(?P=u)"),
        lambda m: f"{read_number(m['a'])}{m['u']}至{read_number(m['b'])}{m['u']}",
    ),
    # Number ranges: 1-10月, 5月20日至31日 (the 至 is already Chinese), 12~23.
    Rule(
        "range",
        re.compile(rf"(?<![\d.])(?P<a>{NUM})\s*[-－~～—]\s*(?P<b>{NUM})(?=\s*(?:{RANGE_TAIL}))"),
        lambda m: f"{read_number(m['a'])}至{read_number(m['b'])}",
    ),
    Rule(
        "tilde-range",
        re.compile(rf"(?<![\d.])(?P<a>{NUM})\s*[~～]\s*(?P<b>{NUM})"),
        lambda m: f"{read_number(m['a'])}至{read_number(m['b'])}",
    ),
    # Results in athletics: 9秒83 (hundredths) and 1米98 (centimetres) say the trailing digits one by one.
    Rule(
        "split-result",
        re.compile(
            r"(?<![\d.])(?P<a>\d{1,2})(?P<u>秒|米)(?P<f>\d{2})(?![\d.])"
            rf"(?!\s*(?:[厘毫分]|{_QUANTITY_AFTER}))"
        ),
        lambda m: read_number(m["a"], next_char=m["u"]) + m["u"] + read_digits(m["f"]),
    ),
    # Symbol units after numbers: 120km/h, 64GB stays letters, 23℃, 5kg, 80m², 3km²; not before + (阅读量10W+ is
    # web shorthand for 十万+, not watts).
    Rule(
        "unit",
        re.compile(rf"(?P<n>-?{NUM})\s*(?P<u>{_UNIT_ALT})(?![A-Za-z+＋])"),
        lambda m: _unit_after(m["n"], m["u"]),
    ),
    # Symbol units after a magnitude or 每 or a slash: 12万㎡, 每㎡, 元/㎡, 3万t.
    Rule(
        "unit-after-word",
        re.compile(
            rf"(?:(?<=[万亿千百])|(?<=[\u4e00-\u9fff]/)|(?<=[余多每])(?=[a-zA-Z]{{2}}|[a-zA-Z][²³23]))(?P<u>{_UNIT_ALT})(?![A-Za-z])"
        ),
        lambda m: UNITS[m["u"]],
    ),
    # Unit fractions: 元/吨, 公里/小时.
    Rule("per", re.compile(r"(?<=[元米克吨时秒人次件斤升度里])/(?=[\u4e00-\u9fff])"), lambda m: "每"),
    # A hyphen joining letters to digits (COVID-19) is not a minus.
    Rule("code-hyphen", re.compile(r"(?<=[A-Za-z])-(?=\d)"), lambda m: " "),
    # Numbers with thousands separators, then every remaining number.
    Rule(
        "grouped-number",
        re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])"),
        lambda m: read_number(m.group(0)),
    ),
    Rule("negative", re.compile(r"(?:^|(?<=[\s，,（(：:、为是]))-(?=\d)"), lambda m: "负"),
    # After another word a hyphen is a minus only before a measured value (海拔-154米, 较上月-0.3个百分点): 歼-10,
    # 运-20 and 东风-41 are designations, 备案号-1 a suffix.
    Rule(
        "negative-value",
        re.compile(rf"(?<=[\u4e00-\u9fff])(?<![号第页期])-(?={NUM}\s*(?:{_SIGNED_UNIT}))"),
        lambda m: "负",
    ),
    Rule(
        "number",
        re.compile(rf"(?<![\d.]){NUM}"),
        lambda m: read_number(m.group(0), _next_word_char(m), m.string[max(0, m.start() - 1) : m.start()]),
    ),
    # Arithmetic signs between words.
    Rule("plus", re.compile(r"(?<=[\u4e00-\u9fff])\+(?=[\u4e00-\u9fff])"), lambda m: "加"),
    Rule("equals", re.compile(r"="), lambda m: "等于"),
]
