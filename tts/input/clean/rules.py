"""Rule tables for the cleaner: markers and patterns as data, so the cleaner grows by editing lists.

Each table maps a machine-readable reason (what `removed` reports) to patterns.
Patterns are matched against a line after whitespace normalisation.
"""

from __future__ import annotations

import re

# Sentence-final punctuation (a line ending in one of these reads as prose).
SENTENCE_END = "。！？!?…；;"
CLOSERS = "”’」』）)】》\"'"
CLAUSE_PUNCT = "，,、；;：:"
# Lines ending in these continue into the next line (one-clause-per-line layouts, '点评：' lead-ins).
CONTINUATION_END = "，,、：:"

# A full date, optionally with a time: 2021-09-15 15:09, 21-09-15, 2019年09月11日01:53, 2016/11/22.
DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2}|\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)

SOURCE_LABEL = re.compile(r"(?<!图片)(?<!图)(?:信息来源|文章来源|稿件来源|来源于|来源|稿源|出处|转载自)\s*[:：|｜丨︱]")
# A labelled metadata field ('来源：', '作者：', '发布时间：'): a line carrying one is header, never a headline.
FIELD_LABEL = re.compile(r"(?:来源|作者|发布时间|发布日期|发表时间|更新时间|时间|日期|编辑|记者|责编)\s*[:：]")
# A revision date: the label stands right before the date ('编辑：张三' names an editor, it dates nothing).
UPDATED = re.compile(r"(?:最后|最近)?(?:更新|修改|编辑)(?:时间|日期|于)?\s*[:：]?\s*(?=\d)")
# A relative time standing alone ('前天', '3小时前', '昨天 12:08'): self-media pages date articles this way.
RELATIVE_DATELINE = re.compile(r"^(?:今天|昨天|前天|\d{1,2}\s*(?:分钟|小时|天)前)(?:\s*\d{1,2}:\d{2})?$")
YEARLESS_DATELINE = re.compile(
    r"(?:发布|更新|发表)?(?:时间|日期)\s*[:：]\s*\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?\s*\d{1,2}:\d{2}"
)
SOURCE = re.compile(
    r"(?:信息来源|文章来源|稿件来源|来源于|来源|稿源|出处|转载自)\s*[:：|｜丨︱]?\s*(?P<v>[^\s|｜丨︱】\]]{2,30})"
)
# A field label glued to the value before it ('来源：证券时报网作者：李在山'): where that value ends.
NEXT_FIELD = re.compile(r"(?:作者|记者|编辑|责编|责任编辑|发布|时间|日期|浏览|阅读|点击|字号|人气|评论)\s*[:：]")
OTHER_ROLES = r"(?:责任编辑|责编|编辑|校对|审核|审校|监制|终审|二审|一审|初审|值班编辑|美编|编审|统筹|策划|制作|出品)"
EDITOR = re.compile(r"^[（(\[【]?\s*" + OTHER_ROLES + r"\s*[:：]")
# Reporter/writer credits; editors are never authors.
# '文' alone is a role only where no character precedes it as part of a word and a separator follows ('文/张三',
# not '正文已结束' or '人民网-文化频道').
AUTHOR_ROLES = (
    r"(?:记者|通讯员|实习生|特约记者|见习记者|作者|撰文|执笔|文字|(?<![\u4e00-\u9fff])文(?=\s*[/／|｜:：\s])|整合|撰稿)"
)
# Where the writer filed from, after a slash: '记者王小明／台北报导', '（李华／综合报道）'.
PLACE_REPORT = r"(?:\s*[/／]\s*[\u4e00-\u9fff]{0,8}(?:报道|报导))"
AUTHOR = re.compile(
    AUTHOR_ROLES
    + r"\s*[:：/／︱｜|丨]?\s*(?P<names>(?:[\u4e00-\u9fff·]{2,4}(?:[\s、，,&＆]+|$|(?=[（(）)〕\]/／]))){1,6})"
)
# The role may follow an outlet, plain or in title marks ('新京报记者 X', '《财经》记者 X', '文/《南方周末》记者 X').
BYLINE_LINE = re.compile(
    r"^[□■◎●◆★☆○◇]?\s*[（(【\[]?\s*(?:文\s*[/／]\s*)?(?:《(?P<marked>[^》]{1,15})》|(?P<plain>[\u4e00-\u9fff·]{0,12}?))"
    + AUTHOR_ROLES
    + r"\s*[:：/／︱｜|丨]?\s*[\u4e00-\u9fff·]{2,4}"
    r"(?:[\s、，,&＆]+(?:" + AUTHOR_ROLES + r"\s*[:：]?\s*)?[\u4e00-\u9fff·]{2,4})*" + PLACE_REPORT + r"?\s*[)）】\]]?$"
)
# A bracketed list of credits with roles: '【文/ 翟东升，整理/ 唐晓甫】', '（记者：王小明 编辑：李华）'.
CREDIT_LIST = re.compile(
    r"^[【\[（(]\s*"
    + AUTHOR_ROLES
    + r"\s*[:：/／]\s*[\u4e00-\u9fff·]{2,4}(?:\s*[，,、；;\s]\s*(?:"
    + AUTHOR_ROLES
    + "|"
    + OTHER_ROLES
    + r"|整理|翻译|编译)\s*[:：/／]\s*[\u4e00-\u9fff·]{2,4})*\s*[】\]）)]$"
)
# A closing credit at the end of the last paragraph: （记者 胡晓蓉） or (李楠).
TRAILING_CREDIT = re.compile(
    r"[（(]\s*(?:[\u4e00-\u9fff]{2,6}?(?=记者))?(?:(?:记者|作者|文|图|摄影|摄|编辑)\s*[/／、]?\s*)*(?P<names>[\u4e00-\u9fff·]{2,4}(?:[\s、][\u4e00-\u9fff·]{2,4}){0,3})"
    + PLACE_REPORT
    + r"?\s*[)）]$"
)
# The same credit unbracketed after the last sentence: '…参加会议。记者 李秋晨' (a reporter's role is required).
BARE_TRAILING_CREDIT = re.compile(
    r"(?<=[。！？!?”」])\s*(?:记者|通讯员|特约记者|见习记者)\s*[:：/／]?\s*"
    r"(?P<names>[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4}){0,5})\s*$"
)
NOT_A_NAME = re.compile(r"[图完续摄稿编文局办委厅部社网报]")
# A reprint note naming where the story first ran and who wrote it: '本文来自微信公众号 “字母榜”（ID：…），作者：彦飞，
# 36氪经授权发布。' The account or outlet is the source, the writer the author.
REPRINT_NOTE = re.compile(
    r"^\*?\s*(?:本文|文章)(?:来自于|来自|转载自|转自|来源于|来源)\s*[:：]?\s*(?:微信公众号|公众号|微博|头条号|百家号)?\s*"
    r"[“\"「『]?(?!于|网络|互联网|网友)(?P<source>[^”\"」』，,（(\s]{2,20}?)[”\"」』]?(?=[，,（(\s。]|$)"
    r"(?:.*?(?:作者|文)\s*[:：|丨︱]\s*(?P<author>[\u4e00-\u9fff·]{2,4})(?![\u4e00-\u9fff]))?"
)
# A link prompt cut by a line break: '…（详情请点击链接：' then a line starting with '）'.
OPEN_PROMPT = re.compile(r"[（(]\s*(?:详情请?点击|点击(?:链接|查看|阅读)|详见|原文链接)[^）)]*$")
# A wire credit naming its agency: '（中央社记者某某台北19日电）' — the agency is the source.
WIRE_OUTLET = re.compile(
    r"^[（(]\s*(?P<outlet>[\u4e00-\u9fff]{2,8}?)记者(?P<credit>[\u4e00-\u9fff、\s]{2,12})\d{1,2}日电\s*[)）]"
)
# Filing places a wire credit glues to the writer's name ('记者邱俊钦桃园19日电'): Taiwan's cities and counties, the
# mainland's provincial capitals and the foreign cities wires file from most. The name is what comes before.
FILING_PLACE = re.compile(
    r"(?:台北|新北|桃园|台中|台南|高雄|基隆|新竹|苗栗|彰化|南投|云林|嘉义|屏东|宜兰|花莲|台东|澎湖|金门|马祖|连江"
    r"|北京|上海|天津|重庆|香港|澳门|广州|深圳|南京|杭州|武汉|成都|西安|沈阳|长春|哈尔滨|济南|郑州|长沙|福州|厦门|南昌"
    r"|合肥|石家庄|太原|呼和浩特|南宁|海口|贵阳|昆明|拉萨|兰州|西宁|银川|乌鲁木齐"
    r"|华盛顿|纽约|洛杉矶|旧金山|东京|大阪|首尔|北韩|平壤|伦敦|巴黎|柏林|莫斯科|布鲁塞尔|日内瓦|维也纳|罗马|新德里"
    r"|新加坡|曼谷|河内|雅加达|吉隆坡|马尼拉|悉尼|雪梨|开罗|耶路撒冷|多伦多|温哥华|渥太华|圣保罗|法兰克福)$"
)
# A wire dateline prefix such as 新华社巴黎12月9日电（记者唐霁） — inside the first paragraph.
WIRE_CREDIT = re.compile(
    r"[（(]\s*(?:记者|通讯员|实习生|特约记者|见习记者)\s*(?P<names>[\u4e00-\u9fff·、\s]{2,30}?)\s*[)）]"
)

