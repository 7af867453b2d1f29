from lcel import RunnableParallel


def j(s: str) -> str:
    return s


c = RunnableParallel(a=j, b=j, c=j).pick(["a", "c"])
c.invoke("x")["b"]  # E: [typeddict-item]
