from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


def g(s: str) -> str:
    return s


a = RunnableLambda(f)
b = RunnableLambda(g)
a | b  # E: [operator]
