from lcel import RunnableBranch, RunnableLambda


def f(s: str) -> int:
    return 1


def g(s: str) -> str:
    return s


b = RunnableBranch((lambda s: len(s) > 1, RunnableLambda(f)), RunnableLambda(g))
b.invoke(3)  # E: [arg-type]
