"""tts: Chinese news articles to chaptered Mandarin audio.

Library first: `tts.build(path)` builds an episode, `tts.clean_text(text)` cleans a page,
`tts.prepare(path)` cleans and plans without synthesising. The `tts` command is a thin layer over these.
"""

from .pipeline import BuildOptions, BuildResult, build, prepare
from .clean import CleanOptions, clean_text
from .errors import TtsError
from .model import Article, Section

__all__ = ["Article", "BuildOptions", "BuildResult", "CleanOptions", "Section", "TtsError", "build", "clean_text", "prepare"]
__version__ = "0.1.0"
