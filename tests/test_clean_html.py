"""HTML pages: the article located in the DOM, the headline matched against the page's declarations (never a site
name, byline or column label), metadata from <meta> and JSON-LD cross-checked with the visible page."""

from __future__ import annotations

import json

import pytest

from tts.input.clean import clean_text
from tts.input.extract import clean_html
from tts.input.html import is_site_or_label, page_text, parse

NAV = "".join(f'<li><a href="/c{n}">频道{n}</a></li>' for n in range(30))
FEED = "".join(
    f'<li><a href="/n{n}">某地举行第{n}届农民丰收节活动现场热闹非凡</a> <span>2021-09-1{n % 10}</span></li>'
    for n in range(15)
)
BODY = (
    "<p>九月的静宁，满山苹果挂满枝头，果农们正忙着采摘。</p>"
    '<p class="pic"><img src="a.jpg"></p><p class="pic">果农在果园采摘苹果（张三 摄）</p>'
    "<p>今年全县苹果产量预计达到一百万吨，比去年增长百分之五，销售渠道也更加多样。</p>"
    "<p>县里还组织电商培训，帮助果农把苹果卖到全国各地</p>"
)


def page(head: str = "", header: str = "", body: str = BODY) -> str:
    return (
        f"<html><head>{head}</head><body><ul class='nav'>{NAV}</ul>"
        f"<div class='main'><div class='left'>{header}<div class='content'>{body}</div>"
        f"<div class='share'>分享到： 微信 微博</div></div>"
        f"<div class='right'><h3>热点新闻</h3><ul>{FEED}</ul></div></div>"
        f"<div class='footer'>版权所有 某某网 京ICP备12345678号</div></body></html>"
    )


def test_the_article_region_excludes_menus_feeds_and_footers():
    html = page(
        "<title>静宁苹果丰收季 果农喜笑颜开_新闻中心_某某网</title>",
        "<h1>静宁苹果丰收季 果农喜笑颜开</h1><div class='info'>2021-09-15 15:09 来源：中国甘肃网</div>",
    )
    article = clean_html(html)
    assert article.title == "静宁苹果丰收季 果农喜笑颜开"
    assert (article.date, article.source) == ("2021-09-15 15:09", "中国甘肃网")
    assert article.paragraphs == [
        "九月的静宁，满山苹果挂满枝头，果农们正忙着采摘。",
        "今年全县苹果产量预计达到一百万吨，比去年增长百分之五，销售渠道也更加多样。",
        "县里还组织电商培训，帮助果农把苹果卖到全国各地",  # prose without final punctuation stays prose
    ]
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons["果农在果园采摘苹果（张三 摄）"] == "caption"
    assert "频道3" in reasons and "某地举行第3届农民丰收节活动现场热闹非凡 2021-09-13" in reasons
    assert reasons["版权所有 某某网 京ICP备12345678号"] == "copyright"


def test_removals_follow_the_page_from_menu_to_footer():
    html = page(
        "<title>静宁苹果丰收季_某某网</title>", "<h1>静宁苹果丰收季</h1><div>2021-09-15 15:09 来源：中国甘肃网</div>"
    )
    removed = [r.text for r in clean_html(html).removed]
    assert (
        removed.index("频道0")
        < removed.index("频道29")
        < removed.index("分享到： 微信 微博")
        < removed.index("热点新闻")
    )
    assert removed[-1] == "版权所有 某某网 京ICP备12345678号"


def test_site_names_bylines_and_column_labels_are_never_titles():
    for text in ("某某县人民政府门户网站 www.bynr.gov.cn", "石佳/中国青年报", "要闻云南", "新浪财经", "记者 李红军"):
        assert is_site_or_label(text), text
    assert not is_site_or_label("静宁苹果丰收季 果农喜笑颜开")
    # The <title> starts with the site: the headline is the segment the page shows.
    html = page(
        "<title>某某县人民政府门户网站 - 静宁苹果丰收季 果农喜笑颜开</title>",
        "<div class='byline'>石佳/中国青年报</div><h2>静宁苹果丰收季 果农喜笑颜开</h2><div>2021-09-15 15:09</div>",
    )
    assert clean_html(html).title == "静宁苹果丰收季 果农喜笑颜开"


