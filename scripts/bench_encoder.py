"""Sentence-encoder benchmark: time per message, one thread, and what loading costs.

Prints p50/p95 per message (tokenize + forward pass) for short messages (the training
examples of 5-15 words, and of exactly 15), medium ones (60 words) and 1 MB ones (cut to
max_tokens), and the process's resident memory before and after the encoder is loaded.
Messages are timed round-robin so a busy machine slows each kind alike; run it on a quiet
one for figures.

    .venv/bin/python scripts/bench_encoder.py [--rounds 5] [--max-tokens 128]
"""
from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

import numpy as np

from helpline.nlu.encoder import Encoder

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def training_texts() -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [m.get("text") for m in load_data(str(ROOT / "bot" / "data" / "nlu")).intent_examples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()

    texts = training_texts()
    rng = random.Random(7)
    words = " ".join(texts).split()
    short = [t for t in texts if 5 <= len(t.split()) <= 15]
    rng.shuffle(short)
    short = short[:200]
    fifteen = [t for t in texts if len(t.split()) == 15][:100]
    medium = [" ".join(rng.choice(words) for _ in range(60)) for _ in range(40)]
    paragraph = " ".join(texts)
    long = [(paragraph * (1_000_000 // len(paragraph) + 1))[:1_000_000] for _ in range(3)]

    before = rss_mb()
    started = time.perf_counter()
    encoder = Encoder(max_tokens=args.max_tokens)
    load_s = time.perf_counter() - started
    loaded = rss_mb()

    kinds = {"short (5-15 words)": short, "15 words": fifteen, "medium (60 words)": medium,
             "long (1 MB, capped)": long}
    for batch in kinds.values():  # warm up
        encoder.encode(batch[:3])
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(args.rounds):
        for kind, batch in kinds.items():
            for text in batch if kind != "long (1 MB, capped)" else batch * 10:
                t0 = time.perf_counter()
                encoder.encode([text])
                times[kind].append(time.perf_counter() - t0)

    print(f"encoder: int8 onnxruntime, 1 thread, max_tokens={args.max_tokens}, "
          f"{os.cpu_count()} cores here")
    for kind, batch in kinds.items():
        tokens = np.mean([len(encoder.token_ids(t)) for t in batch])
        ms = np.array(times[kind]) * 1e3
        print(f"  {kind:22s} {tokens:5.0f} tokens  p50 {np.percentile(ms, 50):6.2f} ms  "
              f"p95 {np.percentile(ms, 95):6.2f} ms  (n={len(ms)})")
    print(f"  load: {load_s:.2f} s; RSS {before:.0f} MB before, {loaded:.0f} MB after "
          f"(+{loaded - before:.0f} MB), {rss_mb():.0f} MB after the runs; "
          f"peak {rss_mb('VmHWM'):.0f} MB")


if __name__ == "__main__":
    main()
