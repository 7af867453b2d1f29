from lcel import RunnableLambda


def to_len(s: str) -> int:
    return len(s)


RunnableLambda(to_len).invoke(3)  # E: [arg-type]
