from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


def g(n: int) -> int:
    return n


c = RunnableLambda(f) | {"a": RunnableLambda(g), "b": g}
c2 = RunnableLambda(f) | {"a": f}  # E: [dict-item]
