from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


def g(s: str) -> str:
    return s


x = RunnableLambda(f).pipe(g)  # E: [arg-type]
