from lcel import RunnableLambda


def to_len(s: str) -> int:
    return len(s)


def shout(s: str) -> str:
    return s.upper()


RunnableLambda(to_len).pipe(RunnableLambda(shout))  # E: [arg-type]