def test_a_headline_broken_over_two_lines_is_joined():
    html = page(
        "<title>关于批准财政部发行特别国债购买外汇及调整国债余额限额的决议_某某网</title>",
        "<h1>关于批准财政部发行特别国债购买外汇及<br>调整国债余额限额的决议</h1><div>2007-06-29</div>",
    )
    assert clean_html(html).title == "关于批准财政部发行特别国债购买外汇及调整国债余额限额的决议"


def test_metadata_declared_in_meta_and_json_ld_fills_what_the_page_does_not_show():
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "静宁苹果丰收季 果农喜笑颜开",
        "datePublished": "2021-09-15T15:09:00+08:00",
        "author": {"@type": "Person", "name": "李红军"},
    }
    head = (
        f"<title>静宁苹果丰收季 果农喜笑颜开</title><meta name='ContentSource' content='中国甘肃网'>"
        f"<meta name='author' content='某某网'><script type='application/ld+json'>{json.dumps(ld, ensure_ascii=False)}</script>"
    )
    html = page(head, "<h1>静宁苹果丰收季 果农喜笑颜开</h1><p class='author'>记者 李红军</p>")
    article = clean_html(html.replace("<h3>热点新闻</h3>", "<h3>中国甘肃网 热点新闻</h3>"))
    assert (article.date, article.source, article.author) == ("2021-09-15 15:09", "中国甘肃网", "李红军")
    # A declared source the page never shows is a template default, not the article's source.
    assert clean_html(html).source is None


def test_a_meta_author_the_page_does_not_credit_is_not_an_author():
    html = page(
        "<title>静宁苹果丰收季</title><meta name='author' content='网易'>",
        "<h1>静宁苹果丰收季</h1><div>2021-09-15 15:09 来源：中国甘肃网</div>",
    )
    assert clean_html(html).author is None


def test_hidden_elements_scripts_and_form_widgets_are_not_text():
    doc = parse(
        "<body><div style='display:none'>隐藏的文字</div><script>var a='脚本';</script>"
        "<select><option>2021</option></select><p hidden>也隐藏</p><p>看得见的正文。</p></body>"
    )
    assert doc.texts == ["看得见的正文。"]


def test_a_stray_closing_html_tag_does_not_end_the_page():
    doc = parse(
        "<html><body><div>页头</div></html><!--end header--><div><p>正文在这里，仍然可见。</p></div></body></html>"
    )
    assert "正文在这里，仍然可见。" in doc.texts


# -- layouts that trip extractors, read as HTML and as a browser copy of the same page ----------------------

PARAS = [
    "九月的静宁，满山苹果挂满枝头，果农们正忙着采摘。",
    "今年全县苹果产量预计达到一百万吨，比去年增长百分之五，销售渠道也更加多样。",
    "县里还组织电商培训，帮助果农把苹果卖到全国各地。",
    "据介绍，静宁苹果已经远销东南亚和中东地区，品牌影响力逐年提升。",
]
_P = "".join(f"<p>{p}</p>" for p in PARAS)
_HEAD = "<h1>静宁苹果丰收季</h1><div>2021-09-15 10:00 来源：某日报</div>"
_AD = "<div class='ad'>" + "".join(f"<a href='/ad{n}'>广告推广链接第{n}条点击查看</a>" for n in range(6)) + "</div>"
_COMMENTS = (
    "<div class='comments'><h3>热门跟帖</h3>"
    + "".join(
        f"<div><a href='/u{n}'>网友{n}</a><p>这篇报道写得很好，希望家乡的苹果越卖越好，我们都支持。</p></div>"
        for n in range(10)
    )
    + "</div>"
)
_GALLERY = "".join(f"<div><img src='{n}.jpg'><span>{n}/40</span><a href='/g{n}'>图集{n}</a></div>" for n in range(40))
LAYOUTS = {
    "split-by-an-ad": f"<ul>{NAV}</ul>{_HEAD}<div>{''.join(f'<p>{p}</p>' for p in PARAS[:2])}</div>{_AD}"
    f"<div>{''.join(f'<p>{p}</p>' for p in PARAS[2:])}</div>",
    "comments-after": f"<ul>{NAV}</ul><div class='wrap'>{_HEAD}<div>{_P}</div>{_COMMENTS}</div>",
    "table-layout": f"<table><tr><td><ul>{NAV}</ul></td><td><b>静宁苹果丰收季</b><br>2021-09-15 10:00 来源：某日报<br>"
    f"{'<br>'.join(PARAS)}</td><td><ul>{NAV}</ul></td></tr></table>",
    "gallery-between": f"<ul>{NAV}</ul>{_HEAD}<div>{_GALLERY}</div><div>{_P}</div><ul>{NAV}</ul>",
    "feed-longer-than-the-story": f"<ul>{NAV}</ul>{_HEAD}<div>{''.join(f'<p>{p}</p>' for p in PARAS[:2])}</div>"
    f"<h3>相关推荐</h3><ul>{FEED}</ul>",
}


