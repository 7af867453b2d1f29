from lcel import RunnableParallel


def j(s: str) -> str:
    return s


c = RunnableParallel(a=j) | (lambda d: d["zz"])  # E: [typeddict-item]
