from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


x = RunnableLambda(f).batch([1, 2])  # E: [list-item]
