from typing import Any, reveal_type

from lcel import RunnableLambda
from lcel.tracing import RunLogPatch


def f(s: str) -> int:
    return len(s)


r = RunnableLambda(f)


async def main() -> None:
    async for ev in r.astream_events("a"):
        name: str = ev["name"]
        e: str = ev["event"]
        d = ev["data"]
        tags: list[str] = ev["tags"]
        rid = ev["run_id"]
    async for ev1 in r.astream_events("a", version="v1", include_names=["x"], exclude_tags=["y"]):
        pass
    async for p in r.astream_log("a"):
        reveal_type(p)  # R: lcel.tracing.RunLogPatch
    async for q in r.astream_log("a", diff=False):
        reveal_type(q)  # R: lcel.tracing.RunLog
    acc: RunLogPatch | None = None
    async for p2 in r.astream_log("a", include_types=["llm"]):
        acc = p2 if acc is None else acc + p2
    total = RunLogPatch() + RunLogPatch()
    reveal_type(total)  # R: lcel.tracing.RunLog
    st = total.state
    fo: Any = st["final_output"]
    so = st["streamed_output"]
    lg = st["logs"]


for c in r.stream("x"):
    reveal_type(c)  # R: int
for c2 in r.transform(iter(["a", "b"])):
    reveal_type(c2)  # R: int