@pytest.mark.parametrize("reading", ["html", "text"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_story_is_found_whatever_surrounds_it(layout, reading):
    html = f"<html><head><title>静宁苹果丰收季_某某网</title></head><body>{LAYOUTS[layout]}</body></html>"
    article = clean_html(html) if reading == "html" else clean_text(page_text(html)[0])
    assert (article.title, article.date, article.source) == ("静宁苹果丰收季", "2021-09-15 10:00", "某日报")
    assert article.paragraphs == (PARAS[:2] if layout.startswith("feed") else PARAS)


def test_an_inline_element_styled_as_a_block_breaks_the_line():
    page = parse(
        "<p>警方已勘验现场。（王小明／台中报导）<span style='display: block;height:1em'></span>"
        "<strong>关心你</strong><br>请珍惜生命。</p>"
    )
    assert [line.text for line in page.lines][:2] == ["警方已勘验现场。（王小明／台中报导）", "关心你"]


_STORY = [
    "今天上午，市区新公园正式向市民开放，园内建有步道、花园和儿童乐园，市民们纷纷前来游览，公园每天早上六点开门，晚上十点关门。",
    "据介绍，公园占地约二十公顷，总投资三亿元，建设历时两年，周边还配套了三个停车场和两个公交站，方便市民乘坐公共交通前往。",
    "市园林局负责人表示，下一步将继续推进城区公园建设，力争到明年年底前让市民出门五百米就能见到绿地，进一步提升城市宜居水平。",
    "开园首日，公园共接待游客约两万人次，园内秩序良好，工作人员在各个入口提供咨询和引导服务，并提醒游客爱护花草树木和公共设施。",
]


def _script_page(article_body: str, shown: str = "") -> str:
    ld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": "市区新公园开放",
            "datePublished": "2020-06-05T20:35:00+08:00",
            "articleBody": article_body,
        },
        ensure_ascii=False,
    )
    menu = "".join(f"<li><a href='/c{i}'>频道{i}</a></li>" for i in range(12))
    return (
        f"<html><head><title>市区新公园开放_城市网</title><script type='application/ld+json'>{ld}</script></head>"
        f"<body><ul>{menu}</ul><h1>市区新公园开放</h1><div id='app'>{shown}</div><p>版权所有 城市网</p></body></html>"
    )


def test_a_story_rendered_by_script_is_read_from_its_declared_article_body():
    article = clean_html(_script_page("\n".join(_STORY)))
    assert article.title == "市区新公园开放" and article.paragraphs == _STORY
    assert article.date == "2020-06-05 20:35"


def test_a_declared_summary_does_not_replace_the_story_the_page_shows():
    shown = "".join(f"<p>{p}</p>" for p in _STORY)
    article = clean_html(_script_page(_STORY[0], shown))
    assert article.paragraphs == _STORY