# Share buttons by the network's name: a bar of them may hold one that looks like an outlet's name ('开心网').
SOCIAL_NETWORK = re.compile(
    r"^(?:Facebook|Twitter|Google\+|LINE|Plurk|Weibo|微博|新浪微博|腾讯微博|微信|朋友圈|QQ空间|QQ好友|人人|人人网|豆瓣|开心网|易信|Email|电邮|邮件)$",
    re.I,
)

# Lines that end the article body: nothing after them is read.
FOOTER_MARKERS: dict[str, list[str]] = {
    "copyright": [
        r"^特别声明",
        r"仅提供信息存储服务",
        r"^版权声明",
        r"^免责声明",
        r"^(?:声明|风险提示|免责条款)\s*[:：]",  # a disclaimer paragraph under the story
        r"^(?=.*(?:版权所有|转载|转贴|引用)).*(?:违者必究|严禁转载|禁止转载)",  # a notice, however long
        r"版权所有",
        r"^Copyright",
        r"All Rights Reserved",
        r"^转载.*注明",
        r"未经.*(?:许可|授权).*转载",
    ],
    "related-list": [
        r"^(?=.{2,12}$)[^。，！？,]*(?:推荐|延伸|猜你|热门|热点|更多阅读|相关阅读|相关新闻|相关文章|相关搜索|大家都在搜|热搜)[^。，！？,]*$",
        r"^(?:精彩推荐|相关阅读|相关新闻|相关稿件|推荐阅读|热点推荐|热门推荐|即时播报|延伸阅读|猜你喜欢|更多精彩|热帖|最新|图片新闻|热点新闻|热门文章|为您推荐|\|\s*最新)\s*[:：]?$",
    ],
    "share": [
        r"^分享到",
        r"^分享\s*[:：]?$",
        r"^扫一扫",
        r"^关注我们",
        r"二维码",
        r"^打印本页",
        r"^【?打印】?\s*【?关闭",
        r"^关闭窗口",
        r"^打印\s+关闭",
    ],
    "editor": [r"^[（(\[【]?\s*(?:责任编辑|责编)\s*[:：]?"],
    "footer": [
        r"^【纠错】",
        r"^[【\[［（(<＜«‹]?\s*[上下]一(?:篇|条)",  # '上一篇', '【下一篇】', '< 上一条': links to the neighbours
        r"^(?:网友)?评论\s*$",
        r"^网友评论",
        r"^文章关键词",
        r"^(?:关键字|关键词|标签|Tags?)\s*[:：]",  # the story's tags close it
        r"^(?:参考资料|参考文献|参考来源|资料来源|References?)\s*[:：]?$",  # a reference list is not read
        r"^(?:还没有评论|暂无评论|评论内容为空|该评论已关闭|快来抢沙发|发表评论|我要评论|登录后(?:参与|发表)?评论)",
        r"^[\u4e00-\u9fffA-Za-z0-9]{1,8}(?:\s*[﹒・•]\s*[\u4e00-\u9fffA-Za-z0-9]{1,8}){2,7}$",  # tags: '马公﹒洗肾﹒澎湖'
        r"^\*?\s*本文(?:系|为).{0,16}(?:授权|原创|转载)|^\*?\s*本文(?:来自于?|转载自|转自|经.{0,12}授权)",  # reprint note
        r"^(?:新闻)?评论$",
        r"ICP备",
        r"^\+1$",
    ],
}

