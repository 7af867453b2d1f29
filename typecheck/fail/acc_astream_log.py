from lcel import RunnableLambda
from lcel.tracing import RunLog


def f(s: str) -> int:
    return 1


async def main() -> None:
    async for p in RunnableLambda(f).astream_log("a"):
        q: RunLog = p  # E: [assignment]
