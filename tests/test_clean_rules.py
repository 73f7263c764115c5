"""General cleaning behaviours, each on a small page written the way sites write them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tts.cli import app
from tts.errors import InputError
from tts.input.clean import clean_text
from tts.input.clean.metadata import parse_date

PAGE = """首页 | 新闻 | 财经
当前位置：首页 > 财经 > 正文
某市一季度经济稳中向好
2023-04-18 09:30 来源：某市日报 作者：张三 李四 责任编辑：王五
一季度，全市地区生产总值增长百分之五。（详情请点击链接：http://example.cn/a）
工业投资快速增长，新开工项目一百个。更多内容请访问 www.example.cn 查看。
市民在超市选购商品（王小明 摄）
消费市场持续回暖，社会消费品零售总额增长百分之八。扫码下载客户端，查看更多二维码资讯。
下一步，全市将继续扩大有效投资。
扫描下方二维码，关注某市日报官方微信。
【纠错】
相关阅读
某市召开经济工作会议
"""


@pytest.fixture(scope="module")
def article():
    return clean_text(PAGE)


def test_metadata_comes_from_the_dateline_and_editors_are_not_authors(article):
    assert (article.title, article.date, article.source) == ("某市一季度经济稳中向好", "2023-04-18 09:30", "某市日报")
    assert article.author == "张三 李四"


def test_in_text_junk_is_cut_and_audited(article):
    body = "".join(article.paragraphs)
    assert "详情" not in body and "www.example.cn" not in body and "二维码" not in body
    assert body.startswith("一季度，全市地区生产总值增长百分之五。")
    assert "工业投资快速增长，新开工项目一百个。" in body
    reasons = {r.reason for r in article.removed}
    assert body.endswith("下一步，全市将继续扩大有效投资。")
    assert {"link-prompt", "url", "qr-prompt", "breadcrumb", "navigation", "dateline", "related-list"} <= reasons
    closing = [r.reason for r in article.removed if r.text == "扫描下方二维码，关注某市日报官方微信。"]
    assert closing and closing[0] in ("share", "promo")


def test_photo_credit_lines_are_captions(article):
    assert article.captions == ["市民在超市选购商品（王小明 摄）"]
    assert "王小明" not in "".join(article.paragraphs)


@pytest.mark.parametrize(
    "text, iso",
    [
        ("21-09-15 15:09 来源:中国甘肃网", "2021-09-15 15:09"),
        ("2019年09月11日01:53  新浪科技", "2019-09-11 01:53"),
        ("发布日期：2016-11-22 浏览次数", "2016-11-22"),
        ("2020/6/6 10:08:33", "2020-06-06 10:08"),
        ("2012.06.24", "2012-06-24"),
        ("发布时间：2022-13-45", None),
    ],
)
def test_dates_are_normalised_to_iso(text, iso):
    assert parse_date(text) == iso


def test_a_page_of_only_boilerplate_is_refused():
    with pytest.raises(InputError, match="boilerplate|body"):
        clean_text("首页 | 新闻\n当前位置：首页 > 新闻\n分享到\n版权所有 某某网\n")


def test_a_page_without_chinese_is_refused():
    with pytest.raises(InputError, match="no Chinese"):
        clean_text("Home | News\nSome English article.\n")


def test_clean_json_has_the_documented_shape():
    result = CliRunner().invoke(app, ["clean", "-", "--json"], input=PAGE.encode("gb18030"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"title", "date", "source", "author", "sections", "captions", "removed"}
    assert all(set(s) == {"heading", "paragraphs"} for s in data["sections"])
    assert all(set(r) == {"text", "reason"} for r in data["removed"])


def test_read_captions_puts_them_in_the_body_with_a_prefix():
    result = CliRunner().invoke(app, ["clean", "-", "--json", "--captions", "read"], input=PAGE)
    data = json.loads(result.stdout)
    assert "图片说明：市民在超市选购商品" in data["sections"][0]["paragraphs"]  # the credit is not read
    assert data["captions"] == ["市民在超市选购商品（王小明 摄）"]


# -- prose without final punctuation, markup-like text, headings that vanish ---------------------------


def test_a_lead_paragraph_without_final_punctuation_is_prose():
    page = "新规发布\n2021-09-15 15:09 来源：某市日报\n市政府今天发布新规，要求居民做好垃圾分类。新规将于下月起施行\n各单位要认真落实，确保新规顺利施行。\n"
    article = clean_text(page)
    assert article.paragraphs[0] == "市政府今天发布新规，要求居民做好垃圾分类。新规将于下月起施行"
    assert [s.heading for s in article.sections] == [None]


def test_the_same_line_mid_body_is_a_paragraph_not_a_heading():
    page = (
        "某市发布垃圾分类新规\n2021-09-15 15:09 来源：某市日报\n今年以来，全市垃圾分类工作稳步推进。\n"
        "市政府今天发布新规，要求居民做好垃圾分类。新规将于下月起施行\n各单位要认真落实，确保新规顺利施行。\n"
    )
    article = clean_text(page)
    assert len(article.sections) == 1 and len(article.paragraphs) == 3


def test_a_sentence_holding_markup_characters_is_not_a_breadcrumb():
    page = (
        "网页标记的读法\n2021-09-15 15:09 来源：某市日报\n编辑器里写的<b>粗体</b>标记和注释结束符-->都会原样显示，这是正文的一部分。\n"
        "第二段也是正文，说明了细则。\n"
    )
    article = clean_text(page)
    assert "编辑器里写的<b>粗体</b>标记和注释结束符-->都会原样显示，这是正文的一部分。" in article.paragraphs
    assert all(r.reason != "breadcrumb" for r in article.removed)


def test_every_dropped_heading_is_listed_in_removed():
    page = (
        "某市发布新规\n2021-09-15 15:09 来源：某市日报\n市政府今天发布新规。\n一、总体要求\n二、具体措施\n"
        "各单位要认真落实，确保新规顺利施行。\n"
    )
    article = clean_text(page)
    shown = {s.heading for s in article.sections}
    assert "二、具体措施" in shown
    assert ("一、总体要求" in shown) or any(r.text == "一、总体要求" for r in article.removed)


def test_a_page_without_a_headline_line_is_still_read():
    article = clean_text(
        "首页\n新闻\n市政府今天发布新规，要求居民做好垃圾分类。\n各单位要认真落实，确保新规顺利施行。\n"
    )
    assert article.title == "市政府今天发布新规，要求居民做好垃圾分类"
    assert len(article.paragraphs) == 2


def test_a_short_article_beats_a_longer_feed_of_chat_below_it():
    chat = "".join(
        f"用户{n}今天 12:0{n}\n老师回答：盘子太大，前期也上涨的比较多，建议换股，注意控制仓位和风险。\n"
        for n in range(8)
    )
    page = (
        "某市发布新规\n2021-09-15 15:09 来源：某市日报\n分享到\n市政府今天发布新规，要求居民做好垃圾分类。\n"
        "各单位要认真落实，确保新规顺利施行。\n责任编辑：王五\n热门推荐\n" + chat
    )
    article = clean_text(page)
    assert article.title == "某市发布新规"
    assert article.paragraphs == ["市政府今天发布新规，要求居民做好垃圾分类。", "各单位要认真落实，确保新规顺利施行。"]


def test_removals_are_listed_in_page_order_even_when_a_text_repeats():
    page = "|\n首页\n|\n新闻\n某市发布新规\n2021-09-15 15:09 来源：某市日报\n市政府今天发布新规。\n各单位要认真落实。\n"
    article = clean_text(page)
    assert [r.text for r in article.removed][:4] == ["|", "首页", "|", "新闻"]


@pytest.mark.parametrize("above", ["石佳/中国青年报", "某某县人民政府门户网站 www.bynr.gov.cn", "记者 李红军"])
def test_a_byline_or_site_name_above_the_dateline_is_not_the_title(above):
    page = f"某市发布垃圾分类新规\n{above}\n2021-09-15 15:09 来源：某市日报\n市政府今天发布新规，要求居民做好垃圾分类。\n各单位要认真落实。\n"
    assert clean_text(page).title == "某市发布垃圾分类新规"


def test_a_teaser_of_another_story_is_not_read():
    page = (
        "某市发布垃圾分类新规\n2021-09-15 15:09 来源：某市日报\n市政府今天发布新规，要求居民做好垃圾分类。\n"
        "各单位要认真落实，确保新规顺利施行。\n邻市今天也召开了垃圾分类工作推进会，部署下一阶段工作[详情]\n"
    )
    article = clean_text(page)
    assert article.paragraphs == ["市政府今天发布新规，要求居民做好垃圾分类。", "各单位要认真落实，确保新规顺利施行。"]
    assert any("[详情]" in r.text for r in article.removed)


def test_a_relative_time_under_the_headline_anchors_the_header():
    page = (
        "首页\n一日一技：在 Python 中实现延迟调用\n原创 kingname 未闻Code\n前天\n摄影：产品经理\n产品经理的生日餐\n"
        "熟悉 Golang 的同学都知道，Golang 里面有一个关键词叫做defer，它可以实现延迟调用。\n"
        "实际上在 Python 里面也有相关的语法，那就是contextlib.ExitStack。\n"
    )
    article = clean_text(page)
    assert article.title == "一日一技：在 Python 中实现延迟调用" and article.date is None
    assert article.paragraphs[0].startswith("熟悉 Golang")


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("2020-05-01 08:00来源：南方日报作者：王小明", "南方日报"),  # a label glued to the value ends it
        ("来源于：市政府办公室", "市政府办公室"),
        ("2020-05-01 08:00  出处：快讯网 作者：王小明", "快讯网"),
        ("2021年10月7日 星期四", None),  # a weekday after a date is no outlet
    ],
)
def test_source_fields_in_their_common_forms(line, source):
    from tts.input.clean import metadata

    assert metadata.parse_source(line) == source


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("（记者王小明 整合）", ["王小明"]),  # a role word after the name is no second name
        ("作者：未知", []),
        ("正文已结束，您可以按键评论", []),  # '文' inside a word is no credit
        ("文/李华", ["李华"]),
        ("执笔/王小明、李华&张三", ["王小明", "李华", "张三"]),
    ],
)
def test_author_credits_keep_names_only(line, authors):
    from tts.input.clean import metadata

    assert metadata.parse_authors(line) == authors


def test_a_slash_byline_names_writer_and_outlet():
    from tts.input.clean import metadata

    assert metadata.split_slash_byline("王小明/南方日报") == ("王小明", "南方日报")
    assert metadata.split_slash_byline("王小明/摄影") is None  # a role, not an outlet, after the slash


def test_a_name_after_the_date_that_a_byline_credits_is_no_source():
    article = clean_text(
        "市区新公园开放\n2020-06-05 20:35  王小明\n执笔/王小明\n"
        "今天上午，市区新公园正式向市民开放，园内有步道和花园。市民们纷纷前来游览，公园每天早上六点开门。\n"
    )
    assert article.author == "王小明" and article.source is None


_LEAD = (
    "今天上午，市区新公园正式向市民开放，园内有步道和花园。市民们纷纷前来游览，公园每天早上六点开门。\n"
    "据介绍，公园占地约二十公顷，建有儿童乐园和健身步道，周边还配套了停车场。\n"
)


@pytest.mark.parametrize(
    ("byline", "author", "source"),
    [
        ("《城市周刊》记者 王小明", "王小明", "城市周刊"),  # an outlet in title marks before the role
        ("文/《南方周报》记者 李华", "李华", "南方周报"),
        ("东方晨报记者 张三 编辑 刘四", "张三", "东方晨报"),  # the credit list ends at an editor
        ("本报记者 陈明 通讯员 李华", "陈明 李华", None),  # '本报' is 'this paper', no outlet's name
    ],
)
def test_a_byline_with_its_outlet_names_writer_and_source(byline, author, source):
    article = clean_text(f"首页\n市区新公园开放\n2020-06-05 20:35\n{byline}\n{_LEAD}")
    assert (article.author, article.source) == (author, source)


def test_a_byline_below_a_summary_box_still_credits_the_writer():
    page = f"市区新公园开放\n2020-06-05 20:35\n要点：\n公园每天早上六点开门。\n《城市周刊》作者 王小明\n{_LEAD}"
    article = clean_text(page)
    assert (article.author, article.source) == ("王小明", "城市周刊")
    assert ("《城市周刊》作者 王小明", "byline") in [(r.text, r.reason) for r in article.removed]


def test_a_date_set_in_separate_parts_is_one_dateline():
    page = f"新闻\n一键登录\n市区新公园开放\n2020\n06/05\n20:35\n某某号\n{_LEAD}"
    article = clean_text(page)
    assert (article.title, article.date) == ("市区新公园开放", "2020-06-05 20:35")
    removed = [(r.text, r.reason) for r in article.removed]
    assert [("2020", "dateline"), ("06/05", "dateline"), ("20:35", "dateline")] == [
        r for r in removed if r[0] in ("2020", "06/05", "20:35")
    ]  # the audit trail quotes the page's own lines, in page order


def test_an_editor_field_on_the_dateline_does_not_make_it_a_revision_date():
    page = (
        "今日要闻\n2021年10月7日 星期四\n· 另一条新闻的标题在这里\n· 第二条新闻的标题也在这里\n"
        f"市区新公园开放\n2020-06-05 20:35  出处：城市网 作者：王小明 编辑：王小明\n{_LEAD}"
    )
    article = clean_text(page)
    assert (article.title, article.date) == ("市区新公园开放", "2020-06-05 20:35")


@pytest.mark.parametrize(
    "tail",
    [
        "【上一篇】 另一条新闻的标题在这里 【下一篇】 第三条新闻的标题也在这里",
        "< 上一条：另一条新闻的标题",
        "分享：",
        "声明：本站力求信息真实、准确，文章内容仅供参考，不构成投资建议，据此操作风险自担。",
        "风险提示：市场有风险，投资需谨慎。",
        "关键字： 公园,开放,市民",
        "标签：城市 公园",
        "相关搜索",
        "大家都在搜",
        "公园﹒开放﹒市民",
        "参考资料：",
        "还没有评论，快来抢沙发吧！",
        "*本文系城市网获授权刊载，观点仅为作者所有",
    ],
)
def test_neighbour_links_share_labels_and_disclaimers_after_the_story_are_not_read(tail):
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{tail}\n")
    assert article.paragraphs[-1].startswith("据介绍") and tail.strip() not in article.paragraphs
    assert tail.strip() in [r.text for r in article.removed]


def test_a_time_set_before_its_date_is_read_with_it():
    assert parse_date("15:312018/09/16") == "2018-09-16 15:31"


def test_an_outlet_named_share_button_is_no_source():
    page = f"市区新公园开放\n2020-06-05 20:35\nFacebook\n开心网\n新浪微博\n{_LEAD}"
    assert clean_text(page).source is None


def test_a_long_copyright_notice_under_the_story_is_not_read():
    notice = "本网站所有文字、照片及影片均受著作权保护，版权所有，禁止任何媒体、社群网站或论坛在纸本或网络引用、改写、转贴，违者必究。"
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{notice}\n")
    assert notice not in article.paragraphs and (notice, "copyright") in [(r.text, r.reason) for r in article.removed]


@pytest.mark.parametrize(
    "caption",
    [
        "市民在新公园里散步，孩子们在草地上放风筝。 记者王小明／摄影",
        "新公园今天上午开放，市民前往游览。（园林局提供） 本报记者李华城南传真 2020年6月5日",
        "園區今天開放，市民前往遊覽。（圖／記者王小明翻攝）",
        "图丨在开园仪式上，市民代表为新公园剪彩，现场气氛热烈",
        "图为开园当天的公园南门。",
    ],
)
def test_a_caption_written_as_sentences_is_still_a_caption(caption):
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{caption}\n后续还将开放更多公园，方便市民休闲。\n")
    assert caption in article.captions and caption not in article.paragraphs
    assert article.paragraphs[-1] == "后续还将开放更多公园，方便市民休闲。"


@pytest.mark.parametrize(
    "paragraph",
    [
        "今年全市工业增加值增长百分之六，其中高新技术产业增长百分之九。（数据由市统计局提供）",
        "新款手机配备6.7英寸屏幕，后置双摄",
        "摄制组在公园里完成了纪录片最后一个镜头的拍摄",
    ],
)
def test_a_paragraph_ending_in_a_data_note_or_camera_word_is_read(paragraph):
    article = clean_text(
        f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{paragraph}\n后续还将开放更多公园，方便市民休闲。\n"
    )
    read = article.paragraphs + [s.heading for s in article.sections if s.heading]  # an unpunctuated line may head
    assert paragraph in read and paragraph not in article.captions


def test_a_paywall_notice_after_the_story_is_not_read_but_membership_news_is():
    notice = "您所浏览的新闻已过查询时效。建议您加入本社付费会员找寻您要的新闻。"
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{notice}\n")
    assert notice not in article.paragraphs and notice in [r.text for r in article.removed]
    news = "该国今天正式成为世界贸易组织会员，总理表示将进一步扩大开放。"
    assert news in clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{news}\n").paragraphs


@pytest.mark.parametrize("prompt", ["请继续往下阅读...", "展开全文", "继续阅读"])
def test_a_read_more_button_inside_the_story_is_neither_read_nor_a_heading(prompt):
    first, second = _LEAD.splitlines()
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{first}\n{prompt}\n{second}\n")
    assert [s.heading for s in article.sections if s.heading] == []
    assert article.paragraphs == [first, second] and (prompt, "link-prompt") in [
        (r.text, r.reason) for r in article.removed
    ]


def test_a_credit_printed_as_bare_lines_over_the_share_bar_is_read():
    page = f"首页\n市区新公园开放\n2020-06-05 20:35\n城市报\n王小明\nFacebook\nLine\n字级设定：小中大\n{_LEAD}"
    article = clean_text(page)
    assert (article.author, article.source) == ("王小明", "城市报")
    assert "字级设定：小中大" not in [s.heading for s in article.sections]
    # A network's name or a 'share to' label above the bar is no writer.
    for bar in ("分享到：\n易信\n微信\n", "易信\n微信\n"):
        assert clean_text(f"市区新公园开放\n2020-06-05 20:35\n{bar}{_LEAD}").author is None


@pytest.mark.parametrize(
    "credit, writer",
    [
        ("（中央社记者王小明台中5日电）", "王小明"),
        ("（中央社記者林美華、陳大同台北5日電）", "林美華 陳大同"),
        ("（中央社记者李华华盛顿4日电）", "李华"),
        ("（本社记者王小明城南5日电）", "王小明"),  # an unknown place: a three-character name, a two-character place
        ("（本社记者欧阳小明城南区5日电）", None),  # no way to tell from the characters: left unread
    ],
)
def test_a_wire_credit_glued_to_its_filing_place_names_the_writer(credit, writer):
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{credit}{_LEAD}")
    assert article.author == writer


def test_sentences_broken_into_short_lines_are_read_but_runs_of_captions_are_not():
    first, second = _LEAD.splitlines()
    broken = ["目前", "新公园的二期工程", "已经进入收尾阶段", "与一期相比", "二期将增加", "一座湖心岛和两个广场"]
    article = clean_text("市区新公园开放\n2020-06-05 20:35\n" + "\n".join([first, *broken, second]) + "\n")
    assert article.paragraphs == [first, *broken, second]
    captions = ["工人正在铺设草坪", "游客在湖边拍照留念", "儿童乐园里的滑梯", "夜幕下的公园大门"]
    article = clean_text("市区新公园开放\n2020-06-05 20:35\n" + "\n".join([first, *captions, second]) + "\n")
    assert article.paragraphs == [first, second]


def test_a_bare_reporter_credit_after_the_last_sentence_names_the_writer_and_keeps_the_paragraph():
    first, second = _LEAD.splitlines()
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{first}\n区领导张三、李四等参加开园仪式。记者 王小明\n")
    assert article.paragraphs == [first, "区领导张三、李四等参加开园仪式。"] and article.author == "王小明"


@pytest.mark.parametrize("credit", ["作者︱王小明", "作者丨王小明", "作者｜王小明"])
def test_a_credit_with_a_bar_separator_under_the_story_names_the_writer(credit):
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{credit}\n")
    assert article.author == "王小明" and credit not in article.paragraphs


def test_a_figure_note_is_a_caption_not_a_heading():
    first, second = _LEAD.splitlines()
    note = "图注：市民在新公园的湖边散步"
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{first}\n{note}\n{second}\n")
    assert note in article.captions and [s.heading for s in article.sections if s.heading] == []


@pytest.mark.parametrize(
    "credit, writer",
    [
        ("（作者：王小明清华大学经济学院教授）", "王小明"),
        ("(作者：李华中国社会科学院研究员)", "李华"),
        ("（央视记者 许骁）", "许骁"),
    ],
)
def test_a_closing_credit_with_the_writer_s_post_or_outlet_names_the_writer(credit, writer):
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{credit}\n")
    assert article.author == writer and credit not in article.paragraphs


def test_an_outlet_credited_as_author_is_no_writer_and_a_posting_place_is_no_source():
    page = f"市区新公园开放\n2020年06月05日 20:35 来自北京 作者 城市在线\n{_LEAD}"
    article = clean_text(page)
    assert article.author is None and article.source != "来自北京"


def test_a_button_glued_to_the_source_is_cut():
    article = clean_text(f"市区新公园开放\n2020年06月05日 20:35　来源：城市网参与互动\n{_LEAD}")
    assert article.source == "城市网"


def test_a_reprint_note_names_the_first_publisher_and_the_writer():
    note = "本文来自微信公众号 “城市观察”（ID：citywatch），作者：王小明，城市网经授权发布。"
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}{note}\n")
    assert (article.source, article.author) == ("城市观察", "王小明") and note not in article.paragraphs
    generic = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{_LEAD}本文来自于网络，如有侵权请联系删除。\n")
    assert generic.source is None


@pytest.mark.parametrize("text, iso", [("Apr 22, 2025", "2025-04-22"), ("22 April 2025 10:30", "2025-04-22 10:30")])
def test_english_date_lines_are_read(text, iso):
    assert parse_date(f"发布于 · 1 分钟阅读 · {text}") == iso


@pytest.mark.parametrize("where", ["top", "end"])
def test_the_title_where_the_story_first_ran_is_not_read(where):
    first, second = _LEAD.splitlines()
    original = "原标题：新公园今起开放 市民可免费游览"
    rows = [original, first, second] if where == "top" else [first, second, original]
    article = clean_text("市区新公园开放\n2020-06-05 20:35\n" + "\n".join(rows) + "\n")
    assert article.paragraphs == [first, second] and original in [r.text for r in article.removed]


def test_a_bracketed_credit_list_names_the_writer_and_is_no_heading():
    first, second = _LEAD.splitlines()
    credit = "【文/ 王小明，整理/ 李华】"
    article = clean_text(
        f"市区新公园开放\n2020-06-05 20:35\n编者按：本报今起推出城市公园系列报道。\n{credit}\n{first}\n{second}\n"
    )
    assert article.author == "王小明" and credit not in [s.heading for s in article.sections]


def test_a_quoted_speaker_in_the_title_is_no_writer():
    article = clean_text(f"王小明：公园明天开放\n王小明：公园明天开放\n2020-06-05 20:35\n{_LEAD}（城市台记者 李华）\n")
    assert article.author == "李华"


def test_a_regional_edition_after_the_source_is_dropped():
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35　来源: 城市经济报道(广州)\n{_LEAD}")
    assert article.source == "城市经济报道"


@pytest.mark.parametrize(
    "byline, writers",
    [
        ("□记者 王小明", "王小明"),
        ("■本报记者 王小明", "王小明"),
        ("◎记者 王小明 通讯员 李华", "王小明 李华"),
        ("本报记者 王小明 实习生 李华", "王小明 李华"),
        ("作者：王小明（城市大学教授）", "王小明"),
    ],
)
def test_newspaper_bylines_with_markers_interns_and_posts_name_the_writers(byline, writers):
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35 来源：城市日报\n{byline}\n{_LEAD}")
    assert set(article.author.split()) == set(writers.split())


def test_a_lead_credit_may_name_the_correspondent_first():
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n本报讯（通讯员 李华 记者 王小明）{_LEAD}")
    assert set(article.author.split()) == {"李华", "王小明"}


@pytest.mark.parametrize("field", ["稿源：城市日报", "来源 | 城市日报", "转载自：城市日报", "【来源：城市日报】"])
def test_source_fields_in_other_spellings_are_read(field):
    article = clean_text(f"市区新公园开放\n2020-06-05 20:35\n{field}\n{_LEAD}")
    assert article.source == "城市日报" and field not in article.paragraphs


@pytest.mark.parametrize(
    "dateline, source",
    [
        ("城市日报 2023-05-06", "城市日报"),
        ("城市日报 2023-05-06 10:30 记者 王小明", "城市日报"),
        ("2023-05-06 10:30 记者 王小明", None),
    ],
)
def test_an_outlet_before_the_date_is_the_source_and_a_role_after_it_is_none(dateline, source):
    article = clean_text(f"市区新公园开放\n{dateline}\n{_LEAD}")
    assert article.source == source