# Lines dropped wherever they are (before or inside the body).
LINE_NOISE: dict[str, list[str]] = {
    "breadcrumb": [
        r"(?:您(?:当前)?的?位置|当前位置|所在位置)\s*[:：]",
        r"^首页\s*[>＞›»]",
        r"\S\s*(?:>>|>|＞|»)\s*\S.*(?:>|＞|»)",
    ],
    "navigation": [
        r"^(?:首页|返回首页|网站首页|登录|注册|搜索|更多|客户端|频道|无障碍|简体|繁体|EN)(?:\s*[|｜丨]\s*\S+)*$",
        r"^\|$",
    ],
    "share": [
        r"^分享到",
        r"^(?:微信|微博|QQ空间|Qzone|朋友圈)$",
        r"^(?:字号|字级|字体大小)(?:设定|设置|调整)?\s*[:：]?",
        r"^【?\s*字体\s*[:：]",
        r"^(?:打印|关闭|收藏|打印本页|关闭窗口)(?:\s*[|｜丨]?\s*(?:打印|关闭|收藏|保存))*$",
    ],
    "editor": [EDITOR.pattern],
    "footer": [r"^【纠错】$", r"^(?:浏览次数|阅读量|点击数)\s*[:：]"],
    "list-number": [r"^\d{1,3}$"],
    # Read-more buttons inside the article ('请继续往下阅读...', '展开全文').
    "link-prompt": [r"^(?=.{0,16}$)(?:请)?(?:继续|往下|向下)(?:往下)?(?:阅读|浏览)|^(?:展开|阅读|查看)全文"],
    # A teaser of another story: a line ending in a link to its full text ('…今日发布新规[详情]').
    "related-list": [r"[\[【](?:详情|详细|全文|更多)[\]】]$"],
    "metadata": [
        r"^(?:发布日期|发布时间|更新时间|标\s*题|来\s*源|作\s*者|日\s*期)\s*[:：]$",
        r"^[（(]?原标题\s*[:：]",  # the story's title where it first ran
        r"^[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号$",
        r"^(?:索\s*引\s*号|分\s*类|发文机关|成文日期|发文字号|主题分类|发布机构|文\s*号)\s*[:：]",
    ],
    # Whole lines of advertising (two or more promo phrases, or a short line); single phrases are cut inline.
    "promo": [
        r"(?:免费试玩|下载客户端|专享福利|众测).*(?:免费试玩|下载客户端|专享福利|众测)",
        r"^(?=.{0,40}$).*(?:免费试玩|下载客户端|专享福利)",
        r"点击进入.{0,10}专题",
        r"【(?:点击|立即|马上)[^】]{0,8}】",
        r"^(?:推广|广告)\s*$",
    ],
}

