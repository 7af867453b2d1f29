from lcel import RunnableLambda


def to_len(s: str) -> int:
    return len(s)


r = RunnableLambda(to_len) | (lambda n: n.upper())  # E: [attr-defined]
