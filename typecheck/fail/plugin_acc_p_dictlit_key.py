from lcel import RunnableLambda


def j(s: str) -> str:
    return s


def n(s: str) -> int:
    return 1


c = RunnableLambda(j) | {"a": j, "b": n}
c.invoke("x")["c"]  # E: [typeddict-item]
