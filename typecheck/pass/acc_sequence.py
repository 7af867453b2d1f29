from lcel import RunnableLambda, RunnableSequence


def f(s: str) -> int:
    return 1


def g(n: int) -> float:
    return 1.0


s = RunnableSequence(RunnableLambda(f), RunnableLambda(g))
r = s.invoke("x")
seq = RunnableLambda(f) | g
if isinstance(seq, RunnableSequence):
    print(seq.first, seq.last)
