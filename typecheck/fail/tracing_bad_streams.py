"""The event and log streams check the runnable's input type and their options."""

from lcel import RunnableLambda


def double(x: int) -> int:
    return x * 2


chain = RunnableLambda(double)


async def main() -> None:
    chain.astream_events("one")  # E: [arg-type]
    chain.astream_events(1, version="v3")  # E: [arg-type]
    chain.astream_log("one")  # E: [call-overload]
    async for patch in chain.astream_log(1):
        print(patch.state)  # E: [attr-defined]
