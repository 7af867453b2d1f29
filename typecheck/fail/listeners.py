from lcel import RunnableLambda


def inc(x: int) -> int:
    return x + 1


def wants_int(run: int) -> None:
    pass


r = RunnableLambda(inc).with_listeners(on_end=print)
r.invoke("one")  # E: [arg-type]
RunnableLambda(inc).with_listeners(on_end=wants_int)  # E: [arg-type]
RunnableLambda(inc).with_listeners(on_finish=print)  # E: [call-arg]
