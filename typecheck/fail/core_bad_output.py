from lcel import RunnableLambda


def to_len(s: str) -> int:
    return len(s)


out: str = RunnableLambda(to_len).invoke("x")  # E: [assignment]
