from lcel import RunnableLambda


def inc(x: int) -> int:
    return x + 1


outs: list[int] = RunnableLambda(inc).batch([1], return_exceptions=True)  # E: [assignment]
