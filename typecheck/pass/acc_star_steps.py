# **steps fallback (issue 9: "never a crash, never a spurious error")
from lcel import Runnable, RunnableLambda, RunnableParallel


def f(s: str) -> int:
    return 1


steps: dict[str, Runnable[str, int]] = {"a": RunnableLambda(f)}
p2 = RunnableParallel(**steps)
o2 = p2.invoke("x")
