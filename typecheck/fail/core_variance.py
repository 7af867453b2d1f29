from lcel import Runnable, RunnableLambda


def to_len(s: str) -> int:
    return len(s)


narrow: Runnable[object, int] = RunnableLambda(to_len)  # E: [arg-type]
