from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


RunnableLambda(f).invoke("x", {"tag": ["x"]})  # E: [arg-type]
