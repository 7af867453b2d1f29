from lcel import RunnableLambda


def to_len(s: str) -> int:
    return len(s)


for chunk in RunnableLambda(to_len).stream("x"):
    chunk.upper()  # E: [attr-defined]
