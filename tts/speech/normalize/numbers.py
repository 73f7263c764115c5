"""Reading numbers aloud: values (一千三百零七), digit strings (二零一七, 幺二三四五) and 两 where Chinese says it."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"
# Measure words after which a bare 2 is read 两 (两个, 两家), not 二. Not 月: 2月 is the month 二月 (two months
# are 两个月). 点/时 are the clock hour (下午两点, 凌晨两时), 成 a tenth (两成), 元 money (两元, two dollars 两美元).
MEASURES = set("个人名家次位条项种座辆所台架只张本件份岁天周年倍批场轮支口户间栋层块斤吨趟组届点时成元")


def read_digits(digits: str, yao: bool = False) -> str:
    """Digit by digit; with yao, 1 is read 幺 as in phone numbers and codes."""
    out = []
    for c in digits:
        if c.isdigit():
            out.append("幺" if yao and c == "1" else _DIGITS[int(c)])
    return "".join(out)


def read_number(text: str, next_char: str = "", prev_char: str = "") -> str:
    """A value such as 1307, 2.02, -3.5 or 1,307 in words; 2 before a measure word, and 2000/2万, read 两
    (but 第2 is 第二)."""
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
    elif words == "二" and next_char and (next_char in MEASURES or next_char in "万亿千"):
        words = "两"
    elif words.startswith(("二千", "二万", "二亿")):
        words = "两" + words[1:]
    return ("负" if negative else "") + words


def read_year(digits: str) -> str:
    return read_digits(digits)
