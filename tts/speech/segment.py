"""jieba, the Chinese word segmenter that misaki's G2P, chunk splitting and timing alignment share: configured once."""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType


@lru_cache(maxsize=1)
def jieba() -> ModuleType:
    """The jieba module, quiet, with its dictionary cache in our cache folder rather than the system temp folder
    (where every build would otherwise leave a `jieba.cache` behind)."""
    import logging

    import jieba as module

    from tts.paths import cache_dir

    module.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for our users
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        module.dt.tmp_dir = str(folder)
    except OSError:
        pass  # an unwritable cache: jieba falls back to the system temp folder, as it does by default
    return module
