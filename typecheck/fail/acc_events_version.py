from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


async def main() -> None:
    async for e in RunnableLambda(f).astream_events("a", version="v3"):  # E: [arg-type]
        pass
