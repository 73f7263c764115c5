"""Rewrite rules from written to spoken Chinese, applied in order. Each rule is (name, pattern, replacement).

The order matters: specific forms (phone numbers, dates, times, ratios, ranges, percentages, units) are
rewritten before the generic number rule reads what is left.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from tts.speech.normalize.numbers import read_digits, read_number, read_year

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


def _percent(value: str) -> str:
    words = read_number(value)
    if words.startswith("负"):
        return "负百分之" + words[1:]
    return "百分之" + words


# Symbol units written after numbers, and how they are said.
UNITS = {
    "km/h": "公里每小时", "km²": "平方公里", "km2": "平方公里", "km": "公里", "kg": "千克", "mg": "毫克",
    "m²": "平方米", "m2": "平方米", "m³": "立方米", "m3": "立方米", "cm": "厘米", "mm": "毫米", "nm": "纳米",
    "kWh": "千瓦时", "kW": "千瓦", "MW": "兆瓦", "GW": "吉瓦", "mAh": "毫安时", "GHz": "吉赫兹", "MHz": "兆赫兹",
    "Hz": "赫兹", "ml": "毫升", "mL": "毫升", "dB": "分贝", "℃": "摄氏度", "°C": "摄氏度", "°": "度",
    "m": "米", "g": "克", "L": "升", "t": "吨", "h": "小时", "s": "秒",
}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# Chinese units/measure words that may follow the second number of a range (1-10月, 5-8个).
RANGE_TAIL = r"[月日号年岁个人名家次位条项种万亿千百元米吨天周倍%％]|公里|亿元|万元|美元|小时|分钟|摄氏度"


def _unit_after(number: str, unit: str) -> str:
    if unit in ("℃", "°C") and number.startswith("-"):
        return "零下" + read_number(number[1:]) + "摄氏度"
    return read_number(number) + UNITS[unit]


def _temperature_number(number: str) -> str:
    return "零下" + read_number(number[1:]) if number.startswith("-") else read_number(number)


RULES: list[Rule] = [
    # Phone numbers and hotlines: digit by digit, 1 as 幺, groups separated by a pause.
    Rule("phone-labelled", re.compile(r"(?P<label>电话|热线|手机|传真|拨打|致电|专线|客服)(?P<sep>[:：\s]*)(?P<num>(?:\d[\d\-－ ]{1,}\d))"),
         lambda m: m["label"] + m["sep"] + _phone(m)),
    Rule("phone", re.compile(r"(?<![\d.])(?P<num>0\d{2,3}-\d{5,8}|1[3-9]\d{9}|400-?\d{3}-?\d{4}|800-?\d{3}-?\d{4})(?![\d.])"), _phone),
    # Codes read digit by digit: 股票代码600519, G312 (roads, trains, flights), 〔2022〕 in document numbers.
    Rule("code-labelled", re.compile(r"(?P<label>代码|编号|邮编|账号|订单号|车次|航班号?)(?P<sep>[:：\s]*)(?P<num>\d{3,})"),
         lambda m: m["label"] + m["sep"] + read_digits(m["num"], yao=True)),
    Rule("letter-code", re.compile(r"(?<=[A-Z])(?P<num>\d{3,})(?![\d.])"), lambda m: read_digits(m["num"], yao=True)),
    Rule("document-year", re.compile(r"(?<=[〔\[［(（])(?P<y>(?:19|20)\d{2})(?=[〕\]］)）])"), lambda m: read_year(m["y"])),
    # List numbers opening a line: 1.加强领导 -> 一、加强领导
    Rule("list-number", re.compile(r"^(?P<n>\d{1,2})[.．、]\s*(?=[\u4e00-\u9fff])"), lambda m: read_number(m["n"]) + "、"),
    # Dates: 2021-09-15, 21-09-15, 2016/11/22, 2012.06.24 (two-digit years: 20YY unless in the future).
    Rule("date", re.compile(r"(?<![\d.])(?P<y>\d{4}|\d{2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})日?(?![\d.])"),
         lambda m: _date(m) if _valid_date(m) else m.group(0)),
    # Year ranges and years: 2017-2021年, 2017年 — read digit by digit.
    Rule("year-range", re.compile(r"(?<!\d)(?P<a>\d{4})\s*[-－—~～至到]\s*(?P<b>\d{4})年"),
         lambda m: f"{read_year(m['a'])}年至{read_year(m['b'])}年"),
    Rule("year", re.compile(r"(?<![\d.])(?P<y>(?:1[89]|20)\d{2})(?=年|财年|赛季|春季|夏季|秋季|冬季|款|版|届)"), lambda m: read_year(m["y"])),
    # Zero-padded months, days and clock units: 09月 -> 九月.
    Rule("zero-padded", re.compile(r"(?<!\d)0(?P<d>\d)(?=[月日号时点])"), lambda m: m["d"]),
    Rule("two-digit-year", re.compile(r"(?<![\d.])(?P<y>[0-9]\d)(?=年(?:代|初|底|末|\d{1,2}月))"), lambda m: read_digits(m["y"])),
    # Ratios named as such (比例为5:45:50) before clock times could claim them.
    Rule("ratio-named", re.compile(rf"(?P<ctx>比例|比分|占比|之比|比值)(?P<sep>[为是：:\s]*)(?P<r>{NUM}(?:[:：]{NUM})+)"),
         lambda m: m["ctx"] + m["sep"] + "比".join(read_number(p) for p in re.split(r"[:：]", m["r"]))),
    # Clock times: 15:09, 8:00, 10:08:33.
    Rule("time", re.compile(r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])[:：](?P<mi>[0-5]\d)(?:[:：](?P<s>[0-5]\d))?(?![\d.:])"), _time),
    # Ratios: 1.1:50.3:48.6, 3:2 in 比分/比例 contexts.
    Rule("ratio", re.compile(rf"(?<![\d.]){NUM}(?:[:：]{NUM}){{1,}}(?![\d.])"),
         lambda m: "比".join(read_number(p) for p in re.split(r"[:：]", m.group(0)))),
    # Percent ranges and percents: 15%至20%, 15-20%, -3.5%.
    Rule("percent-range", re.compile(rf"(?P<a>[-+]?{NUM})[%％]?\s*(?P<op>[-－~～至到])\s*(?P<b>[-+]?{NUM})[%％]"),
         lambda m: f"{_percent(m['a'])}至{_percent(m['b'])}"),
    Rule("percent", re.compile(rf"(?P<a>[-+]?{NUM})[%％]"), lambda m: _percent(m["a"])),
    # Temperature ranges (12~23℃) before general ranges.
    Rule("temperature-range", re.compile(rf"(?P<a>-?{NUM})\s*[~～\-－至到]\s*(?P<b>-?{NUM})\s*(?P<u>℃|°C)"),
         lambda m: f"{_temperature_number(m['a'])}至{_unit_after(m['b'], m['u'])}"),
    # Day and month ranges written with the unit twice: 5月20日-31日.
    Rule("unit-range", re.compile(r"(?<![\d.])(?P<a>\d+)(?P<u>[日号月])\s*[-－~～—]\s*(?P<b>\d+)(?P=u)"),
         lambda m: f"{read_number(m['a'])}{m['u']}至{read_number(m['b'])}{m['u']}"),
    # Number ranges: 1-10月, 5月20日至31日 (the 至 is already Chinese), 12~23.
    Rule("range", re.compile(rf"(?<![\d.])(?P<a>{NUM})\s*[-－~～—]\s*(?P<b>{NUM})(?=\s*(?:{RANGE_TAIL}))"),
         lambda m: f"{read_number(m['a'])}至{read_number(m['b'])}"),
    Rule("tilde-range", re.compile(rf"(?<![\d.])(?P<a>{NUM})\s*[~～]\s*(?P<b>{NUM})"),
         lambda m: f"{read_number(m['a'])}至{read_number(m['b'])}"),
    # Currency signs: ¥100, $699.
    Rule("currency", re.compile(rf"(?P<c>[¥￥$＄€£])\s*(?P<n>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|{NUM})(?P<big>[万亿]?)"),
         lambda m: read_number(m["n"]) + m["big"] + {"¥": "元", "￥": "元", "$": "美元", "＄": "美元", "€": "欧元", "£": "英镑"}[m["c"]]),
    # Symbol units after numbers: 120km/h, 64GB stays letters, 23℃, 5kg.
    Rule("unit", re.compile(rf"(?P<n>-?{NUM})\s*(?P<u>{_UNIT_ALT})(?![A-Za-z])"), lambda m: _unit_after(m["n"], m["u"])),
    # Unit fractions: 元/吨, 公里/小时.
    Rule("per", re.compile(r"(?<=[元米克吨时秒人次件斤升度里])/(?=[\u4e00-\u9fff])"), lambda m: "每"),
    # A hyphen joining letters to digits (COVID-19) is not a minus.
    Rule("code-hyphen", re.compile(r"(?<=[A-Za-z])-(?=\d)"), lambda m: " "),
    # Numbers with thousands separators, then every remaining number.
    Rule("grouped-number", re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])"), lambda m: read_number(m.group(0))),
    Rule("negative", re.compile(r"(?:^|(?<=[\s，,（(：:、]))-(?=\d)"), lambda m: "负"),
    Rule("number", re.compile(rf"(?<![\d.]){NUM}"),
         lambda m: read_number(m.group(0), m.string[m.end() : m.end() + 1], m.string[max(0, m.start() - 1) : m.start()])),
    # Arithmetic signs between words.
    Rule("plus", re.compile(r"(?<=[\u4e00-\u9fff])\+(?=[\u4e00-\u9fff])"), lambda m: "加"),
    Rule("equals", re.compile(r"="), lambda m: "等于"),
    Rule("ampersand", re.compile(r"&"), lambda m: "和"),
]
