"""Pronunciation lexicon: a word's pinyin for the offline voice, a homophone for the online one.

User file (TOML), given with --lexicon or found as ./lexicon.toml:

    [words]
    "重庆" = { pinyin = "chong2 qing4" }
    "行长" = { pinyin = "hang2 zhang3", say = "航长" }

The offline engine receives `{word|pinyin}` markup and speaks exactly that pinyin; the online engine
(which takes no SSML) receives the `say` text, or the word unchanged when none is given.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tts.errors import ConfigError

_PINYIN = re.compile(r"^(?:[a-zü]+[1-5])(?: [a-zü]+[1-5])*$")
MARKUP = re.compile(r"\{(?P<word>[^|{}]+)\|(?P<pinyin>[a-zü1-5 ]+)\}")


@dataclass(frozen=True)
class Entry:
    pinyin: str | None = None
    say: str | None = None


class Lexicon:
    def __init__(self, entries: dict[str, Entry] | None = None) -> None:
        self.entries = dict(entries or {})
        self._pattern = self._compile()

    @classmethod
    def builtin(cls) -> Lexicon:
        return cls.from_toml(
            resources.files(__package__).joinpath("builtin_lexicon.toml").read_text("utf-8"), "built-in lexicon"
        )

    @classmethod
    def load(cls, path: str | Path | None) -> Lexicon:
        """The built-in lexicon, extended (and overridden) by the user's file."""
        lexicon = cls.builtin()
        if path is None and Path("lexicon.toml").is_file():
            path = "lexicon.toml"
        if path is not None:
            file = Path(path)
            if not file.is_file():
                raise ConfigError(f"lexicon file not found: {file}")
            user = cls.from_toml(file.read_text("utf-8"), str(file))
            lexicon = cls({**lexicon.entries, **user.entries})
        return lexicon

    @classmethod
    def from_toml(cls, text: str, origin: str) -> Lexicon:
        try:
            words = tomllib.loads(text).get("words", {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{origin} is not valid TOML: {exc}") from None
        if not isinstance(words, dict):
            raise ConfigError(f'{origin}: [words] must be a table of word = "pin1 yin1" or {{ pinyin = …, say = … }}')
        entries = {}
        for word, value in words.items():
            if isinstance(value, str):
                value = {"pinyin": value}
            if (
                not isinstance(value, dict)
                or not all(isinstance(v, str) for v in value.values())
                or set(value) - {"pinyin", "say"}
            ):
                raise ConfigError(
                    f'{origin}: {word!r} must be "pin1 yin1" or {{ pinyin = "…", say = "…" }}, got {value!r}'
                )
            pinyin = value.get("pinyin")
            if pinyin is not None and (not _PINYIN.match(pinyin) or len(pinyin.split()) != len(word)):
                raise ConfigError(
                    f"{origin}: {word!r} needs one tone-numbered syllable per character, e.g. 'hang2 zhang3'; got {pinyin!r}"
                )
            entries[word] = Entry(pinyin=pinyin, say=value.get("say"))
        return cls(entries)

    def _compile(self) -> re.Pattern[str] | None:
        if not self.entries:
            return None
        words = sorted(self.entries, key=len, reverse=True)  # longest match first
        return re.compile("|".join(map(re.escape, words)))

    def apply(self, text: str, style: str) -> str:
        """style 'pinyin' (offline engine markup) or 'say' (homophone substitution for the online engine)."""
        if self._pattern is None:
            return text

        def swap(m: re.Match[str]) -> str:
            entry = self.entries[m.group(0)]
            if style == "pinyin" and entry.pinyin:
                return f"{{{m.group(0)}|{entry.pinyin}}}"
            if style == "say" and entry.say:
                return entry.say
            return m.group(0)

        return self._pattern.sub(swap, text)
