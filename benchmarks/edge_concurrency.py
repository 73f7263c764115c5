"""Concurrency of the online engine: a 40-chunk article against the loopback peer adding 300 ms per request.

Runs the real edge_tts client through the pipeline's synthesis step, sequentially (concurrency 1) and with
the default concurrency, side by side in one run. Target: default ≤ 1/3 of sequential.

Run:  uv run python -m benchmarks.edge_concurrency
"""

from __future__ import annotations

import json
import time

import edge_tts.communicate

from tests.edge_peer import EdgePeer, speech_audio_for
from tts.engines import get_engine
from tts.engines.edge import EdgeEngine
from tts.model import Article, Section
from tts.speech.plan import make_plan

LATENCY = 0.3


def forty_chunk_plan():
    sentences = [f"第{n}句新闻，今年全县苹果产量预计继续增长。" for n in range(1, 40)]
    article = Article(title="并发测试", sections=[Section(None, ["".join(sentences)])])
    plan = make_plan(article)
    assert len(plan.chunks) == 40, len(plan.chunks)
    return plan


def timed(concurrency: int, plan) -> float:
    engine = EdgeEngine(concurrency=concurrency, backoff=0.01)
    from tts.pipeline import synthesize_chunks

    start = time.perf_counter()
    synthesize_chunks(plan.chunks, engine, engine.default_voice, 1.0, use_cache=False)
    return time.perf_counter() - start


def main() -> None:
    peer = EdgePeer(speech_audio_for(get_engine("kokoro")), latency=LATENCY)
    edge_tts.communicate.WSS_URL = peer.start()
    plan = forty_chunk_plan()
    for chunk in plan.chunks:  # warm the peer's audio so both runs measure the protocol, not ffmpeg
        peer.audio_for(chunk.spoken)
    default = EdgeEngine().concurrency
    sequential = timed(1, plan)
    concurrent = timed(default, plan)
    peer.stop()
    print(
        json.dumps(
            {
                "chunks": 40,
                "latency_s": LATENCY,
                "default_concurrency": default,
                "sequential_s": round(sequential, 2),
                "default_s": round(concurrent, 2),
                "ratio": round(concurrent / sequential, 3),
                "target": "<= 0.333",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
