from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


async def g(s: str) -> str:
    return s


x = RunnableLambda(f) | g  # E: [operator]
