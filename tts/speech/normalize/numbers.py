"""Reading numbers aloud: values (一千三百零七), digit strings (二零一七, 幺二三四五) and 两 where Chinese says it."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"
# Measure words after which a bare 2 is read 两 (两个, 两家), not 二. Not 月: 2月 is the month 二月 (two months
# are 两个月). 点/时 are the clock hour (下午两点, 凌晨两时), 成 a tenth (两成), 元 money (两元, two dollars 两美元).
MEASURES = set(
    "个人名家次位条项种座辆所台架只张本件份岁天周年倍批场轮支口户间栋层块斤吨趟组届点时成元夜米克亩升秒瓶杯箱颗棵头艘"
)
# Measures of two characters whose first one alone would not say so (2小时 两小时, 2公里 两公里; 2分 stays 二分
# because 分 is also points and minutes of a score or clock).
WORD_MEASURES = (
    "小时",
    "公里",
    "公斤",
    "公顷",
    "千米",
    "千克",
    "分钟",
    "周岁",
    "平方",
    "立方",
    "英里",
    "海里",
    "星期",
) + ("毫米", "厘米", "纳米", "微米", "毫升", "毫克", "微克", "英寸", "英尺")
# Magnitudes after which 2 is 两 (两万, 两亿), in either script: a Traditional page prints 2萬 and 2億.
MAGNITUDES = "万亿千萬億"


def takes_liang(following: str) -> bool:
    """Whether a bare 2 before `following` (the text after it) is said 两: before a measure word or a magnitude."""
    return bool(following) and (
        following[0] in MEASURES or following[0] in MAGNITUDES or following.startswith(WORD_MEASURES)
    )


def read_digits(digits: str, yao: bool = False) -> str:
    """Digit by digit; with yao, 1 is read 幺 as in phone numbers and codes."""
    out = []
    for c in digits:
        if c.isdigit():
            out.append("幺" if yao and c == "1" else _DIGITS[int(c)])
    return "".join(out)


def read_number(text: str, next_char: str = "", prev_char: str = "") -> str:
    """A value such as 1307, 2.02, -3.5 or 1,307 in words; 2 before a measure word, and 2000/2万, read 两
    (but 第2 is 第二). `next_char` is the text after the number (one character or more)."""
    import cn2an

    value = text.replace(",", "").replace("，", "")
    if value.startswith("+"):
        value = value[1:]
    if "." in value:
        whole, frac = value.split(".", 1)
        return read_number(whole or "0") + "点" + read_digits(frac)
    negative = value.startswith("-")
    value = value.lstrip("-")
    if len(value) > 1 and value.startswith("0"):
        return read_digits(value)  # a code such as 007, not a value
    if len(value) > 16:
        return read_digits(value)
    words = cn2an.an2cn(value, "low")
    if prev_char == "第":
        pass
    elif words == "二" and takes_liang(next_char):
        words = "两"
    elif words.startswith(("二千", "二万", "二亿")):
        words = "两" + words[1:]
    return ("负" if negative else "") + words


def read_year(digits: str) -> str:
    return read_digits(digits)
