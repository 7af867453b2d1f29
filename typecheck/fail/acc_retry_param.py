from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


RunnableLambda(f).with_retry(stop_after_attempts=2)  # E: [call-arg]
