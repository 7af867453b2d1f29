import asyncio
import time

from conftest import run

from lcel import RunnableGenerator, RunnableLambda
from lcel.parsers import StrOutputParser


async def slow_gen(ait):
    async for _ in ait:
        pass
    for x in ["a", "b", "c"]:
        await asyncio.sleep(0.15)
        yield x

def _first_time(agen_factory, pred):
    async def main():
        t0 = time.monotonic()
        async for item in agen_factory():
            if pred(item):
                return time.monotonic() - t0
    return run(main())

def test_events_are_live():
    c = RunnableLambda(lambda x: x) | RunnableGenerator(slow_gen) | StrOutputParser()
    dt = _first_time(lambda: c.astream_events("x"), lambda e: e["event"] == "on_chain_stream" and e["name"] == "RunnableSequence")
    assert dt < 0.3

def test_log_is_live():
    c = RunnableLambda(lambda x: x) | RunnableGenerator(slow_gen) | StrOutputParser()
    dt = _first_time(lambda: c.astream_log("x"), lambda p: any(op["path"] == "/streamed_output/-" for op in p.ops))
    assert dt < 0.3

def test_sync_generator_events_live():
    def sg(it):
        for _ in it:
            pass
        for x in "abc":
            time.sleep(0.15)
            yield x
    c = RunnableLambda(lambda x: x) | RunnableGenerator(sg) | StrOutputParser()
    dt = _first_time(lambda: c.astream_events("x"), lambda e: e["event"] == "on_chain_stream" and e["name"] == "RunnableSequence")
    assert dt < 0.3
