"""Publication metadata from header lines: date, source, authors."""

from __future__ import annotations

import datetime as _dt
import re

from tts.input.clean import rules

_WEEKDAY = re.compile(r"(?:星期|周|礼拜)[一二三四五六日天]")  # a dateline's weekday is never its source
_SOURCE_SUFFIX = re.compile(r"(?:网|报|社|台|科技|财经|新闻|日报|晚报|时报|在线|频道|委|局|厅|办|政府|中心|杂志)$")
_WIDGET = re.compile(r"(?:我有话说|参与|收藏|评论|分享|字号|打印|浏览|阅读|点击|关注|订阅|举报)")


_CREDIT_ROLE = re.compile(r"记者|通讯员|实习生|作者|编辑|撰文|摄影")
_EDITION = re.compile(r"\s*[（(][\u4e00-\u9fff]{2,4}(?:版)?[)）]$")
_GLUED_WIDGET = re.compile(r"(?<=\S\S)(?:参与互动|参与讨论|我有话说|分享到|收藏本文|打印本页|字号).*$")


def is_widget(text: str) -> bool:
    """A button or counter label next to the byline ('关注', '举报', '分享到')."""
    return len(text) <= 8 and bool(_WIDGET.search(text))


# Some templates set the time before the date, glued: '15:312018/09/16'.
_TIME_FIRST = re.compile(r"(?<!\d)(?P<time>\d{1,2}:\d{2})\s*(?P<date>(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2})(?![\d:])")


def parse_date(text: str, today: _dt.date | None = None) -> str | None:
    """First full date in text as ISO 'YYYY-MM-DD[ HH:MM]'; two-digit years are read as 20YY when not in the future."""
    for m in rules.DATE.finditer(_english_dates(_TIME_FIRST.sub(r"\g<date> \g<time>", text))):
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if year < 100:
            today = today or _dt.date.today()
            year += 2000 if 2000 + year <= today.year else 1900
        try:
            _dt.date(year, month, day)
        except ValueError:
            continue
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        if m["H"] is not None and int(m["H"]) < 24 and int(m["M"]) < 60:
            iso += f" {int(m['H']):02d}:{m['M']}"
        return iso
    return None


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?P<mon>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?)"
_ENGLISH_DATE = re.compile(
    rf"\b{_MONTH}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>(?:19|20)\d{{2}})\b"
    rf"|\b(?P<d2>\d{{1,2}})\s+{_MONTH.replace('mon', 'mon2')},?\s+(?P<y2>(?:19|20)\d{{2}})\b",
    re.I,
)


def _english_dates(text: str) -> str:
    """'Apr 22, 2025' and '22 April 2025' (sites with an English date line) as '2025-4-22'."""

    def iso(m: re.Match[str]) -> str:
        month = _MONTHS.index((m["mon"] or m["mon2"])[:3].lower()) + 1
        return f"{m['y'] or m['y2']}-{month}-{m['d'] or m['d2']}"

    return _ENGLISH_DATE.sub(iso, text)


def parse_source(text: str) -> str | None:
    m = rules.SOURCE.search(text)
    if m:
        value = rules.NEXT_FIELD.split(m["v"], maxsplit=1)[0]
        value = _GLUED_WIDGET.sub("", value) or value  # '求是网参与互动': a button glued to the value
        value = _EDITION.sub("", value) or value  # '21世纪经济报道(广州)': the paper, not its regional edition
        return value.rstrip("：:，,") if len(value) >= 2 else None
    # Datelines such as '2019年09月11日01:53  新浪科技  我有话说…' name the source without a label.
    date = rules.DATE.search(text)
    if date:
        tokens = text[date.end() :].split()
        first_token = tokens[0] if tokens else None
        for token in tokens:
            if (
                _WIDGET.search(token)
                or _WEEKDAY.fullmatch(token)
                or token.startswith("来自")  # where it was posted from ('来自北京'), not who published it
                or _CREDIT_ROLE.search(token)  # '2023-05-06 10:30 记者 王小明': a credit follows, not an outlet
                or not re.fullmatch(r"[\u4e00-\u9fff·]{2,12}(?:-[\u4e00-\u9fff·]{2,12})?", token)
            ):
                continue
            if _SOURCE_SUFFIX.search(token) or token == first_token:
                return token  # a name right after the date is the source; further on only what names an outlet
        # Or the outlet stands just before the date: '城市日报 2023-05-06'.
        before = text[: date.start()].split()
        if len(before) == 1 and re.fullmatch(r"[\u4e00-\u9fff·]{2,12}", before[0]) and _OUTLET.search(before[0]):
            return before[0]
    return None


def split_slash_byline(text: str) -> tuple[str, str] | None:
    """(writer, outlet) from a byline such as '石佳/中国青年报', where the part after the slash names an outlet."""
    m = re.fullmatch(r"([\u4e00-\u9fff·]{2,4})\s*[/／]\s*([\u4e00-\u9fff·]{2,12})", text.strip())
    return (m.group(1), m.group(2)) if m and _OUTLET.search(m.group(2)) else None


