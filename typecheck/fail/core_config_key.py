from lcel import RunnableLambda


def inc(x: int) -> int:
    return x + 1


RunnableLambda(inc).with_config(run_nam="x")  # E: [call-arg]