# Fragments removed from inside paragraphs (photo credits, link prompts, promo with URLs, tags).
INLINE_JUNK: dict[str, list[str]] = {
    "link-prompt": [
        r"[\[【](?:详情|详细|全文|更多)[\]】](?!\s*$)",
        r"[（(]\s*(?:详情请?点击|点击(?:链接|查看|阅读)|详见|原文链接)[^）)]*[）)]",
        r"[（(]\s*点击[^）)]{0,12}[）)]",
        r"[（(]\s*详情请点击链接[:：][^）)]*$",
    ],
    # A bracketed address is a reference: only it goes. A bare one is a link prompt: its sentence goes.
    "url": [r"[（(]\s*(?:https?://|www\.)[^\s（）()]*\s*[）)]", r"[^。！？]*(?:https?://|www\.)\S+[^。！？]*[。！？]?"],
    "tag": [r"【纠错】", r"【打印】", r"【关闭】"],
    "qr-prompt": [r"[^。！？]*(?:扫描|扫码|长按识别)[^。！？]*二维码[^。！？]*[。！？]?"],
    "stock-quote": [r"[(（]-?\d+(?:\.\d+)?,\s*-?\d+(?:\.\d+)?,\s*-?\d+(?:\.\d+)?%[)）]"],
    "promo": [r"[^。！？]*(?:免费试玩|下载客户端|专享福利)[^。！？]*[。！？~]*"],
    "photo-credit": [r"[（(]\s*[\u4e00-\u9fff·\s、]{2,20}\s*(?:摄|供图|摄影|图|截图)\s*[）)]"],
}

