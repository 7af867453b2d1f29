from lcel import RunnableParallel, RunnablePassthrough


def j(s: str) -> str:
    return s


c = RunnableParallel(a=j) | RunnablePassthrough.assign(b=lambda d: d["a"] + "!")
c.invoke("x")["bb"]  # E: [typeddict-item]
