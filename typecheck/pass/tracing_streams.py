"""`astream_events` yields `StreamEvent` dicts; `astream_log` yields patches, or `RunLog`s."""

import asyncio
from typing import reveal_type

from lcel import RunnableLambda
from lcel.tracing import RunLog, RunLogPatch, StreamEvent


def double(x: int) -> int:
    return x * 2


chain = RunnableLambda(double)


async def main() -> None:
    async for event in chain.astream_events(1):
        typed: StreamEvent = event
        reveal_type(event["run_id"])  # R: str
        reveal_type(event.get("parent_ids"))  # R: list[str] | None
        name: str = event["name"]
        print(name, event["data"].get("output"))
    async for old in chain.astream_events(1, version="v1", include_types=["chain"]):
        first: StreamEvent = old
        print(first)
    async for patch in chain.astream_log(1):
        reveal_type(patch)  # R: lcel.tracing.RunLogPatch
        total = patch + patch
        reveal_type(total)  # R: lcel.tracing.RunLog
    async for log in chain.astream_log(1, diff=False, include_names=["double"]):
        reveal_type(log)  # R: lcel.tracing.RunLog
        print(log.state["final_output"])
    flag: bool = len(str(chain)) > 0
    async for either in chain.astream_log(1, diff=flag):
        as_patch: RunLogPatch = either
        print(as_patch.ops)


asyncio.run(main())
_ = RunLog
