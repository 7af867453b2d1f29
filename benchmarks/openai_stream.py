"""Adapter overhead of ``ChatOpenAI`` streaming against a loopback server.

``python -m benchmarks.openai_stream [--quick] [--json PATH]``: a stdlib SSE server runs in a
subprocess (:mod:`benchmarks._sse_server`); each client streams the same answers from it:

* ``raw``: ``httpx`` + ``iter_lines`` + ``json.loads``, the floor any adapter sits on (it
  reads the body to its end, as ``ChatOpenAI`` does, so both reuse pooled connections);
* ``lcel``: ``lcel.openai.ChatOpenAI.stream`` / ``astream`` (through the interpreter);
* ``langchain``: ``langchain_openai.ChatOpenAI``, when it is installed.

Figures: per-chunk cost of a 2,000-chunk stream (µs), and time to first token of a 5-chunk
stream (ms), for sync and async. Targets: lcel ≤ 1.5x raw per chunk; TTFT ≤ raw + 1 ms.
Outputs are checked before anything is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx

from benchmarks.harness import Timing, atime_calls, time_calls
from lcel.openai._http import SOCKET_OPTIONS

LONG, SHORT = 2000, 5
MESSAGES = [{"role": "user", "content": "count"}]


def start_server() -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks._sse_server"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, port


# -- the clients: each returns a function streaming the text pieces of one answer -----------------


class Raw:
    name = "raw httpx + json"

    def __init__(self) -> None:
        # the same socket options as ChatOpenAI's (no Nagle delay on reused connections)
        self.client = httpx.Client(
            timeout=60, transport=httpx.HTTPTransport(socket_options=SOCKET_OPTIONS)
        )
        self.aclient: httpx.AsyncClient | None = None

    def stream(self, base_url: str) -> Iterator[str]:
        body = {"model": "bench", "messages": MESSAGES, "stream": True}
        headers = {"Authorization": "Bearer sk-bench"}
        with self.client.stream(
            "POST", base_url + "/chat/completions", json=body, headers=headers
        ) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    continue
                choices = json.loads(data)["choices"]
                content = choices[0]["delta"].get("content") if choices else None
                if content:
                    yield content

    async def astream(self, base_url: str) -> AsyncIterator[str]:
        if self.aclient is None:
            self.aclient = httpx.AsyncClient(
                timeout=60, transport=httpx.AsyncHTTPTransport(socket_options=SOCKET_OPTIONS)
            )
        body = {"model": "bench", "messages": MESSAGES, "stream": True}
        headers = {"Authorization": "Bearer sk-bench"}
        async with self.aclient.stream(
            "POST", base_url + "/chat/completions", json=body, headers=headers
        ) as response:
            response.raise_for_status()
            async for line in response.aiter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    continue
                choices = json.loads(data)["choices"]
                content = choices[0]["delta"].get("content") if choices else None
                if content:
                    yield content


class Lcel:
    name = "lcel ChatOpenAI"

    def __init__(self) -> None:
        from lcel.openai import ChatOpenAI

        self.models: dict[str, ChatOpenAI] = {}
        self.cls = ChatOpenAI

    def _model(self, base_url: str) -> Any:  # Any: a ChatOpenAI
        if base_url not in self.models:
            self.models[base_url] = self.cls(model="bench", base_url=base_url, api_key="sk-bench")
        return self.models[base_url]

    def stream(self, base_url: str) -> Iterator[str]:
        for chunk in self._model(base_url).stream(MESSAGES):
            if chunk.content:
                yield chunk.content

    async def astream(self, base_url: str) -> AsyncIterator[str]:
        async for chunk in self._model(base_url).astream(MESSAGES):
            if chunk.content:
                yield chunk.content


class LangChain(Lcel):
    name = "langchain-openai"

    def __init__(self) -> None:
        from langchain_openai import ChatOpenAI

        self.models = {}
        self.cls = ChatOpenAI


def _drain(stream: Iterator[str]) -> str:
    return "".join(stream)


async def _adrain(stream: AsyncIterator[str]) -> str:
    return "".join([piece async for piece in stream])


def first_token(make: Callable[[], Iterator[str]], quick: bool) -> Timing:
    samples = []
    for _ in range(1 if quick else 300):
        start = time.perf_counter()
        stream = make()
        next(stream)
        samples.append(time.perf_counter() - start)
        for _piece in stream:
            pass
    samples.sort()
    return Timing(samples[len(samples) // 2], samples[0], len(samples), 1)


async def afirst_token(make: Callable[[], AsyncIterator[str]], quick: bool) -> Timing:
    samples = []
    for _ in range(1 if quick else 300):
        start = time.perf_counter()
        stream = make()
        await anext(stream)
        samples.append(time.perf_counter() - start)
        async for _piece in stream:
            pass
    samples.sort()
    return Timing(samples[len(samples) // 2], samples[0], len(samples), 1)


def measure(client: Any, port: int, quick: bool) -> dict[str, Timing]:  # Any: a client above
    size = 50 if quick else LONG
    long_url = f"http://127.0.0.1:{port}/n{size}/v1"
    short_url = f"http://127.0.0.1:{port}/n{SHORT}/v1"
    expected_long, expected_short = "tok " * size, "tok " * SHORT
    got = _drain(client.stream(long_url))
    if got != expected_long:
        raise AssertionError(f"{client.name} streamed {got[:60]!r}…, not {size} tokens")
    results = {
        "chunk": time_calls(lambda: _drain(client.stream(long_url)), quick=quick, repeats=7)
        .scaled(1e6 / size),
        "ttft": first_token(lambda: client.stream(short_url), quick).scaled(1e3),
    }

    async def run_async() -> dict[str, Timing]:
        got = await _adrain(client.astream(short_url))
        if got != expected_short:
            raise AssertionError(f"{client.name} astreamed {got!r}")
        return {
            "achunk": (
                await atime_calls(lambda: _adrain(client.astream(long_url)), quick=quick,
                                  repeats=7)
            ).scaled(1e6 / size),
            "attft": (await afirst_token(lambda: client.astream(short_url), quick)).scaled(1e3),
        }

    results.update(asyncio.run(run_async()))
    return results


FIGURES = {
    "chunk": "`stream`: per chunk (2,000-chunk answer), µs",
    "achunk": "`astream`: per chunk (2,000-chunk answer), µs",
    "ttft": "`stream`: time to first token (5-chunk answer), ms",
    "attft": "`astream`: time to first token (5-chunk answer), ms",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--quick", action="store_true", help="run everything once, tiny")
    parser.add_argument("--json", help="write the figures as JSON to this path")
    args = parser.parse_args(argv)
    clients: list[Any] = [Raw(), Lcel()]  # Any: the client classes above
    notes = []
    try:
        clients.append(LangChain())
    except ImportError:
        notes.append("langchain-openai not installed: compared with raw httpx only")
    proc, port = start_server()
    try:
        results = {c.name: measure(c, port, args.quick) for c in clients}
    finally:
        proc.kill()
        proc.wait()
    raw, lcel = results[Raw.name], results[Lcel.name]
    names = list(results)
    print("| figure | " + " | ".join(names) + " | lcel ÷ raw |")
    print("| --- |" + " --- |" * (len(names) + 1))
    for key, label in FIGURES.items():
        cells = [f"{results[n][key].median:.3g} ({results[n][key].best:.3g})" for n in names]
        ratio = lcel[key].median / raw[key].median
        print(f"| {label} | " + " | ".join(cells) + f" | {ratio:.2f}x |")
    verdicts = {
        "per chunk ≤ 1.5x raw (stream)": lcel["chunk"].median <= 1.5 * raw["chunk"].median,
        "per chunk ≤ 1.5x raw (astream)": lcel["achunk"].median <= 1.5 * raw["achunk"].median,
        "TTFT ≤ raw + 1 ms (stream)": lcel["ttft"].median <= raw["ttft"].median + 1.0,
        "TTFT ≤ raw + 1 ms (astream)": lcel["attft"].median <= raw["attft"].median + 1.0,
    }
    print()
    for target, met in verdicts.items():
        print(f"- {target}: {'met' if met else 'MISSED'}")
    for note in notes:
        print(f"- note: {note}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "quick": args.quick,
                    "results": {
                        n: {k: [t.median, t.best] for k, t in r.items()} for n, r in results.items()
                    },
                    "targets": verdicts,
                    "notes": notes,
                },
                out,
                indent=2,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
