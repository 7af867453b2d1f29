from lcel import RunnableParallel


def j(s: str) -> str:
    return s


def n(s: str) -> int:
    return 1


x: str = RunnableParallel(a=j, b=n).pick("b").invoke("x")  # E: [assignment]
