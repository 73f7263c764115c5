"""Pages in Traditional characters are cleaned by the same rules and come back as written."""

from __future__ import annotations

import functools

import pytest

from tts.input.clean import clean_text
from tts.input.clean.script import Shadow

PAGE = """首頁 | 新聞 | 財經
颱風過境 市民陽台積水 消防局呼籲注意安全
2021/08/05 10:30 來源：某某日報 記者王小明／台北報導
颱風昨晚過境，全市多處出現積水，消防局接獲通報後立即派員處理。
據了解，部分住戶陽台排水不及，雨水倒灌進入室內，颱風帶來的雨量創下今年新高。
消防局提醒，颱風過後仍需注意強陣風，民眾外出請留意周邊環境。
責任編輯：李大華
相關新聞
另一條颱風新聞的標題在這裡
"""


def test_a_traditional_page_is_cleaned_by_the_same_rules_and_keeps_its_script():
    article = clean_text(PAGE)
    assert article.title == "颱風過境 市民陽台積水 消防局呼籲注意安全"  # 台 and 颱 both simplify to 台
    assert article.date == "2021-08-05 10:30"
    assert (article.source, article.author) == ("某某日報", "王小明")
    assert article.paragraphs == [line for line in PAGE.splitlines()[3:6]]  # as written, character for character
    removed = {r.text: r.reason for r in article.removed}
    assert removed["責任編輯：李大華"] == "editor" and "相關新聞" in removed
    assert "另一條颱風新聞的標題在這裡" not in " ".join(article.paragraphs)


def test_text_made_of_pieces_of_the_shadow_is_given_back_as_written():
    shadow = Shadow("陽台很大\n颱風來了，颱風走了")
    assert shadow.active
    assert shadow.back("阳台很大颱风走了") == "陽台很大颱風走了"  # two pieces of two lines, joined
    assert shadow.back(shadow.shadow) == shadow.page


def test_a_simplified_page_is_not_converted():
    assert not Shadow("台风过境 市民阳台积水").active


_STORY = (
    "颱風昨晚過境，全市多處出現積水，消防局接獲通報後立即派員處理，所幸沒有人員受傷。\n"
    "據了解，部分住戶陽台排水不及，雨水倒灌進入室內，消防局提醒民眾注意安全。（王小明／台北報導）\n"
)


def test_short_lines_after_a_closing_credit_are_not_the_story():
    page = (
        f"颱風過境 市民陽台積水\n2021/08/05 10:30\n{_STORY}關心你\n請珍惜生命。\n>>加入本報粉絲團\n資料照片。王小明攝\n"
    )
    article = clean_text(page)
    assert article.paragraphs[-1].startswith("據了解") and article.paragraphs[-1].endswith("注意安全。")
    assert article.author == "王小明"
    assert ("請珍惜生命。", "after-story") in [(r.text, r.reason) for r in article.removed]


def test_a_long_paragraph_after_a_credit_is_still_read():
    more = (
        "另外，市府表示將在下週召開檢討會議，檢視各區排水設施的狀況，並研擬改善方案，以免再次發生類似情況，同時加強宣導。"
        * 2
    )
    article = clean_text(f"颱風過境 市民陽台積水\n2021/08/05 10:30\n{_STORY}{more}\n")
    assert article.paragraphs[-1] == more


def test_a_wire_credit_names_its_agency_as_the_source():
    page = "颱風過境 市民陽台積水\n2021/08/05 10:30\n（某某社記者王小明台北5日電）" + _STORY.split("\n", 1)[1]
    assert clean_text(page).source == "某某社"


@functools.cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def _to_traditional(text: str) -> str:
    return _s2t().convert(text)


def _corpus_pages() -> list:
    from pathlib import Path

    corpus = Path(__file__).parent / "corpus"
    return sorted((corpus / "fresh").glob("*.txt"))[:6] + sorted((corpus / "unseen").glob("*.txt"))[::8]


@pytest.mark.parametrize("page", _corpus_pages(), ids=lambda p: p.stem)
def test_a_real_page_written_in_traditional_characters_is_cleaned_the_same(page):
    from tts.hanzi import simplified

    text = page.read_text(encoding="utf-8")
    traditional = _to_traditional(text)
    if simplified(traditional) != text:
        pytest.skip("the page does not survive the round trip through Traditional characters")
    plain, converted = clean_text(text), clean_text(traditional)
    assert [simplified(p) for p in converted.paragraphs] == plain.paragraphs
    folded = " ".join(traditional.split())  # lines are read with their runs of spaces folded
    assert all(p in folded for p in converted.paragraphs)  # as written on the page
    assert (simplified(converted.title), converted.date) == (plain.title, plain.date)
    assert converted.author is None or simplified(converted.author) == plain.author


def test_a_traditional_html_page_is_judged_by_the_same_rules():
    from tts.input.extract import clean_html

    body = "".join(f"<p>{line}</p>" for line in PAGE.splitlines()[3:6])
    html = (
        '<html><head><meta charset="utf-8"><title>颱風過境 市民陽台積水 消防局呼籲注意安全</title></head><body>'
        "<nav><a href='/'>首頁</a> <a href='/n'>新聞</a></nav><div>版權所有 不得轉載</div>"
        "<h1>颱風過境 市民陽台積水 消防局呼籲注意安全</h1><p>2021/08/05 10:30 來源：某某日報 記者王小明／台北報導</p>"
        f"<article>{body}</article><div>責任編輯：李大華</div></body></html>"
    )
    article = clean_html(html)
    assert article.paragraphs == PAGE.splitlines()[3:6]
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons["責任編輯：李大華"] == "editor" and reasons["版權所有 不得轉載"] == "copyright"
