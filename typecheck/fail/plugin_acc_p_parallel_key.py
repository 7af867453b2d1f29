from lcel import RunnableParallel


def j(s: str) -> str:
    return s


def n(s: str) -> int:
    return 1


out = RunnableParallel(joke=j, n=n).invoke("x")
out["jokes"]  # E: [typeddict-item]
