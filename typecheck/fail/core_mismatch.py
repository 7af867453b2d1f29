from lcel import RunnableLambda


def to_len(s: str) -> int:
    return len(s)


def shout(s: str) -> str:
    return s.upper()


first = RunnableLambda(to_len)
bad = first | RunnableLambda(shout)  # E: [arg-type]
