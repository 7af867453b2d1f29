from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


x = RunnableLambda(f) | (lambda n: n.upper())  # E: [attr-defined]
