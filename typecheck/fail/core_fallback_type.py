from lcel import RunnableLambda


def inc(x: int) -> int:
    return x + 1


def shout(s: str) -> str:
    return s.upper()


RunnableLambda(inc).with_fallbacks([RunnableLambda(shout)])  # E: [arg-type]
