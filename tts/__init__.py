"""tts: Chinese news articles to chaptered Mandarin audio.

Library first: `tts.build(path)` builds an episode, `tts.clean_text(text)` cleans a page,
`tts.prepare(path)` cleans and plans without synthesising. The `tts` command is a thin layer over these.
Names are imported on first use, so `tts --help` stays fast.
"""

from importlib import import_module

__version__ = "0.1.0"
_EXPORTS = {
    "build": "tts.pipeline",
    "prepare": "tts.pipeline",
    "BuildOptions": "tts.pipeline",
    "BuildResult": "tts.pipeline",
    "clean_text": "tts.input.clean",
    "CleanOptions": "tts.input.clean",
    "TtsError": "tts.errors",
    "Article": "tts.model",
    "Section": "tts.model",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tts' has no attribute {name!r}")
