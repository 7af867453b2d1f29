"""The cost of lcel around real local models: lcel vs the libraries called directly.

``python -m benchmarks.local_models`` (needs the ``local`` extra) measures, in one process
and on the same loaded model:

- chat: time to first token and tokens per second of ``LlamaCppChatModel.stream`` against
  ``Llama.create_chat_completion(stream=True)`` with the same messages and options;
- embeddings: texts per second of ``OnnxEmbeddings.embed_documents`` (and ``embed_array``)
  against a direct tokenizers + onnxruntime loop (batches in input order, mean pooling).

Runs alternate between the sides so load from other processes hits both alike; each figure
is the median, by CPU time (judged) and wall time (shown). The prompt cache is reset before
every chat run, so the time to first token includes reading the prompt. Writes a Markdown
table (``--markdown``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from lcel.local import LlamaCppChatModel, OnnxEmbeddings
from lcel.messages import HumanMessage, SystemMessage

SYSTEM = "You are a helpful assistant."
QUESTION = "Write a short paragraph about the history of the bicycle."
CHAT_LIMIT = 1.05
EMBED_LIMIT = 1.10


# -- measuring -------------------------------------------------------------------------------

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
"""CPU time of this process (every thread; the models run in-process) barely moves when other
processes load the machine, so the costs are judged on it; wall time is shown beside it."""


@dataclass(frozen=True)
class Figure:
    """One measurement over several runs, by each clock: the medians."""

    cpu: float
    wall: float


def _median(values: Iterable[float]) -> float:
    return statistics.median(values)


# -- chat ------------------------------------------------------------------------------------


def _timed_tokens(pieces: Iterator[str]) -> dict[str, tuple[float, float, int]]:
    """By clock: (seconds to the first non-empty piece, to the end, non-empty pieces)."""
    start = {name: clock() for name, clock in CLOCKS.items()}
    first = dict.fromkeys(CLOCKS, 0.0)
    count = 0
    for piece in pieces:
        if piece:
            count += 1
            if count == 1:
                first = {name: clock() - start[name] for name, clock in CLOCKS.items()}
    end = {name: clock() - start[name] for name, clock in CLOCKS.items()}
    return {name: (first[name], end[name], count) for name in CLOCKS}


def bench_chat(runs: int, max_tokens: int) -> tuple[dict[str, dict[str, Figure]], int]:
    """By side: time to first token (ms) and tokens per second after it; and the tokens
    per answer."""
    model = LlamaCppChatModel(temperature=0, max_tokens=max_tokens, n_threads=1)
    llama = model._load().llama
    messages = [SystemMessage(SYSTEM), HumanMessage(QUESTION)]
    raw = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": QUESTION}]
    options: dict[str, Any] = {  # Any: llama.cpp keyword arguments
        "temperature": model.temperature,
        "max_tokens": model.max_tokens,
        "top_p": model.top_p,
        "top_k": model.top_k,
        "repeat_penalty": model.repeat_penalty,
        "stop": [],
    }

    def direct() -> Iterator[str]:
        for part in llama.create_chat_completion(raw, stream=True, **options):
            yield part["choices"][0]["delta"].get("content") or ""

    def through_lcel() -> Iterator[str]:
        for chunk in model.stream(messages):
            yield chunk.text

    sides: dict[str, Callable[[], Iterator[str]]] = {"llama_cpp": direct, "lcel": through_lcel}
    samples: dict[str, list[dict[str, tuple[float, float, int]]]] = {n: [] for n in sides}
    _timed_tokens(through_lcel())  # warm up: load, first allocations
    for i in range(runs):
        order = list(sides) if i % 2 == 0 else list(reversed(sides))
        for name in order:
            llama.reset()  # no prompt-cache reuse: every run reads the prompt
            samples[name].append(_timed_tokens(sides[name]()))
    result: dict[str, dict[str, Figure]] = {}
    for name, runs_of in samples.items():
        ttft = {c: _median(r[c][0] * 1000 for r in runs_of) for c in CLOCKS}
        rate = {c: _median((r[c][2] - 1) / (r[c][1] - r[c][0]) for r in runs_of) for c in CLOCKS}
        result[name] = {"ttft_ms": Figure(**ttft), "tokens_per_s": Figure(**rate)}
    tokens = {r["cpu"][2] for runs_of in samples.values() for r in runs_of}
    if len(tokens) != 1:
        raise SystemExit(f"the answers differ in length between runs: {sorted(tokens)}")
    return result, tokens.pop()


# -- embeddings ------------------------------------------------------------------------------


def corpus_texts(count: int) -> list[str]:
    """``count`` sentences of varied length, cut from the examples' corpus."""
    root = Path(__file__).resolve().parent.parent / "examples" / "corpus"
    words = " ".join(p.read_text() for p in sorted(root.glob("*.txt"))).split()
    texts = []
    for i in range(count):
        start = (i * 7) % len(words)
        length = 4 + (i * 13) % 60
        texts.append(" ".join((words * 2)[start : start + length]))
    return texts


