"""Traditional Chinese pages, judged by the same rules.

The cleaner's rules are written in Simplified characters ('记者', '责任编辑', '相关新闻'). A page in Traditional
characters ('記者', '責任編輯', '相關新聞') is cleaned in its Simplified shadow, and everything the cleaner returns is
given back in the characters the page was written in: the transcript keeps the page's script.

`tts.hanzi.simplified` maps character for character, so the shadow has the page's length and every position in it
is the same position on the page.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from tts.hanzi import simplified
from tts.model import Article, Removed, Section


class Shadow:
    """A page and its Simplified shadow, position for position."""

    def __init__(self, page: str):
        self.page = page
        self.shadow = simplified(page)
        # The page holds Traditional characters, and the shadow lines up with it.
        self.active = self.shadow != page and len(self.shadow) == len(page)
        # Where a string is not a slice of the shadow (lines joined, junk cut out), characters are given back one by
        # one: each Simplified character as the page most often wrote it.
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        if self.active:
            for written, shadow in zip(page, self.shadow):
                if written != shadow:
                    seen[shadow][written] += 1
        self._chars = {s: counts.most_common(1)[0][0] for s, counts in seen.items()}

    def back(self, text: str) -> str:
        """`text` (made of pieces of the shadow) in the page's own characters: each longest piece found in the
        shadow is taken from the same place on the page; a character found nowhere, as the page most often wrote it."""
        if not self.active or not text:
            return text
        out, i = [], 0
        while i < len(text):
            size, at = self._longest_piece(text, i)
            if size:
                out.append(self.page[at : at + size])
                i += size
            else:
                out.append(self._chars.get(text[i], text[i]))
                i += 1
        return "".join(out)

    def _longest_piece(self, text: str, start: int) -> tuple[int, int]:
        """(length, position in the shadow) of the longest piece of text from `start` that the shadow holds."""
        low, high, at = 0, len(text) - start, -1
        while low < high:  # a piece found means every shorter piece is found: search the length
            size = (low + high + 1) // 2
            found = self.shadow.find(text[start : start + size])
            if found >= 0:
                low, at = size, found
            else:
                high = size - 1
        if low and at < 0:
            at = self.shadow.find(text[start : start + low])
        return low, at

    def restore(self, article: Article) -> Article:
        if not self.active:
            return article
        back = self.back
        optional = lambda text: back(text) if text else text  # noqa: E731 - four one-line uses below
        return Article(
            title=back(article.title),
            date=article.date,
            source=optional(article.source),
            author=optional(article.author),
            sections=[
                Section(heading=optional(s.heading), paragraphs=[back(p) for p in s.paragraphs])
                for s in article.sections
            ],
            captions=[back(c) for c in article.captions],
            removed=[Removed(back(r.text), r.reason) for r in article.removed],
        )
