"""Traditional -> Simplified characters, one owner for the cleaner (rules are written in Simplified), the speaker
(the voices' lexicons and our normalisation rules are Simplified) and the recogniser's comparison.

OpenCC's t2s tables (opencc-python-reimplemented: pure Python, dictionaries load in milliseconds) map character for
character — the phrase table only chooses among characters — so a converted text has the original's length and every
position in it is the same position in the original."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_only() -> frozenset[str]:
    """Characters that t2s changes (its character table's keys whose Simplified form differs)."""
    table = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt").read_text(encoding="utf-8")
    return frozenset(
        key
        for line in table.splitlines()
        if "\t" in line
        for key, values in [line.split("\t", 1)]
        if values.split()[0] != key
    )


def simplified(text: str) -> str:
    # Most pages are Simplified already: a set test (C speed) spares them the converter's pure-Python pass.
    if not text or _traditional_only().isdisjoint(text):
        return text
    return _converter().convert(text)