# A first or last body paragraph carrying these is the site's own promotion, removed whole.
EDGE_PROMO = [
    r"扫描下方二维码",
    r"扫码关注",
    r"关注.{0,12}(?:官方)?微信",
    r"长按识别",
    r"付费会员",
    r"您.{0,30}(?:加入|成为|注册|登录).{0,12}会员",  # a paywall notice addresses the reader
]

# A photo credit closing a line: what a caption ends with and a story paragraph never does, so a caption written as
# full sentences ('…命丧火窟。（消防局提供）', '…赶到现场抢救。 记者X／摄影', '中央社记者X桃园传真 105年3月19日') is still
# one. (A paragraph may end with a data note '（数据由统计局提供）': not a photo.)
PHOTO_CREDIT = (
    r"(?:(?<![拍双三四前后主])摄|摄影|供图|[（(](?![^（）()]*数据)[^（）()]{1,12}提供[)）]|记者\S{2,12}?传真)"
    r"\s*[)）]?\s*(?:\d{2,4}年\d{1,2}月\d{1,2}日)?$"
)

# A caption's opening label, which no story paragraph has: '图丨…', '图2｜…', '图为…', '图注：…', '▲…'.
CAPTION_LEAD = r"^(?:图\s*\d*\s*[丨|｜︱/／]|图为|图注\s*[:：]|图说\s*[:：]|图片说明\s*[:：]|▲)"

# Captions: lines that describe an image or video rather than tell the story.
CAPTION_MARKERS = [
    PHOTO_CREDIT,  # …摄, …摄影, …供图, （X提供）
    r"(?:截图|资料图|图片来源\S*|图源\S*)\s*[)）]?$",
    CAPTION_LEAD,  # 图丨, 图为, 图注：, ▲
    r"^(?:图为|图片|视频|图注|图说|图片说明|配图)[:：\s]",
    r"^图\d*[:：]",
    r"^自动播放",
]

# Heading shapes: a line that looks like one of these, between paragraphs, is a heading.
HEADING_NUMBERING = [
    r"^[一二三四五六七八九十百]+\s*[、.．]",
    r"^[（(]\s*[一二三四五六七八九十]+\s*[）)]",
    r"^第[一二三四五六七八九十百零\d]+[章节部分篇]",
    r"^\d{1,2}\s*[、.．]\s*\D",
    r"^[【\[].{2,20}[】\]]$",
    r"^[■●◆▶◎]",
    r"^《[^》]{1,30}》$",
]

# A metadata row naming the title outright (government pages): '标  题：  吉林省人民政府关于…'.
TITLE_FIELD = re.compile(r"^标\s*题\s*[:：]\s*(?P<v>.+)$")

MAX_HEADING_CHARS = 40
MAX_CAPTION_CHARS = 60
MAX_PHOTO_CAPTION_CHARS = 150  # a longer line ending in a credit is a paragraph with a credit glued on


def compile_table(table: dict[str, list[str]]) -> list[tuple[str, re.Pattern[str]]]:
    return [(reason, re.compile(p)) for reason, patterns in table.items() for p in patterns]
