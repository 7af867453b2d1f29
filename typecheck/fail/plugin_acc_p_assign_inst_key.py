from lcel import RunnableParallel


def j(s: str) -> str:
    return s


c = RunnableParallel(a=j).assign(b=lambda d: len(d["a"]))
x: str = c.invoke("x")["b"]  # E: [assignment]