def byline_outlet(text: str) -> str | None:
    """The outlet a byline names before its role ('《棱镜》作者 周纯', '中国青年报记者 石佳'); not '本报' (this paper)."""
    m = rules.BYLINE_LINE.search(text)
    if m is None or not is_byline(text):
        return None
    if m["marked"]:
        return m["marked"]
    plain = m["plain"]
    return plain if len(plain) >= 2 and _OUTLET.search(plain) and not plain.startswith("本") else None


def is_source_name(text: str) -> bool:
    """A line that is just an outlet's name ('新华社', '人民日报'), as some pages show the source under the headline."""
    return (
        bool(re.fullmatch(r"[\u4e00-\u9fff·]{2,12}", text)) and bool(_OUTLET.search(text)) and not _WIDGET.search(text)
    )


_OUTLET = re.compile(r"(?:社|网|报|台|日报|晚报|时报|新闻|频道|杂志|周刊)$")


# Words that follow a role label but are no name ('作者最新文章', '本文作者简介').
# Role words after a name are no name either ('记者陈智 整合', '张三 编译').
_NOT_A_NAME = re.compile(
    r"记者|通讯|实习生|编辑|摄影|文章|最新|更多|简介|推荐|相关|热门|阅读|专栏|其他|主页|关注|整合|整理|编译|撰稿|撰文|报道|报导|综合"
    r"|^(?:未知|佚名|不详|匿名)$"  # 'unknown', 'anonymous': a field filled with no name
    r"|(?:在线|网|报|社|台|频道|日报|时报|新闻)$"  # an outlet or account credited as 'author' ('作者 国际在线')
)


def is_name(token: str) -> bool:
    """A 2-4 character token that can be a person's name in a credit (not a role word or a placeholder)."""
    return 2 <= len(token) <= 4 and not _NOT_A_NAME.search(token)


def affiliated_author(text: str) -> str | None:
    """The writer of a credit that glues the writer's post to the name, '（作者：方敏北京大学经济学院教授）': the name
    is the two or three characters before a place or institution that opens the post, which ends in a title."""
    m = _AFFILIATED.match(text.strip())
    if not m:
        return None
    run = m["run"]
    splits = [k for k in (2, 3) if _INSTITUTION_START.match(run[k:])]
    return run[: splits[0]] if len(splits) == 1 and is_name(run[: splits[0]]) else None


_AFFILIATED = re.compile(
    r"^[（(]\s*(?:作者|撰文|文)\s*[:：]?\s*(?P<run>[\u4e00-\u9fff·]{5,30}?"
    r"(?:教授|研究员|讲师|主任|院长|所长|博士|博士后|学者|专家|书记|部长|局长|理事长|研究生))\s*[)）]$"
)
_INSTITUTION_START = re.compile(
    rules.FILING_PLACE.pattern.rstrip("$")
    + r"|(?:中国|中央|国家|全国|国务院|清华|北大|复旦|南开|同济|人民|社科|社会科学|河北|山西|辽宁|吉林|黑龙江|江苏|浙江"
    r"|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆)"
)


def parse_authors(text: str) -> list[str]:
    """Names credited as reporters or writers in text (editors excluded by the patterns)."""
    if rules.EDITOR.search(text):
        return []
    affiliated = affiliated_author(text)
    if affiliated:
        return [affiliated]
    names: list[str] = []
    for m in rules.AUTHOR.finditer(text):
        for name in credited_names(m["names"]):
            if name not in names:
                names.append(name)
    return names


def credited_names(text: str) -> list[str]:
    """The names in a credit's list ('王小明、李华&张三'), role words and placeholders left out; the list ends at a
    role that writes nothing ('记者 王某 编辑 刘某': 刘某 edited)."""
    names = []
    for token in re.split(r"[\s、，,&＆]+", text.strip()):
        if _ENDS_CREDIT.fullmatch(token):
            break
        if is_name(token):
            names.append(token)
    return names


_ENDS_CREDIT = re.compile(rules.OTHER_ROLES + r"[:：]?")


def is_byline(text: str) -> bool:
    credited = rules.BYLINE_LINE.search(text) or rules.CREDIT_LIST.match(text) or affiliated_author(text)
    return bool(credited) and not rules.EDITOR.search(text)


_SITE_WORD = re.compile(r"(?:网|网站|门户网站|官网|官方网站|频道|首页|客户端|新闻中心|新闻网|在线|APP|app)$")
_URLISH = re.compile(r"www\.|https?:|\.(?:com|cn|net|org)\b", re.I)
_SLASH_BYLINE = re.compile(r"^[\u4e00-\u9fff·]{2,4}\s*[/／]\s*\S{2,12}$")


def is_site_name_or_byline(text: str) -> bool:
    """A site's name or address ('…门户网站 www.bynr.gov.cn', '新浪财经'), or a byline ('石佳/中国青年报',
    '记者 李红军'): lines that stand where headlines stand but never are one."""
    key = re.sub(r"\s+", "", text)
    if _URLISH.search(text) or _SITE_WORD.search(key) and len(key) <= 14:
        return True
    return is_byline(text) or bool(_SLASH_BYLINE.match(text.strip()))
