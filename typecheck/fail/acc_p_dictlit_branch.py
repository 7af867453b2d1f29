from lcel import RunnableLambda


def j(s: str) -> str:
    return s


def n(s: int) -> int:
    return 1


c = RunnableLambda(j) | {"a": j, "b": n}  # E: [dict-item]
