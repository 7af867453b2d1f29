from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


def g(s: int) -> int:
    return s


x = RunnableLambda(f).with_fallbacks([RunnableLambda(g)])  # E: [arg-type]
