"""The seed sample (a 中国甘肃网 page) cleans into the right structure."""

from __future__ import annotations

import pytest

from tts.input.clean import CAPTION_PREFIX, CleanOptions, clean_text

from .conftest import SAMPLE

HEADINGS = [
    "责任共担 实现对接合作双推进",
    "产业共建 实现资金项目双提升",
    "市场共享 实现线上线下双联动",
    "平台共筑 实现劳务创业双开发",
    "结对共扶 实现政企社群双促进",
]
CAPTIONS = [
    "武清静宁签署“十四五”东西部协作框架协议",
    "在田间地头开展够远技术培训",
    "开展养殖业帮扶",
    "“万企帮万村”精准扶贫公益捐赠签约仪式",
]
BOILERPLATE = [
    "您当前的位置",
    "公益频道",
    "编辑:宋芳科",
    "版权声明",
    "精彩推荐",
    "关注我们",
    "即时播报",
    "分享到",
    "中国甘肃网微博",
    "嘉峪关市档案馆",
]


@pytest.fixture(scope="module")
def article():
    return clean_text(SAMPLE.read_text(encoding="utf-8"))


def spoken_text(article) -> str:
    return "\n".join([article.title] + [s.heading or "" for s in article.sections] + article.paragraphs)


def test_metadata_is_recovered(article):
    assert article.title == "天津武清携手甘肃静宁奔小康 奏响富民“交响曲”"
    assert article.date == "2021-09-15 15:09"
    assert article.source == "中国甘肃网"
    assert article.author == "李红军 李芳艳 闫盼佳"


def test_lead_paragraphs_form_the_first_section_and_five_headings_follow(article):
    assert article.sections[0].heading is None
    assert [p[:4] for p in article.sections[0].paragraphs] == ["从“京津", "近年来,"]
    assert [s.heading for s in article.sections[1:]] == HEADINGS


def test_every_body_paragraph_is_kept_in_order(article):
    source = SAMPLE.read_text(encoding="utf-8")
    positions = [source.index(p) for p in article.paragraphs]
    assert positions == sorted(positions)
    assert len(article.paragraphs) == 9
    assert article.paragraphs[-1].startswith("东西扶贫协作将武清静宁两地紧紧联系在一起")


def test_no_boilerplate_is_spoken(article):
    text = spoken_text(article)
    for marker in BOILERPLATE:
        assert marker not in text, marker


def test_captions_are_neither_headings_nor_body_by_default(article):
    assert article.captions == CAPTIONS
    text = spoken_text(article)
    for caption in CAPTIONS:
        assert caption not in text
    assert {r.text for r in article.removed if r.reason == "caption"} == set(CAPTIONS)


def test_captions_can_be_announced_in_place():
    article = clean_text(SAMPLE.read_text(encoding="utf-8"), CleanOptions(read_captions=True))
    industry = article.sections[2].paragraphs
    assert industry[1] == CAPTION_PREFIX + "在田间地头开展够远技术培训"
    assert [s.heading for s in article.sections[1:]] == HEADINGS


def test_removed_lines_carry_reasons(article):
    reasons = {r.reason for r in article.removed}
    assert {"breadcrumb", "dateline", "copyright", "related-list", "share", "caption"} <= reasons
