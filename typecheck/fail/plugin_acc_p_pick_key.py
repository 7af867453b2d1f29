from lcel import RunnableParallel


def j(s: str) -> str:
    return s


c = RunnableParallel(a=j, b=j).pick("c")  # E: [typeddict-item]
