"""Headline evidence the cleaner decides on: how much of a headline a text restates, and what is cut from a headline."""

from __future__ import annotations

from tts.input.clean import clean_text
from tts.input.clean.lines import title_affinity

HEADLINE = "市政府发布垃圾分类新规 下月起施行"
ARTICLE = [
    "市政府今天发布垃圾分类新规，要求居民按四类投放生活垃圾。",
    "新规将于下月起施行，各街道将设立督导员，帮助居民熟悉分类要求。",
    "市城管委负责人表示，垃圾分类新规施行后，将对违规投放行为先劝导、后处罚。",
]
OTHER = [
    "第十届国际马拉松赛昨日鸣枪开跑，来自四十个国家的三万名选手参赛。",
    "男子组冠军以两小时八分的成绩打破赛会纪录，女子组冠军由卫冕选手获得。",
]


def test_an_article_restates_its_headline_and_another_story_does_not():
    assert title_affinity(HEADLINE, "".join(ARTICLE)) >= 0.3
    assert title_affinity(HEADLINE, "".join(OTHER)) < 0.15
    assert title_affinity("新规", "".join(ARTICLE)) == 0.0  # too few pairs to judge


def test_a_story_placed_between_headline_and_article_is_passed_over_and_accounted_for():
    page = "\n".join(
        [
            "首页 > 新闻 > 正文",
            HEADLINE,
            "2024-05-06 10:00 来源：某某日报",
            *OTHER,
            "分享到",
            "收藏",
            *ARTICLE,
            "责任编辑：王五",
        ]
    )
    article = clean_text(page)
    assert article.title == HEADLINE
    assert article.paragraphs == ARTICLE
    assert article.date == "2024-05-06 10:00"
    removed = [r.text for r in article.removed]
    assert all(line in removed for line in OTHER)  # every dropped line is still explained


def test_an_originality_badge_glued_to_the_headline_is_cut_and_recorded():
    page = "\n".join(["原创" + HEADLINE, "2024-05-06 10:00", *ARTICLE])
    article = clean_text(page)
    assert article.title == HEADLINE
    assert any(r.text == "原创" and r.reason == "title-badge" for r in article.removed)
