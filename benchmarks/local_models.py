"""The cost of lcel around real local models: lcel vs the libraries called directly.

``python -m benchmarks.local_models`` (needs the ``local`` extra) measures, in one process
and on the same loaded model:

- chat: time to first token and tokens per second of ``LlamaCppChatModel.stream`` against
  ``Llama.create_chat_completion(stream=True)`` with the same messages and options;
- embeddings: texts per second of ``OnnxEmbeddings.embed_documents`` (and ``embed_array``)
  against a direct tokenizers + onnxruntime loop (batches in input order, mean pooling).

Runs alternate between the two sides so load from other processes hits both alike; each
figure is the median. The prompt cache is reset before every chat run, so the time to
first token includes reading the prompt. Writes a Markdown table (``--markdown``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
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


# -- chat ------------------------------------------------------------------------------------


def _timed_tokens(pieces: Iterator[str]) -> tuple[float, float, int]:
    """(seconds to the first non-empty piece, seconds to the end, non-empty pieces)."""
    start = time.perf_counter()
    first = 0.0
    count = 0
    for piece in pieces:
        if piece:
            count += 1
            if count == 1:
                first = time.perf_counter() - start
    return first, time.perf_counter() - start, count


@dataclass(frozen=True)
class Figure:
    """A measurement over several runs: the median, and the best run (the least disturbed
    by other processes, so the fairest view of a small fixed cost)."""

    median: float
    best: float

    def show(self) -> str:
        return f"{self.median:,.1f} ({self.best:,.1f})"


def bench_chat(runs: int, max_tokens: int) -> dict[str, dict[str, Figure]]:
    model = LlamaCppChatModel(temperature=0, max_tokens=max_tokens)
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
    samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name in sides}
    _timed_tokens(through_lcel())  # warm up: load, first allocations
    for i in range(runs):
        order = list(sides) if i % 2 == 0 else list(reversed(sides))
        for name in order:
            llama.reset()  # no prompt-cache reuse: every run reads the prompt
            samples[name].append(_timed_tokens(sides[name]()))
    result: dict[str, dict[str, Figure]] = {}
    for name, runs_of in samples.items():
        ttft = [s[0] * 1000 for s in runs_of]
        rates = [(s[2] - 1) / (s[1] - s[0]) for s in runs_of]  # after the first token
        result[name] = {
            "ttft_ms": Figure(statistics.median(ttft), min(ttft)),
            "tokens_per_s": Figure(statistics.median(rates), max(rates)),
            "tokens": Figure(statistics.median(s[2] for s in runs_of), 0),
        }
    return result


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
    emb = OnnxEmbeddings()
    loaded = emb._load()
    session = loaded.session
    tokenizer = loaded.tokenizer.__class__.from_str(loaded.tokenizer.to_str())
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    tokenizer.enable_truncation(max_length=emb.max_length)
    inputs = {i.name for i in session.get_inputs()}
    texts = corpus_texts(count)

    def run(batch: list[str]) -> npt.NDArray[np.float32]:
        encodings = tokenizer.encode_batch(batch)  # padded to the batch's longest
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def direct() -> npt.NDArray[np.float32]:
        size = emb.batch_size
        return np.concatenate([run(texts[i : i + size]) for i in range(0, len(texts), size)])

    def direct_by_length() -> npt.NDArray[np.float32]:
        ids = [e.ids for e in loaded.tokenizer.encode_batch(texts)]  # unpadded
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), emb.batch_size):
            rows = order[start : start + emb.batch_size]
            width = max(len(ids[r]) for r in rows)
            input_ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, r in enumerate(rows):
                input_ids[j, : len(ids[r])] = ids[r]
                mask[j, : len(ids[r])] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in inputs:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            hidden = session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
            out[rows] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out

    sides: dict[str, Callable[[], object]] = {
        "onnxruntime": direct,
        "onnxruntime by length": direct_by_length,
        "lcel embed_documents": lambda: emb.embed_documents(texts),
        "lcel embed_array": lambda: emb.embed_array(texts),
    }
    ours = emb.embed_array(texts)  # warm up, and check every side computes the same vectors
    worst = max(float(np.abs(ours - side()).max()) for side in (direct, direct_by_length))
    if worst > 5e-3:
        raise SystemExit(f"lcel and the direct loop disagree: max difference {worst}")
    samples: dict[str, list[float]] = {name: [] for name in sides}
    for i in range(runs):
        order = list(sides) if i % 2 == 0 else list(reversed(sides))
        for name in order:
            start = time.perf_counter()
            sides[name]()
            samples[name].append(time.perf_counter() - start)
    figures = {
        name: Figure(count / statistics.median(times), count / min(times))
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
    best, median = cost(ours.best, direct.best), cost(ours.median, direct.median)
    verdict = "yes" if best <= limit else "no"
    return (
        f"| {figure} | {direct.show()} | {ours.show()} | {best:.3f}x | {median:.3f}x | "
        f"≤ {limit}x: {verdict} |"
    )


def report(
    chat: dict[str, dict[str, Figure]], embed: dict[str, Figure], worst: float, settings: str
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
        "Each cell: median (best run). Cost: lcel's time over the direct one (1.000x: none), "
        "from the best runs, and from the medians.",
        "",
        "| figure | direct | through lcel | cost (best) | cost (median) | target |",
        "|---|---|---|---|---|---|",
        _row(
            "chat: time to first token, ms",
            direct["ttft_ms"], ours["ttft_ms"], longer, CHAT_LIMIT,
        ),
        _row(
            "chat: tokens per second after the first",
            direct["tokens_per_s"], ours["tokens_per_s"], slower, CHAT_LIMIT,
        ),
    ]
    for name in ("lcel embed_documents", "lcel embed_array"):
        method = name.split()[1]
        for base, against in (
            ("onnxruntime", "a plain loop"),
            ("onnxruntime by length", "the same batching"),
        ):
            lines.append(
                _row(
                    f"embeddings per second, `{method}` vs {against}",
                    embed[base], embed[name], slower, EMBED_LIMIT,
                )
            )
    lines += [
        "",
        f"Chat: SmolLM2-135M-Instruct Q4_1, greedy, {direct['tokens'].median:.0f} tokens per "
        "answer, the prompt cache reset before each run; direct is "
        "`Llama.create_chat_completion(stream=True)` on the same loaded model.",
        "Embeddings: all-MiniLM-L6-v2 int8 ONNX, batches of 32; the plain loop is tokenizers + "
        "`session.run` + mean pooling in input order; lcel groups texts by length (less "
        "padding), and so does the second direct loop, which isolates lcel's own cost "
        f"(largest difference between any two: {worst:.1e}).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.local_models")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for the tests)")
    parser.add_argument("--markdown", type=Path, help="write the table to this file")
    args = parser.parse_args(argv)
    runs, tokens, texts = (2, 8, 16) if args.quick else (11, 48, 96)
    chat = bench_chat(runs, tokens)
    embed, worst = bench_embeddings(runs, texts)
    text = report(chat, embed, worst, f"{runs} runs, {tokens} tokens, {texts} texts")
    sys.stdout.write(text)
    if args.markdown is not None:
        args.markdown.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
