from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


RunnableLambda(f).invoke(3)  # E: [arg-type]
