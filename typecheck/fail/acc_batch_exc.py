from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


x: list[int] = RunnableLambda(f).batch(["a"], return_exceptions=True)  # E: [assignment]
