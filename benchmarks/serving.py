"""Serving benchmark: HTTP round trip of ``invoke`` and ``stream`` throughput over loopback.

``python -m benchmarks.serving [--quick] [--markdown FILE]`` serves the same trivial chain
(an async function upper-casing a string: no thread hop, so the figure is the server's own
cost; an async generator of N chunks for streams) from three servers, each in its
own process under uvicorn with access logs off, and calls each from this process with one
keep-alive ``httpx`` client, taking turns so a drift of the machine touches all alike:

* ``bare``: a Starlette endpoint doing only the JSON work of ``invoke`` (the floor);
* ``lcel``: ``lcel.server.add_routes``;
* ``langserve``: LangServe 0.3 on FastAPI with langchain-core (when installed).

Reported: median and best round trip of ``invoke`` (the server's overhead: the chain itself
costs microseconds), and ``stream`` chunks per second. Goals: lcel ≤ 1.3x the bare endpoint,
LangServe ≥ 3x lcel.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHUNKS = 2000


# -- the servers (run in a child: python -m benchmarks.serving --serve NAME --fd N) ---------------


def _bare_app() -> Any:  # Any: an ASGI app
    import uuid

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def invoke(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse({"output": body["input"].upper(),
                             "metadata": {"run_id": str(uuid.uuid4()), "feedback_tokens": []}})

    return Starlette(routes=[Route("/upper/invoke", invoke, methods=["POST"])])


def _lcel_app() -> Any:  # Any: an ASGI app
    from lcel import RunnableGenerator, RunnableLambda
    from lcel.server import add_routes, create_app

    async def chunks(inputs: AsyncIterator[str]) -> AsyncIterator[str]:
        async for _ in inputs:
            pass
        for i in range(CHUNKS):
            yield f"c{i} "

    async def upper(text: str) -> str:
        return text.upper()

    app = create_app()
    add_routes(app, RunnableLambda(upper), "/upper")
    add_routes(app, RunnableGenerator(chunks), "/chunks")
    return app


def _langserve_app() -> Any:  # Any: an ASGI app
    from fastapi import FastAPI
    from langchain_core.runnables import RunnableGenerator, RunnableLambda
    from langserve import add_routes

    async def chunks(inputs: AsyncIterator[str]) -> AsyncIterator[str]:
        async for _ in inputs:
            pass
        for i in range(CHUNKS):
            yield f"c{i} "

    async def upper(text: str) -> str:
        return text.upper()

    app = FastAPI()
    add_routes(app, RunnableLambda(upper).with_types(input_type=str, output_type=str),
               path="/upper")
    add_routes(app, RunnableGenerator(chunks).with_types(input_type=str, output_type=str),
               path="/chunks")
    return app


APPS = {"bare": _bare_app, "lcel": _lcel_app, "langserve": _langserve_app}


def _serve(name: str, fd: int) -> None:
    import uvicorn

    sock = socket.socket(fileno=fd)
    config = uvicorn.Config(APPS[name](), log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


# -- the client ---------------------------------------------------------------------------------


class _Server:
    def __init__(self, name: str) -> None:
        self.name = name
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.set_inheritable(True)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.serving", "--serve", name, "--fd",
             str(sock.fileno())],
            cwd=ROOT, pass_fds=[sock.fileno()],
        )
        sock.close()

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used (Linux ``/proc``; ``None`` elsewhere)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _wait_ready(client: Any, url: str) -> None:  # Any: an httpx.Client
    deadline = time.monotonic() + 60
    while True:
        try:
            if client.post(f"{url}/upper/invoke", json={"input": "x"}).status_code == 200:
                return
        except Exception:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)


def _invoke_times(client: Any, url: str, n: int) -> list[float]:  # Any: an httpx.Client
    times = []
    for i in range(n):
        start = time.perf_counter()
        r = client.post(f"{url}/upper/invoke", json={"input": f"hello {i}"})
        times.append(time.perf_counter() - start)
        if r.json()["output"] != f"HELLO {i}":
            raise AssertionError(f"wrong output: {r.text[:200]}")
    return times


def _stream_rate(client: Any, url: str) -> float:  # Any: an httpx.Client
    start = time.perf_counter()
    count = 0
    with client.stream("POST", f"{url}/chunks/stream", json={"input": "x"}) as r:
        for line in r.iter_lines():
            if line.startswith("event: data"):
                count += 1
    elapsed = time.perf_counter() - start
    if count != CHUNKS:
        raise AssertionError(f"{count} chunks instead of {CHUNKS}")
    return count / elapsed


def run(names: Sequence[str], rounds: int, per_round: int) -> dict[str, dict[str, float]]:
    """Median/best invoke round trip (ms) and stream chunks/s per server."""
    import httpx

    servers = {name: _Server(name) for name in names}
    clients = {name: httpx.Client(timeout=60) for name in names}
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, float | None] = dict.fromkeys(names, 0.0)
    rates: dict[str, list[float]] = {name: [] for name in names if name != "bare"}
    try:
        for name in names:
            _wait_ready(clients[name], servers[name].url)
            _invoke_times(clients[name], servers[name].url, 50)  # warm up
        for _ in range(rounds):
            for name in names:  # take turns
                before = servers[name].cpu_seconds()
                samples[name] += _invoke_times(clients[name], servers[name].url, per_round)
                after = servers[name].cpu_seconds()
                used = cpu[name]
                cpu[name] = (None if before is None or after is None or used is None
                             else used + after - before)
                if name in rates:
                    rates[name].append(_stream_rate(clients[name], servers[name].url))
    finally:
        for client in clients.values():
            client.close()
        for server in servers.values():
            server.stop()
    out: dict[str, dict[str, float]] = {}
    for name in names:
        out[name] = {
            "invoke_median_ms": statistics.median(samples[name]) * 1000,
            "invoke_best_ms": min(samples[name]) * 1000,
        }
        used = cpu[name]
        if used is not None:
            out[name]["server_cpu_us_per_invoke"] = used / len(samples[name]) * 1e6
        if name in rates:
            out[name]["stream_chunks_per_s"] = statistics.median(rates[name])
    return out


def render(results: dict[str, dict[str, float]], quick: bool) -> str:
    """A Markdown table and the goals, met or missed."""
    lines = [
        "| server | invoke median | invoke best | server CPU per invoke | stream chunks/s |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        rate = f"{r['stream_chunks_per_s']:,.0f}" if "stream_chunks_per_s" in r else "n/a"
        cpu = (f"{r['server_cpu_us_per_invoke']:.0f} µs" if "server_cpu_us_per_invoke" in r
               else "n/a")
        lines.append(f"| {name} | {r['invoke_median_ms']:.3f} ms | {r['invoke_best_ms']:.3f} ms "
                     f"| {cpu} | {rate} |")
    # the overhead: server CPU per request where the platform tells it (robust to a loaded
    # machine's scheduling noise), else the median round trip
    key = ("server_cpu_us_per_invoke"
           if all(r.get("server_cpu_us_per_invoke", 0) > 0 for r in results.values())
           else "invoke_median_ms")
    what = "server CPU per invoke" if key == "server_cpu_us_per_invoke" else "median round trip"
    lcel = results["lcel"][key]
    lines.append("")
    if "bare" in results:
        ratio = lcel / results["bare"][key]
        verdict = "met" if ratio <= 1.3 else "MISSED"
        lines.append(f"- lcel / bare endpoint ({what}): {ratio:.2f}x (goal ≤ 1.3x: {verdict})")
        rt = results["lcel"]["invoke_median_ms"] / results["bare"]["invoke_median_ms"]
        lines.append(f"- lcel / bare endpoint (median round trip): {rt:.2f}x")
    if "langserve" in results:
        ratio = results["langserve"][key] / lcel
        verdict = "met" if ratio >= 3 else "MISSED"
        lines.append(f"- LangServe / lcel ({what}): {ratio:.2f}x (goal ≥ 3x lower overhead: "
                     f"{verdict})")
        rt = results["langserve"]["invoke_median_ms"] / results["lcel"]["invoke_median_ms"]
        lines.append(f"- LangServe / lcel (median round trip): {rt:.2f}x")
        if "bare" in results:
            floor = results["bare"][key]
            added_lcel, added_ls = lcel - floor, results["langserve"][key] - floor
            if added_lcel > 0:
                lines.append(f"- what the framework adds over the bare endpoint ({what}): "
                             f"LangServe {added_ls:.3g}, lcel {added_lcel:.3g}: "
                             f"{added_ls / added_lcel:.1f}x")
        s_ratio = (results["lcel"]["stream_chunks_per_s"]
                   / results["langserve"]["stream_chunks_per_s"])
        lines.append(f"- stream throughput lcel / LangServe: {s_ratio:.2f}x")
    else:
        lines.append("- LangServe not installed (pip install -e '.[langserve]'): compared with "
                     "the bare endpoint only")
    if quick:
        lines.append("- quick run: few samples, figures are rough")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serving", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few samples (a smoke test)")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table here")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument("--serve", choices=sorted(APPS), help=argparse.SUPPRESS)
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve, args.fd)
        return 0
    names = ["bare", "lcel"]
    if all(importlib.util.find_spec(m) for m in ("langserve", "fastapi", "sse_starlette")):
        names.append("langserve")
    results = run(names, rounds=2 if args.quick else 10, per_round=20 if args.quick else 200)
    table = render(results, args.quick)
    print(table, end="")
    if args.markdown:
        Path(args.markdown).write_text(table, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
