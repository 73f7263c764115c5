"""Round-trip intelligibility of the embedded voice, with and without text normalisation.

Number-heavy paragraphs from the corpus and the seed sample are spoken by Kokoro (zm_yunjian), transcribed by
Whisper-base, and compared with the written text (traditional->simplified, digits->numerals, no punctuation).
Needs `uv sync --group bench`.  Run:  uv run python -m benchmarks.intelligibility
"""

from __future__ import annotations

import json
import tempfile
import time
import wave
from pathlib import Path

from benchmarks.recognise import cer, transcribe
from tts.engines import get_engine
from tts.speech.normalize import Speaker
from tts.speech.plan import split_chunk, split_sentences

# (written paragraph, what a newsreader says — written out by hand, not by the normaliser)
PARAGRAPHS = [
    (
        "1-10月，全县固定资产投资完成246.79亿元，完成年度计划82.3%，同比增长15.3%，位列三县两区第一。",
        "一至十月，全县固定资产投资完成二百四十六点七九亿元，完成年度计划百分之八十二点三，同比增长百分之十五点三，位列三县两区第一。",
    ),
    (
        "2018年中国集成电路设计业销售收入为2519.3亿元，比2017年的2073.5亿元增长21.5%，增速比上年的26.1%回落4.6个百分点。",
        "二零一八年中国集成电路设计业销售收入为两千五百一十九点三亿元，比二零一七年的两千零七十三点五亿元增长百分之二十一点五，增速比上年的百分之二十六点一回落四点六个百分点。",
    ),
    (
        "2017年以来，武清区在静宁县安排实施产业发展、特困户危房改造、安全饮水等方面项目9大类117个，落实财政帮扶资金2.02亿元。",
        "二零一七年以来，武清区在静宁县安排实施产业发展、特困户危房改造、安全饮水等方面项目九大类一百一十七个，落实财政帮扶资金二点零二亿元。",
    ),
    (
        "9日、10日两天全国铁路仅能保证15%至20%的运力，大巴黎地区交通堵塞造成的车流长达创纪录的631公里。",
        "九日、十日两天全国铁路仅能保证百分之十五至百分之二十的运力，大巴黎地区交通堵塞造成的车流长达创纪录的六百三十一公里。",
    ),
    (
        "三次产业投资占比由去年同期的1.1:50.3:48.6调整为0.7:50.7:48.6，生产性服务业完成投资39.66亿元。",
        "三次产业投资占比由去年同期的一点一比五十点三比四十八点六调整为零点七比五十点七比四十八点六，生产性服务业完成投资三十九点六六亿元。",
    ),
    (
        "5月20日至31日，京沪高速北京方向将进行封闭施工，请拨打12345热线咨询，发布时间为21-09-15 15:09。",
        "五月二十日至三十一日，京沪高速北京方向将进行封闭施工，请拨打幺二三四五热线咨询，发布时间为二零二一年九月十五日十五点零九分。",
    ),
]


def speak(engine, text: str, normalize: bool, path: Path) -> None:
    import numpy as np

    speaker = Speaker(normalize=normalize)
    pieces = [
        engine.synthesize(speaker(chunk), "zm_yunjian").samples
        for sentence in split_sentences(text)
        for chunk in split_chunk(sentence, 120)
    ]
    audio = np.concatenate([np.concatenate([p, np.zeros(6000, dtype=np.float32)]) for p in pieces])
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(24_000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


def main() -> None:
    engine = get_engine("kokoro")
    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n, (text, reading) in enumerate(PARAGRAPHS):
            row = {"paragraph": text[:24] + "…"}
            for normalize, label in ((False, "raw"), (True, "normalized")):
                path = Path(tmp) / f"{n}-{label}.wav"
                speak(engine, text, normalize, path)
                heard = transcribe(path)
                row[f"heard_{label}"] = heard
                row[f"cer_vs_written_{label}"] = round(cer(text, heard), 3)
                row[f"cer_vs_reading_{label}"] = round(cer(reading, heard), 3)
            rows.append(row)
    summary = {
        key: round(sum(r[key] for r in rows) / len(rows), 3)
        for key in (
            "cer_vs_written_raw",
            "cer_vs_written_normalized",
            "cer_vs_reading_raw",
            "cer_vs_reading_normalized",
        )
    }
    print(
        json.dumps(
            {"paragraphs": rows, "mean": summary, "seconds": round(time.perf_counter() - started, 1)},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
