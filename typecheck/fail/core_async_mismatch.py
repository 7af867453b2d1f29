from lcel import RunnableLambda


async def fetch(url: str) -> bytes:
    return url.encode()


def shout(s: str) -> str:
    return s.upper()


bad = RunnableLambda(fetch) | RunnableLambda(shout)  # E: [arg-type]
