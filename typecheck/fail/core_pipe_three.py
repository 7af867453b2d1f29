from lcel import RunnableLambda


def f(s: str) -> int:
    return len(s)


def h(n: int) -> int:
    return n


def g(s: str) -> str:
    return s


RunnableLambda(f).pipe(h, g)  # E: [misc]
