"""Traditional -> Simplified characters, one owner for the cleaner (rules are written in Simplified), the speaker
(the voices' lexicons and our normalisation rules are Simplified) and the recogniser's comparison.

OpenCC's t2s tables (opencc-python-reimplemented: pure Python, dictionaries load in milliseconds) map character for
character — the phrase table only chooses among characters — so a converted text has the original's length and every
position in it is the same position in the original."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _converter().convert(text) if text else text