def bench_embeddings(runs: int, count: int) -> tuple[dict[str, Figure], float]:
    """By side: texts per second; and the largest difference between the sides' vectors."""
    emb = OnnxEmbeddings(threads=1)
    loaded = emb._load()
    session = loaded.session
    padded = loaded.tokenizer.__class__.from_str(loaded.tokenizer.to_str())
    padded.enable_padding(pad_id=0, pad_token="[PAD]")
    inputs = {i.name for i in session.get_inputs()}
    texts = corpus_texts(count)

    def run(ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def plain_loop() -> npt.NDArray[np.float32]:
        out = []
        for start in range(0, len(texts), emb.batch_size):
            encodings = padded.encode_batch(texts[start : start + emb.batch_size])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            out.append(run(ids, mask))
        return np.concatenate(out)

    def by_length() -> npt.NDArray[np.float32]:
        ids = [e.ids for e in loaded.tokenizer.encode_batch(texts)]  # unpadded
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), emb.batch_size):
            rows = order[start : start + emb.batch_size]
            width = max(len(ids[r]) for r in rows)
            batch = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, r in enumerate(rows):
                batch[j, : len(ids[r])] = ids[r]
                mask[j, : len(ids[r])] = 1
            out[rows] = run(batch, mask)
        return out

    sides: dict[str, Callable[[], object]] = {
        "plain loop": plain_loop,
        "by length": by_length,
        "embed_documents": lambda: emb.embed_documents(texts),
        "embed_array": lambda: emb.embed_array(texts),
    }
    ours = emb.embed_array(texts)  # warm up, and check every side computes the same vectors
    worst = max(float(np.abs(ours - side()).max()) for side in (plain_loop, by_length))
    if worst > 5e-3:
        raise SystemExit(f"lcel and the direct loops disagree: max difference {worst}")
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for i in range(runs):
        order = list(sides) if i % 2 == 0 else list(reversed(sides))
        for name in order:
            start = {c: clock() for c, clock in CLOCKS.items()}
            sides[name]()
            samples[name].append({c: clock() - start[c] for c, clock in CLOCKS.items()})
    figures = {
        name: Figure(**{c: count / _median(t[c] for t in times) for c in CLOCKS})
        for name, times in samples.items()
    }
    return figures, worst


# -- report ----------------------------------------------------------------------------------


def longer(lcel: float, direct: float) -> float:
    """The cost of a time: lcel's over the direct one."""
    return lcel / direct


def slower(lcel: float, direct: float) -> float:
    """The cost of a rate: the direct one over lcel's (so also a ratio of times)."""
    return direct / lcel


def _row(
    figure: str, direct: Figure, ours: Figure, cost: Callable[[float, float], float], limit: float
) -> str:
    cpu, wall = cost(ours.cpu, direct.cpu), cost(ours.wall, direct.wall)
    verdict = "met" if cpu <= limit else "missed"
    return (
        f"| {figure} | {direct.cpu:,.1f} | {ours.cpu:,.1f} | **{cpu:.3f}x** | "
        f"{direct.wall:,.1f} | {ours.wall:,.1f} | {wall:.3f}x | ≤ {limit}x: {verdict} |"
    )


def report(
    chat: dict[str, dict[str, Figure]],
    tokens: int,
    embed: dict[str, Figure],
    worst: float,
    settings: str,
) -> str:
    direct, ours = chat["llama_cpp"], chat["lcel"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        "# Local models: lcel vs the libraries called directly",
        "",
        f"Generated by `python -m benchmarks.local_models` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC ({settings}).",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, load average at the end {load}.",
        "",
        "Medians. Cost: lcel's time over the direct one (1.000x: none), judged on CPU time "
        "(this process, every thread), which other processes on the machine barely move; "
        "wall-clock figures beside it.",
        "",
        "| figure | direct (CPU) | lcel (CPU) | cost (CPU) | direct (wall) | lcel (wall) "
        "| cost (wall) | target |",
        "|---|---|---|---|---|---|---|---|",
        _row(
            "chat: time to first token, ms",
            direct["ttft_ms"], ours["ttft_ms"], longer, CHAT_LIMIT,
        ),
        _row(
            "chat: tokens per second after the first",
            direct["tokens_per_s"], ours["tokens_per_s"], slower, CHAT_LIMIT,
        ),
    ]
    for method in ("embed_documents", "embed_array"):
        lines.append(
            _row(
                f"embeddings per second, `{method}`",
                embed["by length"], embed[method], slower, EMBED_LIMIT,
            )
        )
    plain = embed["plain loop"]
    lines += [
        "",
        f"Chat: SmolLM2-135M-Instruct Q4_1 on one thread, greedy, {tokens} tokens per answer, "
        "the prompt cache reset before each run; direct is "
        "`Llama.create_chat_completion(stream=True)` on the same loaded model.",
        "Embeddings: all-MiniLM-L6-v2 int8 ONNX on one thread, batches of 32. lcel groups "
        "texts by length (less padding); the direct loop does the same, so the cost is lcel's "
        f"own. A plain loop in input order does {plain.cpu:,.1f} texts per CPU second "
        f"({plain.wall:,.1f} per wall second). Largest difference between the vectors of any "
        f"two: {worst:.1e}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.local_models")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for the tests)")
    parser.add_argument("--markdown", type=Path, help="write the table to this file")
    args = parser.parse_args(argv)
    runs, tokens, texts = (2, 8, 16) if args.quick else (11, 48, 96)
    chat, answered = bench_chat(runs, tokens)
    embed, worst = bench_embeddings(runs, texts)
    text = report(chat, answered, embed, worst, f"{runs} runs, {tokens} tokens, {texts} texts")
    sys.stdout.write(text)
    if args.markdown is not None:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
