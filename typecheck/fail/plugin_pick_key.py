from lcel import RunnableParallel


def count(s: str) -> int:
    return len(s)


def upper(s: str) -> str:
    return s.upper()


par = RunnableParallel(a=upper, b=count)
par.pick("c")  # E: [typeddict-item]
par.pick(["a", "zz"])  # E: [typeddict-item]
only_a = par.pick(["a"])
only_a.invoke("x")["b"]  # E: [typeddict-item]
