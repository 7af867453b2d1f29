from lcel import RunnableLambda


def j(s: str) -> int:
    return 1


c = RunnableLambda(j) | {"a": lambda n: n.upper()}  # E: [attr-defined]
