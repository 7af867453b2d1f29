from lcel import RunnableLambda


def to_len(s: str) -> int:
    return len(s)


def shout(s: str) -> str:
    return s.upper()


bad = RunnableLambda(to_len) | shout  # E: [operator]
