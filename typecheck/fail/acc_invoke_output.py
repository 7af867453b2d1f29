from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


y: str = RunnableLambda(f).invoke("x")  # E: [assignment]
